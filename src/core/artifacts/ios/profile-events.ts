// Configuration profile install/remove operations from MCProfileEvents.plist: which process acted on which profile.

import { artifact, event } from "../module.js";
import type { Observable, RecordData } from "../../types.js";
import { isoFromDate } from "../../util/time.js";
import { isPlistDict } from "../../formats/plist.js";

const pyStr = (v: unknown): string => (v === null || v === undefined ? "None" : String(v));

/** Records of an MCProfileEvents.plist value (exported for unit tests). */
export function parseProfileEvents(value: unknown): RecordData[] {
  const out: RecordData[] = [];
  if (!isPlistDict(value) || !Array.isArray(value.ProfileEvents)) return out;
  for (const ev of value.ProfileEvents) {
    if (!isPlistDict(ev)) continue;
    const keys = Object.keys(ev);
    if (!keys.length) continue;
    const profileId = keys[0];
    const r: RecordData = { profile_id: profileId, timestamp: "", operation: "", process: "" };
    const body = ev[profileId];
    if (isPlistDict(body)) {
      for (const [k, v] of Object.entries(body)) {
        const key = k.toLowerCase();
        if (key === "timestamp") r.timestamp = v instanceof Date ? pyStr(isoFromDate(v)) : pyStr(null);
        else r[key] = v;
      }
    }
    out.push(r);
  }
  return out;
}

export const profileEvents = artifact({
  id: "profile_events",
  platform: "ios",
  timelineName: "ProfileEvents",
  description: "Configuration profile operations (Library/ConfigurationProfiles/MCProfileEvents.plist)",
  sources: [{ path: "Library/ConfigurationProfiles/MCProfileEvents.plist" }],
  async *records(ctx) {
    for await (const { value } of ctx.plists()) yield* parseProfileEvents(value);
  },
  *observables(r): Iterable<Observable> {
    if (typeof r.process === "string" && r.process) yield { type: "process", value: r.process };
    if (typeof r.profile_id === "string" && r.profile_id) yield { type: "profile_id", value: r.profile_id };
  },
  time: (r) => (r.timestamp && r.timestamp !== "None" ? (r.timestamp as string) : null),
  timeline(r) {
    const ts = r.timestamp && r.timestamp !== "None" ? (r.timestamp as string) : null;
    return event(
      "ProfileEvents",
      ts,
      "profile_operation",
      `Process ${pyStr(r.process)} started operation ${pyStr(r.operation)} of profile ${pyStr(r.profile_id)}`,
    );
  },
});
