// TODO: sms_attachments (stub, to be implemented)
import { artifact } from "../module.js";

export const smsAttachments = artifact({
  id: "sms_attachments",
  platform: "ios",
  timelineName: "sms_attachments",
  description: "sms_attachments",
  sources: [],
  *records() {},
});
