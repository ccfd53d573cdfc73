// TODO: calendar (stub, to be implemented)
import { artifact } from "../module.js";

export const calendar = artifact({
  id: "calendar",
  platform: "ios",
  timelineName: "calendar",
  description: "calendar",
  sources: [],
  *records() {},
});
