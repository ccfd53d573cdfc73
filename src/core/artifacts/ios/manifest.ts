// TODO: manifest (stub, to be implemented)
import { artifact } from "../module.js";

export const manifest = artifact({
  id: "manifest",
  platform: "ios",
  timelineName: "manifest",
  description: "manifest",
  sources: [],
  *records() {},
});
