// Firefox for iOS visits from browser.db (visits JOIN history).

import { artifact, event, urlFields } from "../module.js";
import type { FileSpec } from "../module.js";
import type { RecordData } from "../../types.js";
import { isoFromUnix } from "../../util/time.js";
import { pyStr } from "../../util/py.js";


/** browser.db lives in the Firefox app group (current) or the app container (older versions). */
export const FIREFOX_BROWSER_DB: FileSpec[] = [
  { domainLike: "AppDomainGroup-group.org.mozilla.ios.Firefox%", pathLike: "%profile.profile/browser.db" },
  { domainLike: "AppDomain-org.mozilla.ios.Firefox%", pathLike: "%profile.profile/browser.db" },
];

export const firefoxHistory = artifact({
  id: "firefox_history",
  platform: "ios",
  timelineName: "FirefoxHistory",
  description: "Firefox visits (profile.profile/browser.db)",
  sources: FIREFOX_BROWSER_DB,
  async *records(ctx) {
    for await (const { file, db } of ctx.databases()) {
      const tables = db.tables();
      if (!tables.has("visits") || !tables.has("history")) {
        ctx.warn(`${file.relativePath}: no visits/history tables, no Firefox history extracted`);
        continue;
      }
      const vcols = new Set(db.columns("visits"));
      const rows = db.iterate(
        `SELECT visits.id AS id, visits.date/1000000 AS d, history.url AS url, history.title AS title,
                ${vcols.has("is_local") ? "visits.is_local" : "NULL"} AS is_local,
                ${vcols.has("type") ? "visits.type" : "NULL"} AS type
         FROM visits, history WHERE visits.siteID = history.id`,
      );
      for (const row of rows) {
        const r: RecordData = {
          id: row.id,
          isodate: isoFromUnix(row.d as number | bigint | null),
          url: row.url,
          title: row.title,
          // MVT's field name, kept as it is spelled there so outputs compare.
          i1000000s_local: row.is_local,
          type: row.type,
        };
        yield r;
      }
    }
  },
  observables: urlFields("url"),
  time: (r) => r.isodate as string | null,
  timeline: (r) => event("FirefoxHistory", r.isodate as string | null, "firefox_history", `Firefox visit with ID ${pyStr(r.id)} to URL: ${pyStr(r.url)}`),
});
