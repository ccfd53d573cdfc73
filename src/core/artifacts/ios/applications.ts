// TODO: applications (stub, to be implemented)
import { artifact } from "../module.js";

export const applications = artifact({
  id: "applications",
  platform: "ios",
  timelineName: "applications",
  description: "applications",
  sources: [],
  *records() {},
});
