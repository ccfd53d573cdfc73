// WebKit LocalStorage folders of app containers: origins that stored LocalStorage data.

import { webkitFolderModule } from "./webkit-folders.js";

export const webkitLocalStorage = webkitFolderModule({
  id: "webkit_local_storage",
  timelineName: "WebkitLocalStorage",
  event: "webkit_local_storage",
  description: "Origins with WebKit LocalStorage data in app containers (Library/WebKit/WebsiteData/LocalStorage)",
  folder: "Library/WebKit/WebsiteData/LocalStorage",
  data: (r) => `WebKit Local Storage folder ${r.folder} containing file for URL ${r.url}`,
});
