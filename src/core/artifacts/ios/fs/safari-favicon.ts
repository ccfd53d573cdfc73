// Safari's favicon cache (Library/Image Cache/Favicons/Favicons.db): pages whose icons Safari fetched, kept
// after the history is cleared, and icons it rejected.

import { artifact, event, urlFields } from "../../module.js";
import type { FileSpec } from "../../module.js";
import type { RecordData } from "../../../types.js";
import { isoFromMac } from "../../../util/time.js";

const FAVICONS = "Library/Image Cache/Favicons/Favicons.db";

export const SAFARI_FAVICON_SOURCES: FileSpec[] = [
  { domain: "HomeDomain", path: FAVICONS },
  { domainLike: "AppDomain-%", path: FAVICONS },
];

export const safariFavicon = artifact({
  id: "safari_favicon",
  platform: "ios",
  timelineName: "SafariFavicon",
  description: "Safari favicon cache (Library/Image Cache/Favicons/Favicons.db), valid and rejected icons",
  sources: SAFARI_FAVICON_SOURCES,
  async *records(ctx) {
    for await (const { file, db } of ctx.databases()) {
      const tables = db.tables();
      const out: RecordData[] = [];
      const add = (rows: Iterable<Record<string, unknown>>, type: string) => {
        for (const row of rows) {
          out.push({
            url: row.url,
            icon_url: row.icon_url,
            timestamp: row.timestamp,
            isodate: isoFromMac(row.timestamp as number | null),
            type,
            safari_favicon_db_path: file.path,
          });
        }
      };
      if (tables.has("page_url") && tables.has("icon_info")) {
        add(db.iterate(`SELECT page_url.url AS url, icon_info.url AS icon_url, icon_info.timestamp AS timestamp
          FROM page_url JOIN icon_info ON page_url.uuid = icon_info.uuid ORDER BY icon_info.timestamp`), "valid");
      } else ctx.warn(`${file.path}: no page_url/icon_info tables`);
      if (tables.has("rejected_resources")) {
        add(db.iterate("SELECT page_url AS url, icon_url, timestamp FROM rejected_resources ORDER BY timestamp"), "rejected");
      }
      out.sort((a, b) => String(a.isodate ?? "").localeCompare(String(b.isodate ?? "")));
      yield* out;
    }
  },
  observables: urlFields("url", "icon_url"),
  time: (r) => r.isodate as string | null,
  timeline: (r) =>
    event("SafariFavicon", r.isodate as string | null, "safari_favicon", `Safari favicon from ${String(r.url)} with icon URL ${String(r.icon_url)} (${String(r.type)})`),
});
