// Modification times of the log files androidqf pulled into logs/ (the files themselves are not parsed):
// a timeline of when the phone last wrote each log. Folder collections give the file's mtime (UTC); zips
// only keep the DOS time the zip tool stored, a local time without zone, shown as is (as MVT does).

import { artifact } from "../../module.js";
import { androidqfOf } from "../../../formats/androidqf.js";

export const aqfLogTimestamps = artifact({
  id: "aqf_log_timestamps",
  platform: "android",
  timelineName: "AQFLogTimestamps",
  description: "Modification times of the log files in logs/",
  sources: [{ pathLike: "logs/%" }],
  async *records(ctx) {
    const collection = androidqfOf(ctx.acquisition);
    for await (const file of ctx.files()) {
      const modified = await collection.modifiedTime(file.path);
      if (modified === null) {
        ctx.gap(file, "the evidence does not record a valid modification time for it");
        continue;
      }
      yield { path: file.path, modified_time: modified };
    }
  },
  time: (r) => r.modified_time as string | null,
  timeline: (r) => (r.modified_time ? { timestamp: r.modified_time as string, module: "AQFLogTimestamps", event: "M---", data: String(r.path) } : null),
});
