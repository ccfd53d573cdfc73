// TODO: locationd_clients (stub, to be implemented)
import { artifact } from "../module.js";

export const locationdClients = artifact({
  id: "locationd_clients",
  platform: "ios",
  timelineName: "locationd_clients",
  description: "locationd_clients",
  sources: [],
  *records() {},
});
