// TODO: safari_history (stub, to be implemented)
import { artifact } from "../module.js";

export const safariHistory = artifact({
  id: "safari_history",
  platform: "ios",
  timelineName: "safari_history",
  description: "safari_history",
  sources: [],
  *records() {},
});
