// Every file and folder of a filesystem dump with its modification time; each path is matched against
// file-path (and file-name) indicators, and each entry's own name against process indicators — folders are
// entries too, so every component of every path is checked once (MVT's check_file_path_process).

import { artifact, event } from "../../module.js";
import type { Observable, RecordData } from "../../../types.js";
import { IosFilesystem } from "../../../formats/ios-fs.js";
import { isoFromUnix } from "../../../util/time.js";

export interface FilesystemRecord extends RecordData {
  path: string;
  modified: string | null;
}

export const filesystem = artifact<FilesystemRecord>({
  id: "filesystem",
  platform: "ios",
  timelineName: "Filesystem",
  description: "Every path of a filesystem dump with its modification time, against file-path, file-name and process indicators",
  sources: [{ fsPath: "**" }],
  async *records(ctx) {
    if (!(ctx.acquisition instanceof IosFilesystem)) return;
    for await (const e of ctx.acquisition.walk()) {
      yield { path: e.path, modified: isoFromUnix(e.mtime) };
    }
  },
  *observables(r): Iterable<Observable> {
    yield { type: "file_path", value: `/${r.path}` };
    const slash = r.path.lastIndexOf("/");
    yield { type: "process", value: slash === -1 ? r.path : r.path.slice(slash + 1) };
  },
  time: (r) => r.modified,
  timeline: (r) => event("Filesystem", r.modified, "entry_modified", r.path),
});
