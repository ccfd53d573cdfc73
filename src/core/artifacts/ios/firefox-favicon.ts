// TODO: firefox_favicon (stub, to be implemented)
import { artifact } from "../module.js";

export const firefoxFavicon = artifact({
  id: "firefox_favicon",
  platform: "ios",
  timelineName: "firefox_favicon",
  description: "firefox_favicon",
  sources: [],
  *records() {},
});
