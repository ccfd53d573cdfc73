// TODO: configuration_profiles (stub, to be implemented)
import { artifact } from "../module.js";

export const configurationProfiles = artifact({
  id: "configuration_profiles",
  platform: "ios",
  timelineName: "configuration_profiles",
  description: "configuration_profiles",
  sources: [],
  *records() {},
});
