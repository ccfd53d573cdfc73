// WebKit ResourceLoadStatistics (observations.db) of every app embedding WebKit: each registrable domain the
// app's web views loaded resources from, when, and whether the user interacted with it.

import { artifact } from "../module.js";
import type { Observable, RecordData } from "../../types.js";
import { isoFromUnix } from "../../util/time.js";

export const OBSERVATIONS_PATH = "Library/WebKit/WebsiteData/ResourceLoadStatistics/observations.db";

/** Optional timestamp columns of newer WebKit versions → record field. */
const OPTIONAL_TIMES: [column: string, field: string][] = [
  ["mostRecentUserInteractionTime", "most_recent_user_interaction_time"],
  ["mostRecentWebPushInteractionTime", "most_recent_web_push_interaction_time"],
];

export const webkitResourceLoadStatistics = artifact({
  id: "webkit_resource_load_statistics",
  platform: "ios",
  timelineName: "WebkitResourceLoadStatistics",
  description: "Domains web views loaded resources from (WebKit ResourceLoadStatistics observations.db, every app)",
  sources: [{ domainLike: "%", path: OBSERVATIONS_PATH }],
  async *records(ctx) {
    for await (const { file, db } of ctx.databases()) {
      const cols = db.columns("ObservedDomains");
      if (!cols.length) {
        ctx.warn(`${file.domain ?? ""}/${file.relativePath ?? file.path}: no ObservedDomains table`);
        continue;
      }
      const extra = OPTIONAL_TIMES.filter(([c]) => cols.includes(c));
      const sql =
        `SELECT domainID, registrableDomain, lastSeen, hadUserInteraction` +
        extra.map(([c]) => `, ${c}`).join("") +
        ` FROM ObservedDomains`;
      for (const row of db.iterate(sql)) {
        const rec: RecordData = {
          domain_id: row.domainID,
          registrable_domain: row.registrableDomain,
          last_seen: row.lastSeen,
          had_user_interaction: Boolean(row.hadUserInteraction),
          last_seen_isodate: isoFromUnix(row.lastSeen as number),
          domain: file.domain ?? "",
          path: file.relativePath ?? OBSERVATIONS_PATH,
        };
        for (const [c, f] of extra) {
          const v = row[c];
          rec[f] = v;
          if (v !== null && Number(v) > 0) rec[`${f}_isodate`] = isoFromUnix(v as number);
        }
        yield rec;
      }
    }
  },
  *observables(r): Iterable<Observable> {
    if (typeof r.registrable_domain === "string" && r.registrable_domain) yield { type: "domain", value: r.registrable_domain };
  },
  time: (r) => (r.last_seen_isodate as string) || null,
  timeline(r) {
    if (!r.last_seen_isodate) return null;
    let data = `Webkit resource loaded from ${r.registrable_domain}`;
    if (r.domain !== "") data += ` by app in domain ${r.domain}`;
    return { timestamp: r.last_seen_isodate as string, module: "WebkitResourceLoadStatistics", event: "visit", data };
  },
});
