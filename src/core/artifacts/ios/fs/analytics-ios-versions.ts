// The iOS builds the keychain analytics events were recorded under, each with the first time it was seen: a
// timeline of the device's updates (and of the windows in which it ran a vulnerable build).

import { artifact, event } from "../../module.js";
import type { RecordData } from "../../../types.js";
import { ANALYTICS_SOURCES, analyticsEvents } from "./analytics.js";

export const analyticsIosVersions = artifact({
  id: "analytics_ios_versions",
  platform: "ios",
  timelineName: "AnalyticsIOSVersions",
  description: "iOS builds seen in the keychain analytics databases, with the first time each appeared",
  sources: ANALYTICS_SOURCES,
  async *records(ctx) {
    const first = new Map<string, string>();
    for await (const e of analyticsEvents(ctx)) {
      const build = e.build;
      const iso = e.isodate;
      if (typeof build !== "string" || !build || typeof iso !== "string" || !iso) continue;
      const seen = first.get(build);
      if (seen === undefined || iso < seen) first.set(build, iso);
    }
    const out: RecordData[] = [...first].map(([build, isodate]) => ({ isodate, build, version: null }));
    out.sort((a, b) => String(a.isodate).localeCompare(String(b.isodate)));
    yield* out;
  },
  time: (r) => r.isodate as string,
  timeline: (r) => event("AnalyticsIOSVersions", r.isodate as string, "analytics_ios_version", `Seen iOS version ${String(r.version ?? "None")} (${String(r.build)})`),
});
