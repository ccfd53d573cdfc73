// TODO: safari_browser_state (stub, to be implemented)
import { artifact } from "../module.js";

export const safariBrowserState = artifact({
  id: "safari_browser_state",
  platform: "ios",
  timelineName: "safari_browser_state",
  description: "safari_browser_state",
  sources: [],
  *records() {},
});
