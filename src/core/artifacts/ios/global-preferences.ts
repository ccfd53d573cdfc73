// TODO: global_preferences (stub, to be implemented)
import { artifact } from "../module.js";

export const globalPreferences = artifact({
  id: "global_preferences",
  platform: "ios",
  timelineName: "global_preferences",
  description: "global_preferences",
  sources: [],
  *records() {},
});
