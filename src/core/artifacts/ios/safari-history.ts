// Safari history (Library/Safari/History.db, and the per-profile databases of iOS 17+): every visit with its
// redirect links; plain-HTTP visits redirected to another domain within a second are flagged as possible
// network injection, as MVT does.

import { artifact, event, urlFields } from "../module.js";
import type { Emit, RecordData } from "../../types.js";
import { isoFromMac } from "../../util/time.js";

const QUERY = `SELECT history_items.id AS item_id, history_items.url AS url, history_visits.id AS visit_id,
    history_visits.visit_time AS visit_time, history_visits.redirect_source AS redirect_source,
    history_visits.redirect_destination AS redirect_destination
  FROM history_items JOIN history_visits ON history_visits.history_item = history_items.id
  ORDER BY history_visits.visit_time`;

/** Host of a URL, lower-cased, without a leading "www." ("" when it does not parse). */
export function urlDomain(url: string): string {
  try {
    return new URL(url).hostname.toLowerCase().replace(/^www\./, "");
  } catch {
    return "";
  }
}

/** Python's str(float) for the millisecond figure of MVT's message. */
function pyFloat(n: number): string {
  return Number.isInteger(n) ? `${n}.0` : String(n);
}

/** MVT's check: an HTTP visit redirected to another domain in under a second. */
function checkRedirect(r: RecordData, dest: RecordData, emit: Emit): void {
  const destUrl = String(dest.url ?? "");
  const from = urlDomain(String(r.url));
  const to = urlDomain(destUrl);
  if (from === to) return; // an HTTPS upgrade on the same site
  const deltaUs = Math.round(Number(dest.timestamp) * 1e6) - Math.round(Number(r.timestamp) * 1e6);
  if (deltaUs < 0 || deltaUs >= 1_000_000) return;
  emit({
    level: "medium",
    heuristic: "safari_history.fast_redirect",
    message:
      `Redirect took less than a second! (${pyFloat(deltaUs / 1000)} milliseconds) from ${r.url} to ${destUrl}: ` +
      `an instant HTTP redirect to another domain can be a network-injection exploit delivery — ` +
      `check ${to || destUrl} against current indicators and the device's other artifacts around ${r.isodate}.`,
    record: r,
    eventTime: isoFromMac(r.timestamp as number) ?? "",
  });
}

export const safariHistory = artifact({
  id: "safari_history",
  platform: "ios",
  timelineName: "SafariHistory",
  description: "Safari visits with redirects; fast cross-domain HTTP redirects (Library/Safari/History.db)",
  sources: [
    { domainLike: "%", path: "Library/Safari/History.db" },
    { domainLike: "%", pathLike: "Library/Safari/Profiles/%/History.db" },
  ],
  async *records(ctx) {
    for await (const { file, db } of ctx.databases()) {
      if (!db.tables().has("history_items") || !db.tables().has("history_visits")) {
        ctx.gap(file, "History.db has no history_items/history_visits tables");
        continue;
      }
      for (const row of db.iterate(QUERY)) {
        const rec: RecordData = {
          id: row.item_id,
          url: row.url,
          visit_id: row.visit_id,
          timestamp: row.visit_time,
          isodate: isoFromMac(row.visit_time as number) ?? "",
          redirect_source: row.redirect_source,
          redirect_destination: row.redirect_destination,
          safari_history_db: file.path,
        };
        yield rec;
      }
    }
  },
  observables: urlFields("url"),
  time: (r) => (r.isodate as string) || null,
  timeline: (r) => event("SafariHistory", r.isodate as string | null, "safari_history", `Safari visit to ${r.url} (ID: ${r.id}, Visit ID: ${r.visit_id})`),
  analyzer() {
    // Records arrive ordered by visit time and a suspicious redirect lands within a second, so only the HTTP
    // visits of the last second that redirected are kept, keyed by their destination visit: bounded memory
    // however long the history is.
    const pending = new Map<string, RecordData[]>();
    const window: { key: string; ts: number }[] = [];
    const key = (db: unknown, id: unknown) => `${db}\u0000${id}`;
    return {
      onRecord(r, emit) {
        const ts = Number(r.timestamp);
        while (window.length && !(ts - window[0].ts < 1)) {
          const old = window.shift()!;
          const list = pending.get(old.key);
          if (list && list.length <= 1) pending.delete(old.key);
          else list?.shift();
        }
        const sources = pending.get(key(r.safari_history_db, r.visit_id));
        if (sources) {
          pending.delete(key(r.safari_history_db, r.visit_id));
          for (const src of sources) checkRedirect(src, r, emit);
        }
        if (String(r.url ?? "").toLowerCase().startsWith("http://") && r.redirect_destination) {
          const k = key(r.safari_history_db, r.redirect_destination);
          const list = pending.get(k) ?? [];
          list.push(r);
          pending.set(k, list);
          window.push({ key: k, ts });
        }
      },
    };
  },
});
