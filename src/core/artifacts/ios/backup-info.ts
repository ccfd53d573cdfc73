// TODO: backup_info (stub, to be implemented)
import { artifact } from "../module.js";

export const backupInfo = artifact({
  id: "backup_info",
  platform: "ios",
  timelineName: "backup_info",
  description: "backup_info",
  sources: [],
  *records() {},
});
