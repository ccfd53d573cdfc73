// Keychain analytics databases (private/var/Keychains/Analytics/*.db): security-framework events whose plist
// payloads name processes and domains; MVT checks every string value against process and domain indicators.

import { artifact } from "../../module.js";
import type { FileSpec, ModuleContext } from "../../module.js";
import type { Observable, RecordData } from "../../../types.js";
import { parsePlist, isPlistDict } from "../../../formats/plist.js";
import { isoFromUnix } from "../../../util/time.js";

export const ANALYTICS_SOURCES: FileSpec[] = [{ domain: "KeychainDomain", pathLike: "Analytics/%.db" }];

const TABLES = ["hard_failures", "soft_failures", "all_events"];

/** Every event of every analytics database: its plist payload's keys, plus isodate and the database name. */
export async function* analyticsEvents(ctx: ModuleContext): AsyncIterable<RecordData> {
  const out: RecordData[] = [];
  for await (const { file, db } of ctx.databases(ANALYTICS_SOURCES)) {
    const artifactName = file.path.slice(file.path.lastIndexOf("/") + 1);
    const tables = db.tables();
    const present = TABLES.filter((t) => tables.has(t));
    if (!present.length) {
      ctx.warn(`${file.path}: none of the ${TABLES.join("/")} tables`);
      continue;
    }
    const sql = present.map((t) => `SELECT timestamp, data FROM ${t}`).join(" UNION ");
    let bad = 0;
    for (const row of db.iterate(sql)) {
      let data: RecordData = {};
      if (row.data instanceof Uint8Array && row.data.length) {
        try {
          const v = parsePlist(row.data);
          if (isPlistDict(v)) data = { ...v };
        } catch {
          bad++;
        }
      }
      // Keychain analytics store Unix seconds (MVT converts them with from_2001=False).
      const ts = typeof row.timestamp === "bigint" ? Number(row.timestamp) : row.timestamp;
      data.isodate = typeof ts === "number" && ts ? isoFromUnix(ts) : "";
      data.artifact = artifactName;
      out.push(data);
    }
    if (bad) ctx.gap(file, `${bad} event payload(s) are not readable plists`);
  }
  // MVT sorts all events by time.
  out.sort((a, b) => String(a.isodate).localeCompare(String(b.isodate)));
  yield* out;
}

export const analytics = artifact({
  id: "analytics",
  platform: "ios",
  timelineName: "Analytics",
  description: "Keychain analytics events (private/var/Keychains/Analytics/*.db), string values against process and domain indicators",
  sources: ANALYTICS_SOURCES,
  records: analyticsEvents,
  *observables(r): Iterable<Observable> {
    for (const [k, v] of Object.entries(r)) {
      if (typeof v !== "string" || !v || k === "isodate" || k === "artifact") continue;
      yield { type: "process", value: v };
      yield { type: "domain", value: v };
    }
  },
  time: (r) => (r.isodate ? String(r.isodate) : null),
  timeline(r) {
    if (!r.isodate) return null;
    const { isodate, artifact: name, ...rest } = r;
    return { timestamp: String(isodate), module: "Analytics", event: String(name), data: JSON.stringify(rest, (_k, v) => (typeof v === "bigint" ? Number(v) : v)) };
  },
});
