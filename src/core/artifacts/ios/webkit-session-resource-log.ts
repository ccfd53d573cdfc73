// WebKit browsing-session resource logs (full_browsing_session_resourceLog.plist, any app): per prevalent
// origin, the top-frame redirects into and out of it — the trail a one-click exploit redirect leaves.
// MVT writes one object keyed by log file; we yield one record per origin entry with the log's backup path
// in `file`.

import { artifact } from "../module.js";
import type { Observable, RecordData } from "../../types.js";
import { isoFromDate, isoFromUnix, MAC_EPOCH_OFFSET } from "../../util/time.js";

export const SESSION_RESOURCE_LOG_PATH = "Library/WebKit/WebsiteData/ResourceLoadStatistics/full_browsing_session_resourceLog.plist";

const isObj = (v: unknown): v is Record<string, unknown> =>
  !!v && typeof v === "object" && !Array.isArray(v) && !(v instanceof Uint8Array) && !(v instanceof Date);

function plistTime(v: unknown): string | null {
  if (v instanceof Date) return isoFromDate(v);
  if (typeof v === "number") return isoFromUnix(v + MAC_EPOCH_OFFSET);
  return null;
}

/** Domains named by a redirect list: plain strings, or dictionaries with origin/domain keys. */
export function redirectDomains(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  const out: string[] = [];
  for (const e of list) {
    if (typeof e === "string") out.push(e);
    else if (isObj(e)) {
      if (typeof e.origin === "string") out.push(e.origin);
      if (typeof e.domain === "string") out.push(e.domain);
    }
  }
  return out;
}

export const webkitSessionResourceLog = artifact({
  id: "webkit_session_resource_log",
  platform: "ios",
  timelineName: "WebkitSessionResourceLog",
  description: "WebKit browsing-session resource logs: origins and their top-frame redirects (any app)",
  sources: [{ domainLike: "%", path: SESSION_RESOURCE_LOG_PATH }],
  async *records(ctx) {
    for await (const { file, value } of ctx.plists()) {
      if (!isObj(value) || !Array.isArray(value.browsingStatistics)) {
        ctx.warn(`${file.path}: no browsingStatistics in the session resource log`);
        continue;
      }
      for (const item of value.browsingStatistics) {
        if (!isObj(item)) continue;
        const rec: RecordData = {
          origin: item.PrevalentResourceOrigin ?? "",
          redirect_source: item.topFrameUniqueRedirectsFrom ?? "",
          redirect_destination: item.topFrameUniqueRedirectsTo ?? "",
          subframe_under_origin: item.subframeUnderTopFrameOrigins ?? "",
          subresource_under_origin: item.subresourceUnderTopFrameOrigins ?? "",
          user_interaction: item.hadUserInteraction ?? null,
          most_recent_interaction: plistTime(item.mostRecentUserInteraction),
          last_seen: plistTime(item.lastSeen),
          file: file.path,
        };
        yield rec;
      }
    }
  },
  *observables(r): Iterable<Observable> {
    const all = new Set<string>();
    if (typeof r.origin === "string" && r.origin) all.add(r.origin);
    for (const d of redirectDomains(r.redirect_source)) all.add(d);
    for (const d of redirectDomains(r.redirect_destination)) all.add(d);
    for (const d of all) yield { type: "domain", value: d };
  },
  time: (r) => (r.last_seen as string) || null,
});
