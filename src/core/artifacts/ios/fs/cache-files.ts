// URL cache databases (Cache.db, CFNetwork's cfurl_cache_response) anywhere in a filesystem dump: every URL an
// app fetched through the system's HTTP stack and cached, including links opened by exploit chains.

import { artifact, event, urlFields } from "../../module.js";
import type { RecordData } from "../../../types.js";

export interface CacheFileRecord extends RecordData {
  cache_file: string;
  entry_id: unknown;
  version: unknown;
  hash_value: unknown;
  storage_policy: unknown;
  url: unknown;
  isodate: string | null;
}

/** cfurl_cache_response.time_stamp is text "YYYY-MM-DD HH:MM:SS" (UTC): MVT's format, microseconds added. */
function cacheIso(v: unknown): string | null {
  if (typeof v !== "string" || !v) return null;
  return /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(v) ? `${v}.000000` : v;
}

export const cacheFiles = artifact<CacheFileRecord>({
  id: "cache_files",
  platform: "ios",
  timelineName: "CacheFiles",
  description: "URLs cached by apps in every Cache.db (cfurl_cache_response) of a filesystem dump",
  sources: [{ fsPath: "**/Cache.db" }],
  async *records(ctx) {
    for await (const { file, db } of ctx.databases()) {
      if (!db.tables().has("cfurl_cache_response")) {
        ctx.warn(`${file.path}: no cfurl_cache_response table`);
        continue;
      }
      for (const row of db.iterate(
        "SELECT entry_ID, version, hash_value, storage_policy, request_key, time_stamp FROM cfurl_cache_response ORDER BY entry_ID",
      )) {
        yield {
          cache_file: file.path,
          entry_id: row.entry_ID,
          version: row.version,
          hash_value: row.hash_value,
          storage_policy: row.storage_policy,
          url: row.request_key,
          isodate: cacheIso(row.time_stamp),
        };
      }
    }
  },
  observables: urlFields("url"),
  time: (r) => r.isodate,
  timeline: (r) => event("CacheFiles", r.isodate, "cache_response", `${r.cache_file} recorded visit to URL ${String(r.url)}`),
});
