// Safari open tabs (Library/Safari/BrowserState.db): title, URL, last view time and the tab's back/forward
// history decoded from the session_data plist blob.

import { artifact } from "../module.js";
import type { SqliteDatabase, SqlRow } from "../../formats/sqlite.js";
import { parsePlist } from "../../formats/plist.js";
import type { Observable, RecordData } from "../../types.js";
import { isoFromMac } from "../../util/time.js";

const QUERIES = [
  `SELECT tabs.title, tabs.url, tabs.user_visible_url, tabs.last_viewed_time, tab_sessions.session_data
     FROM tabs JOIN tab_sessions ON tabs.uuid = tab_sessions.tab_uuid ORDER BY tabs.last_viewed_time`,
  // iOS 11 and older keep the session blob in the tabs table.
  `SELECT title, url, user_visible_url, last_viewed_time, session_data FROM tabs ORDER BY last_viewed_time`,
];

export interface SessionEntry {
  entry_title: unknown;
  entry_url: unknown;
  data_length: number;
}

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v) && !(v instanceof Uint8Array);

/** Decodes a tab's session_data (a 4-byte header, then a plist) into its history entries. */
export function sessionEntries(blob: unknown): SessionEntry[] {
  if (!(blob instanceof Uint8Array) || blob.length <= 4) return [];
  let plist: unknown;
  try {
    plist = parsePlist(blob.subarray(4));
  } catch {
    return [];
  }
  if (!isObj(plist) || !isObj(plist.SessionHistory)) return [];
  const entries = plist.SessionHistory.SessionHistoryEntries;
  if (!Array.isArray(entries)) return [];
  return entries.filter(isObj).map((e) => {
    const data = e.SessionHistoryEntryData;
    return {
      entry_title: e.SessionHistoryEntryOriginalURL ?? null,
      entry_url: e.SessionHistoryEntryURL ?? null,
      data_length: data instanceof Uint8Array || typeof data === "string" || Array.isArray(data) ? data.length : 0,
    };
  });
}

function rows(db: SqliteDatabase): Iterable<SqlRow> | null {
  for (const q of QUERIES) {
    try {
      return db.all(q);
    } catch {
      /* older schema */
    }
  }
  return null;
}

export const safariBrowserState = artifact({
  id: "safari_browser_state",
  platform: "ios",
  timelineName: "SafariBrowserState",
  description: "Safari open tabs and their session history (Library/Safari/BrowserState.db)",
  sources: [{ domainLike: "%", path: "Library/Safari/BrowserState.db" }],
  async *records(ctx) {
    for await (const { file, db } of ctx.databases()) {
      const list = rows(db);
      if (!list) {
        ctx.gap(file, "BrowserState.db has no usable tabs table");
        continue;
      }
      for (const row of list) {
        const rec: RecordData = {
          tab_title: row.title,
          tab_url: row.url,
          tab_visible_url: row.user_visible_url,
          last_viewed_timestamp: isoFromMac(row.last_viewed_time as number) ?? "",
          session_data: sessionEntries(row.session_data),
          safari_browser_state_db: file.path,
        };
        yield rec;
      }
    }
  },
  *observables(r): Iterable<Observable> {
    if (typeof r.tab_url === "string" && r.tab_url) yield { type: "url", value: r.tab_url };
    for (const e of r.session_data as SessionEntry[]) {
      if (typeof e.entry_url === "string" && e.entry_url) yield { type: "url", value: e.entry_url };
    }
  },
  time: (r) => (r.last_viewed_timestamp as string) || null,
  timeline(r) {
    if (!r.last_viewed_timestamp) return null;
    return {
      timestamp: r.last_viewed_timestamp as string,
      module: "SafariBrowserState",
      event: "tab",
      data: `${r.tab_title ?? "None"} - ${r.tab_url ?? "None"}`,
    };
  },
});
