// iOS versions the device ran, from the first line of each analytics journal
// (private/var/db/analyticsd/Analytics-Journal-*.ips): {"timestamp": "… +zzzz", "os_version": "iPhone OS 16.6 (20G75)"}.

import { artifact, event } from "../../module.js";
import type { RecordData } from "../../../types.js";
import { isoFromUnix } from "../../../util/time.js";
import { errorText } from "../../../util/errors.js";

/** "2023-07-01 10:11:12.34 +0200" → MVT UTC time; null when it does not parse. */
export function journalIso(ts: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))? ([+-])(\d{2}):?(\d{2})$/.exec(ts.trim());
  if (!m) return null;
  const frac = m[7] ? Number(m[7].padEnd(6, "0")) / 1e6 : 0;
  const offset = (m[8] === "-" ? -1 : 1) * (Number(m[9]) * 3600 + Number(m[10]) * 60);
  const local = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) / 1000;
  return isoFromUnix(local - offset + frac);
}

const MAX_FIRST_LINE = 64 * 1024;

export const iosVersionHistory = artifact({
  id: "ios_version_history",
  platform: "ios",
  timelineName: "IOSVersionHistory",
  description: "iOS versions recorded by the analytics journals (private/var/db/analyticsd/Analytics-Journal-*.ips)",
  sources: [{ domain: "DatabaseDomain", pathLike: "analyticsd/Analytics-Journal-%.ips" }],
  async *records(ctx) {
    const out: RecordData[] = [];
    for await (const file of ctx.files()) {
      let line = "";
      try {
        for await (const chunk of ctx.evidence.stream(file.path)) {
          line += new TextDecoder().decode(chunk, { stream: true });
          const nl = line.indexOf("\n");
          if (nl !== -1) {
            line = line.slice(0, nl);
            break;
          }
          if (line.length > MAX_FIRST_LINE) throw new Error(`first line longer than ${MAX_FIRST_LINE} characters`);
        }
        const header = JSON.parse(line) as { timestamp?: unknown; os_version?: unknown };
        const iso = typeof header.timestamp === "string" ? journalIso(header.timestamp) : null;
        if (!iso || typeof header.os_version !== "string") throw new Error("first line has no timestamp/os_version");
        out.push({ isodate: iso, os_version: header.os_version, journal: file.path });
      } catch (e) {
        ctx.gap(file, errorText(e));
      }
    }
    out.sort((a, b) => String(a.isodate).localeCompare(String(b.isodate)));
    yield* out;
  },
  time: (r) => r.isodate as string,
  timeline: (r) => event("IOSVersionHistory", r.isodate as string, "ios_version", `Recorded iOS version ${String(r.os_version)}`),
});
