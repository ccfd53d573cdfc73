// TODO: datausage (stub, to be implemented)
import { artifact } from "../module.js";

export const datausage = artifact({
  id: "datausage",
  platform: "ios",
  timelineName: "datausage",
  description: "datausage",
  sources: [],
  *records() {},
});
