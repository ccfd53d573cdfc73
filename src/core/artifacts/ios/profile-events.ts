// TODO: profile_events (stub, to be implemented)
import { artifact } from "../module.js";

export const profileEvents = artifact({
  id: "profile_events",
  platform: "ios",
  timelineName: "profile_events",
  description: "profile_events",
  sources: [],
  *records() {},
});
