// WebKit IndexedDB folders of app containers: origins that stored IndexedDB data.

import { webkitFolderModule } from "./webkit-folders.js";

export const webkitIndexedDB = webkitFolderModule({
  id: "webkit_indexeddb",
  timelineName: "WebkitIndexedDB",
  event: "webkit_indexeddb",
  description: "Origins with WebKit IndexedDB data in app containers (Library/WebKit/WebsiteData/IndexedDB)",
  folder: "Library/WebKit/WebsiteData/IndexedDB",
  data: (r) => `IndexedDB folder ${r.folder} containing file for URL ${r.url}`,
});
