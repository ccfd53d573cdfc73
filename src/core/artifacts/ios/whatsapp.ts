// TODO: whatsapp (stub, to be implemented)
import { artifact } from "../module.js";

export const whatsapp = artifact({
  id: "whatsapp",
  platform: "ios",
  timelineName: "whatsapp",
  description: "whatsapp",
  sources: [],
  *records() {},
});
