// TODO: webkit_resource_load_statistics (stub, to be implemented)
import { artifact } from "../module.js";

export const webkitResourceLoadStatistics = artifact({
  id: "webkit_resource_load_statistics",
  platform: "ios",
  timelineName: "webkit_resource_load_statistics",
  description: "webkit_resource_load_statistics",
  sources: [],
  *records() {},
});
