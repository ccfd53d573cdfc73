// Per-process network usage baseline from com.apple.osanalytics.addaily.plist (netUsageBaseline).

import { artifact } from "../module.js";
import type { Observable, RecordData } from "../../types.js";
import { isoFromDate } from "../../util/time.js";
import { isPlistDict } from "../../formats/plist.js";

const pyStr = (v: unknown): string => (v === null || v === undefined ? "None" : String(v));

/** Records of an addaily plist value (exported for unit tests). */
export function parseAdDaily(value: unknown): RecordData[] {
  const out: RecordData[] = [];
  if (!isPlistDict(value) || !isPlistDict(value.netUsageBaseline)) return out;
  for (const [pkg, values] of Object.entries(value.netUsageBaseline)) {
    if (!Array.isArray(values)) continue;
    out.push({
      package: pkg,
      ts: values[0] instanceof Date ? isoFromDate(values[0]) : null,
      wifi_in: values[1] ?? null,
      wifi_out: values[2] ?? null,
      wwan_in: values[3] ?? null,
      wwan_out: values[4] ?? null,
    });
  }
  return out;
}

export const osAnalyticsAdDaily = artifact({
  id: "os_analytics_ad_daily",
  platform: "ios",
  timelineName: "OSAnalyticsADDaily",
  description: "Per-process network usage (Library/Preferences/com.apple.osanalytics.addaily.plist)",
  sources: [
    { domain: "HomeDomain", path: "Library/Preferences/com.apple.osanalytics.addaily.plist" },
    { domain: "RootDomain", path: "Library/Preferences/com.apple.osanalytics.addaily.plist" },
  ],
  async *records(ctx) {
    for await (const { value } of ctx.plists()) yield* parseAdDaily(value);
  },
  *observables(r): Iterable<Observable> {
    if (typeof r.package === "string" && r.package) yield { type: "process", value: r.package };
  },
  time: (r) => r.ts as string | null,
  timeline(r) {
    if (!r.ts) return null;
    return {
      timestamp: r.ts as string,
      module: "OSAnalyticsADDaily",
      event: "osanalytics_addaily",
      data:
        `${pyStr(r.package)} WIFI IN: ${pyStr(r.wifi_in)}, WIFI OUT: ${pyStr(r.wifi_out)} - ` +
        `WWAN IN: ${pyStr(r.wwan_in)}, WWAN OUT: ${pyStr(r.wwan_out)}`,
    };
  },
});
