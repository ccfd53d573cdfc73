// TODO: whatsapp_contacts (stub, to be implemented)
import { artifact } from "../module.js";

export const whatsappContacts = artifact({
  id: "whatsapp_contacts",
  platform: "ios",
  timelineName: "whatsapp_contacts",
  description: "whatsapp_contacts",
  sources: [],
  *records() {},
});
