// Modification times of the files the bugreport copied from the phone (FS/…): a zip stores the phone's
// local time (no zone), an extracted folder the file's mtime (UTC).

import { artifact } from "../../module.js";
import { bugreportOf } from "../../../formats/android-bugreport.js";
import { deviceTimezone, utcOf } from "./common.js";

interface Rec {
  path: string;
  modified_time: string;
  timezone?: string;
  [k: string]: unknown;
}

export const bugreportTimestamps = artifact<Rec>({
  id: "bugreport_timestamps",
  platform: "android",
  timelineName: "BugReportTimestamps",
  description: "Modification times of the phone files in the bugreport (FS/)",
  sources: [{ pathLike: "FS/%" }],
  async *records(ctx) {
    const br = bugreportOf(ctx.acquisition);
    const tz = br.localFileTimes ? await deviceTimezone(ctx) : null;
    for await (const file of ctx.files()) {
      const modified = await br.modifiedTime(file.path);
      if (modified === null) {
        ctx.gap(file, "no valid modification time stored for it");
        continue;
      }
      yield tz ? { path: file.path, modified_time: modified, timezone: tz } : { path: file.path, modified_time: modified };
    }
  },
  time: (r) => utcOf(r.modified_time, r.timezone),
  timeline: (r) => {
    const ts = utcOf(r.modified_time, r.timezone);
    return ts ? { timestamp: ts, module: "BugReportTimestamps", event: "M---", data: r.path } : null;
  },
});
