// TODO: chrome_favicon (stub, to be implemented)
import { artifact } from "../module.js";

export const chromeFavicon = artifact({
  id: "chrome_favicon",
  platform: "ios",
  timelineName: "chrome_favicon",
  description: "chrome_favicon",
  sources: [],
  *records() {},
});
