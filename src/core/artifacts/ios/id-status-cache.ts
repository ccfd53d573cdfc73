// TODO: id_status_cache (stub, to be implemented)
import { artifact } from "../module.js";

export const idStatusCache = artifact({
  id: "id_status_cache",
  platform: "ios",
  timelineName: "id_status_cache",
  description: "id_status_cache",
  sources: [],
  *records() {},
});
