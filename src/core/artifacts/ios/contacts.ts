// TODO: contacts (stub, to be implemented)
import { artifact } from "../module.js";

export const contacts = artifact({
  id: "contacts",
  platform: "ios",
  timelineName: "contacts",
  description: "contacts",
  sources: [],
  *records() {},
});
