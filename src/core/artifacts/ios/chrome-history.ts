// TODO: chrome_history (stub, to be implemented)
import { artifact } from "../module.js";

export const chromeHistory = artifact({
  id: "chrome_history",
  platform: "ios",
  timelineName: "chrome_history",
  description: "chrome_history",
  sources: [],
  *records() {},
});
