// TODO: shortcuts (stub, to be implemented)
import { artifact } from "../module.js";

export const shortcuts = artifact({
  id: "shortcuts",
  platform: "ios",
  timelineName: "shortcuts",
  description: "shortcuts",
  sources: [],
  *records() {},
});
