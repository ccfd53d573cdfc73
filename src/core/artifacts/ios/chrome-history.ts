// Chrome for iOS browsing history: every visit (urls JOIN visits) of the Default profile.

import { artifact, event, urlFields } from "../module.js";
import type { RecordData } from "../../types.js";
import { isoFromChrome } from "../../util/time.js";
import { pyStr } from "../../util/py.js";


/** Kept as a name for the Chrome modules; the conversion lives in util/time. */
export const chromeIso = isoFromChrome;

export const CHROME_DOMAIN = "AppDomain-com.google.chrome.ios";
export const CHROME_PROFILE = "Library/Application Support/Google/Chrome/Default";

export const chromeHistory = artifact({
  id: "chrome_history",
  platform: "ios",
  timelineName: "ChromeHistory",
  description: "Chrome visits (Library/Application Support/Google/Chrome/Default/History)",
  sources: [{ domain: CHROME_DOMAIN, path: `${CHROME_PROFILE}/History` }],
  async *records(ctx) {
    for await (const { file, db } of ctx.databases()) {
      const tables = db.tables();
      if (!tables.has("urls") || !tables.has("visits")) {
        ctx.warn(`${file.relativePath}: no urls/visits tables, no Chrome history extracted`);
        continue;
      }
      const rows = db.iterate(
        `SELECT urls.id AS id, urls.url AS url, visits.id AS visit_id, visits.visit_time AS visit_time,
                visits.from_visit AS from_visit
         FROM urls JOIN visits ON visits.url = urls.id ORDER BY visits.visit_time`,
      );
      for (const row of rows) {
        const r: RecordData = {
          id: row.id,
          url: row.url,
          visit_id: row.visit_id,
          timestamp: row.visit_time,
          isodate: chromeIso(row.visit_time),
          redirect_source: row.from_visit,
        };
        yield r;
      }
    }
  },
  observables: urlFields("url"),
  time: (r) => r.isodate as string | null,
  timeline: (r) => event("ChromeHistory", r.isodate as string | null, "visit", `${pyStr(r.id)} - ${pyStr(r.url)} (visit ID: ${pyStr(r.visit_id)}, redirect source: ${pyStr(r.redirect_source)})`),
});
