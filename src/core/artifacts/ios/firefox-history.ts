// TODO: firefox_history (stub, to be implemented)
import { artifact } from "../module.js";

export const firefoxHistory = artifact({
  id: "firefox_history",
  platform: "ios",
  timelineName: "firefox_history",
  description: "firefox_history",
  sources: [],
  *records() {},
});
