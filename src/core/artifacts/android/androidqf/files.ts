// File listing (androidqf files.json: a JSON array, or one JSON object per line, of every file the
// collector could stat — often a million entries, so it is streamed). Times are Unix seconds (UTC); records
// show them in the phone's time zone as MVT does, and the timeline gets the real (UTC) instants.
// Observables: the path, and the file hashes androidqf computed. Heuristic: files under /data/local/tmp.

import { artifact } from "../../module.js";
import type { Emit, Observable, RecordData, TimelineEvent } from "../../../types.js";
import { androidqfOf } from "../../../formats/androidqf.js";
import { DeviceClock, isoFromSeconds } from "../../../util/device-time.js";
import { jsonFile } from "./common.js";

const TIME_FIELDS = ["access_time", "changed_time", "modified_time"] as const;

/** Staging folder of exploits and rooting tools; androidqf's own collector runs from there too. */
const SUSPICIOUS_PREFIX = "/data/local/tmp/";
const COLLECTOR_PATHS = new Set(["/data/local/tmp/collector"]);

/** The Unix times of a record as read (same order as TIME_FIELDS); a symbol, so never written. */
const UTC_TIMES = Symbol("utcTimes");

/** "YYYY-MM-DD HH:MM:SS.ffffff" read as UTC → seconds. */
function isoSeconds(iso: string): number {
  return (
    Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10), +iso.slice(11, 13), +iso.slice(14, 16), +iso.slice(17, 19)) / 1000 +
    +iso.slice(20, 26) / 1e6
  );
}

/** The timeline instant of the device-local time in field `i` of a record: the instant read from files.json
 *  when the record was just read, else the local time put back on UTC with the zone the record names. */
function utcOf(r: RecordData, i: number, local: string): string {
  const raw = (r as Record<symbol, unknown>)[UTC_TIMES] as (number | null)[] | undefined;
  const t = raw?.[i];
  if (typeof t === "number") return isoFromSeconds(t) ?? local;
  const tz = r.timezone;
  if (typeof tz !== "string" || !tz) return local;
  return isoFromSeconds(DeviceClock.of(tz).utcFromLocal(isoSeconds(local))) ?? local;
}

/** The three times of a file are often equal (modified = accessed): format each distinct one once. */
let lastLocalIn = NaN;
let lastLocalClock: DeviceClock | null = null;
let lastLocalOut: string | null = null;
function localIso(clock: DeviceClock, v: number): string | null {
  if (v !== lastLocalIn || clock !== lastLocalClock) {
    lastLocalOut = clock.localIso(v);
    lastLocalIn = v;
    lastLocalClock = clock;
  }
  return lastLocalOut;
}

/** MVT's MACB flags by which of modified (4), accessed (2) and changed (1) share a time. */
const MACB = ["----", "--C-", "-A--", "-AC-", "M---", "M-C-", "MA--", "MAC-"];

export function fileTimeline(r: RecordData): TimelineEvent[] {
  const out: TimelineEvent[] = [];
  const data = r.context ? `${r.path} (${r.context})` : String(r.path);
  let prev1: unknown;
  let prev2: unknown;
  for (let i = 0; i < TIME_FIELDS.length; i++) {
    const ts = r[TIME_FIELDS[i]];
    if (typeof ts !== "string" || !ts || ts === prev1 || ts === prev2) continue;
    if (i === 0) prev1 = ts;
    else prev2 = ts;
    const macb = MACB[(ts === r.modified_time ? 4 : 0) | (ts === r.access_time ? 2 : 0) | (ts === r.changed_time ? 1 : 0)];
    out.push({ timestamp: utcOf(r, i, ts), module: "AQFFiles", event: macb, data });
  }
  return out;
}

export function checkFile(r: RecordData, emit: Emit): void {
  const path = r.path;
  if (typeof path !== "string" || !path.startsWith(SUSPICIOUS_PREFIX) || COLLECTOR_PATHS.has(path)) return;
  const executable = typeof r.mode === "string" && r.mode.includes("x");
  emit({
    level: "high",
    heuristic: executable ? "aqf_files.tmp_executable" : "aqf_files.tmp_file",
    message:
      `Found ${executable ? "executable " : ""}file at suspicious path "${path}". /data/local/tmp is where exploits ` +
      `and rooting tools stage their payloads: keep the collection, and have the file and the phone examined.`,
    record: r,
  });
}

export const aqfFiles = artifact({
  id: "aqf_files",
  platform: "android",
  timelineName: "AQFFiles",
  description: "Files on the phone with their times, permissions, SELinux context and hashes (files.json)",
  sources: [{ rootPath: "files.json" }],
  async *records(ctx) {
    const clock = await androidqfOf(ctx.acquisition).deviceClock();
    const tz = clock.timezone;
    for await (const file of ctx.files()) {
      let skipped = 0;
      for await (const batch of jsonFile(ctx, file)) {
        for (const entry of batch) {
          if (!entry || typeof entry !== "object" || Array.isArray(entry)) {
            skipped++;
            continue;
          }
          const r = entry as RecordData;
          let utc: (number | null)[] | null = null;
          for (let i = 0; i < TIME_FIELDS.length; i++) {
            const v = r[TIME_FIELDS[i]];
            if (typeof v !== "number") continue;
            r[TIME_FIELDS[i]] = localIso(clock, v) ?? v;
            if (tz) (utc ??= [null, null, null])[i] = v;
          }
          if (tz) {
            // Names the zone, so the records can be put back on the real clock when read again.
            r.timezone = tz;
            if (utc) (r as Record<symbol, unknown>)[UTC_TIMES] = utc;
          }
          yield r;
        }
      }
      if (skipped) ctx.warn(`${file.path}: ${skipped} entries are not file objects and were skipped`);
    }
  },
  // An array, not a generator: a million files each pay for the iteration.
  observables(r): Observable[] {
    const out: Observable[] = [];
    if (typeof r.path === "string" && r.path) out.push({ type: "file_path", value: r.path });
    if (typeof r.sha256 === "string" && r.sha256) out.push({ type: "sha256", value: r.sha256 });
    if (typeof r.sha1 === "string" && r.sha1) out.push({ type: "sha1", value: r.sha1 });
    if (typeof r.md5 === "string" && r.md5) out.push({ type: "md5", value: r.md5 });
    return out;
  },
  timeline: fileTimeline,
  analyzer: () => ({ onRecord: checkFile }),
});
