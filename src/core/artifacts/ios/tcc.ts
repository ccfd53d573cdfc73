// TODO: tcc (stub, to be implemented)
import { artifact } from "../module.js";

export const tcc = artifact({
  id: "tcc",
  platform: "ios",
  timelineName: "tcc",
  description: "tcc",
  sources: [],
  *records() {},
});
