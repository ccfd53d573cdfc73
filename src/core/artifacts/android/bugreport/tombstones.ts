// Native crash reports (tombstones, text and protobuf .pb) kept in the bugreport's FS/data/tombstones.
// Observables: the crashing process and its command. Heuristic (MVT's): crashes of processes running as root,
// system or shell — exploits often crash privileged processes.

import { artifact } from "../../module.js";
import type { Emit, Observable } from "../../../types.js";
import { bugreportOf } from "../../../formats/android-bugreport.js";
import { parseProtoTombstone, parseTextTombstone, type TombstoneRecord } from "../parsers/tombstone.js";
import { deviceTimezone, utcOf } from "./common.js";
import { errorText } from "../../../util/errors.js";

type Rec = TombstoneRecord & { timezone?: string; timestamp_utc?: string };

/** Tombstones hold a few MB at most (backtraces, memory maps). */
const MAX_TOMBSTONE = 64 * 1024 * 1024;
const PRIVILEGED_UIDS: Record<number, string> = { 0: "root", 1000: "system", 2000: "shell" };

const when = (r: Rec) => r.timestamp_utc ?? utcOf(r.timestamp, r.timezone);

export function checkTombstone(r: Rec, emit: Emit): void {
  const who = PRIVILEGED_UIDS[r.uid];
  if (who === undefined) return;
  emit({
    level: "medium",
    heuristic: "tombstones.privileged_crash",
    message:
      `Potentially suspicious crash in process '${r.process_name}' running as UID '${r.uid}' in tombstone '${r.file_name}' at ${r.timestamp}` +
      ` — a crash of a ${who} process can be a failed exploit: check whether ${r.binary_path ?? r.process_name} crashes repeatedly, and keep the tombstone for an expert.`,
    eventTime: when(r) ?? "",
    record: r,
  });
}

export const tombstones = artifact<Rec>({
  id: "tombstones",
  platform: "android",
  timelineName: "Tombstones",
  description: "Native crash reports (tombstones, text and protobuf)",
  // MVT's "*/tombstone_*": any file named tombstone_* below a folder.
  sources: [{ pathLike: "%/tombstone%" }],
  async *records(ctx) {
    const br = bugreportOf(ctx.acquisition);
    const tz = await deviceTimezone(ctx);
    const files: string[] = [];
    for await (const f of ctx.files()) if (/(^|\/)tombstone_[^/]*$/.test(f.path)) files.push(f.path);
    for (const path of files.sort()) {
      const name = path.split("/").pop()!;
      try {
        const modified = (await br.modifiedTime(path)) ?? "";
        const bytes = await ctx.evidence.read(path, { maxBytes: MAX_TOMBSTONE });
        const rec: Rec = path.endsWith(".pb")
          ? parseProtoTombstone(name, modified, bytes)
          : parseTextTombstone(name, modified, new TextDecoder("utf-8").decode(bytes));
        if (tz) rec.timezone = tz;
        yield rec;
      } catch (e) {
        ctx.gap(path, errorText(e));
      }
    }
  },
  *observables(r): Iterable<Observable> {
    if (r.process_name) yield { type: "process", value: r.process_name };
    const cmd = r.command_line?.[0];
    if (cmd) yield { type: "process", value: cmd.split("/").pop()! };
  },
  time: when,
  timeline(r) {
    const ts = when(r);
    return ts
      ? {
          timestamp: ts,
          module: "Tombstones",
          event: "Tombstone",
          data:
            `Crash in '${r.process_name}' process running as UID '${r.uid}' in file '${r.file_name}' ` +
            `Crash type '${r.signal_info.name}' with code '${r.signal_info.code_name}'`,
        }
      : null;
  },
  analyzer: () => ({ onRecord: checkTombstone }),
});
