// Chrome for iOS favicon cache: the pages whose icons Chrome fetched, with the time of the last update.

import { artifact, urlFields } from "../module.js";
import type { RecordData } from "../../types.js";
import { CHROME_DOMAIN, CHROME_PROFILE, chromeIso } from "./chrome-history.js";

const pyStr = (v: unknown): string => (v === null || v === undefined ? "None" : String(v));

export const chromeFavicon = artifact({
  id: "chrome_favicon",
  platform: "ios",
  timelineName: "ChromeFavicon",
  description: "Chrome favicon cache (Library/Application Support/Google/Chrome/Default/Favicons)",
  sources: [{ domain: CHROME_DOMAIN, path: `${CHROME_PROFILE}/Favicons` }],
  async *records(ctx) {
    for await (const { file, db } of ctx.databases()) {
      const tables = db.tables();
      if (!tables.has("icon_mapping") || !tables.has("favicon_bitmaps") || !tables.has("favicons")) {
        ctx.warn(`${file.relativePath}: no icon_mapping/favicon_bitmaps/favicons tables, no favicons extracted`);
        continue;
      }
      const hasRequested = db.columns("favicon_bitmaps").includes("last_requested");
      const rows = db.all(
        `SELECT icon_mapping.page_url AS page_url, favicons.url AS icon_url,
                favicon_bitmaps.last_updated AS last_updated,
                ${hasRequested ? "favicon_bitmaps.last_requested" : "0"} AS last_requested
         FROM icon_mapping
         JOIN favicon_bitmaps ON icon_mapping.icon_id = favicon_bitmaps.icon_id
         JOIN favicons ON icon_mapping.icon_id = favicons.id
         ORDER BY icon_mapping.id`,
      );
      const records: RecordData[] = rows.map((row) => {
        const updated = row.last_updated ?? 0;
        const ts = updated !== 0 && updated !== 0n ? updated : (row.last_requested ?? 0);
        return { url: row.page_url, icon_url: row.icon_url, timestamp: ts, isodate: chromeIso(ts) };
      });
      // MVT orders favicons by time (stable, so equal times keep the mapping order).
      records.sort((a, b) => String(a.isodate ?? "").localeCompare(String(b.isodate ?? "")));
      yield* records;
    }
  },
  observables: urlFields("url", "icon_url"),
  time: (r) => r.isodate as string | null,
  timeline(r) {
    if (!r.isodate) return null;
    return { timestamp: r.isodate as string, module: "ChromeFavicon", event: "new_favicon", data: `${pyStr(r.icon_url)} from ${pyStr(r.url)}` };
  },
});
