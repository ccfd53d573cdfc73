// SafariViewService website data of app containers: origins opened in in-app browser views.

import { webkitFolderModule } from "./webkit-folders.js";

export const webkitSafariViewService = webkitFolderModule({
  id: "webkit_safari_view_service",
  timelineName: "WebkitSafariViewService",
  event: "webkit_safari_view_service",
  description: "Origins in SafariViewService website data of app containers (in-app browser pages)",
  folder: "SystemData/com.apple.SafariViewService/Library/WebKit/WebsiteData",
  data: (r) => `SafariViewService WebsiteData folder ${r.folder} containing file for URL ${r.url}`,
});
