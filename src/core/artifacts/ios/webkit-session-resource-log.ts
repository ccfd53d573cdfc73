// TODO: webkit_session_resource_log (stub, to be implemented)
import { artifact } from "../module.js";

export const webkitSessionResourceLog = artifact({
  id: "webkit_session_resource_log",
  platform: "ios",
  timelineName: "webkit_session_resource_log",
  description: "webkit_session_resource_log",
  sources: [],
  *records() {},
});
