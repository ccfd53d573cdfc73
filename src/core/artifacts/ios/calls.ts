// TODO: calls (stub, to be implemented)
import { artifact } from "../module.js";

export const calls = artifact({
  id: "calls",
  platform: "ios",
  timelineName: "calls",
  description: "calls",
  sources: [],
  *records() {},
});
