// Firefox for iOS favicons from browser.db, with the history entry each was fetched for.

import { artifact, event, urlFields } from "../module.js";
import type { RecordData } from "../../types.js";
import { isoFromUnix } from "../../util/time.js";
import { FIREFOX_BROWSER_DB } from "./firefox-history.js";

const pyStr = (v: unknown): string => (v === null || v === undefined ? "None" : String(v));

export const firefoxFavicon = artifact({
  id: "firefox_favicon",
  platform: "ios",
  timelineName: "FirefoxFavicon",
  description: "Firefox favicons (profile.profile/browser.db)",
  sources: FIREFOX_BROWSER_DB,
  async *records(ctx) {
    for await (const { file, db } of ctx.databases()) {
      const tables = db.tables();
      if (!tables.has("favicons") || !tables.has("favicon_sites") || !tables.has("history")) {
        ctx.warn(`${file.relativePath}: no favicons/favicon_sites/history tables, no Firefox favicons extracted`);
        continue;
      }
      const rows = db.iterate(
        `SELECT favicons.id AS id, favicons.url AS url, favicons.width AS width, favicons.height AS height,
                favicons.type AS type, favicons.date AS date, history.id AS history_id, history.url AS history_url
         FROM favicons
         INNER JOIN favicon_sites ON favicon_sites.faviconID = favicons.id
         INNER JOIN history ON favicon_sites.siteID = history.id`,
      );
      for (const row of rows) {
        const r: RecordData = {
          id: row.id,
          url: row.url,
          width: row.width,
          height: row.height,
          type: row.type,
          isodate: isoFromUnix(row.date as number | bigint | null),
          history_id: row.history_id,
          history_url: row.history_url,
        };
        yield r;
      }
    }
  },
  observables: urlFields("url", "history_url"),
  time: (r) => r.isodate as string | null,
  timeline: (r) => event("FirefoxFavicon", r.isodate as string | null, "firefox_history", `Firefox favicon ${pyStr(r.url)} when visiting ${pyStr(r.history_url)}`),
});
