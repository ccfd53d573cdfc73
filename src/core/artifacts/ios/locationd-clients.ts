// locationd's client list: every app / daemon / bundle that used location services, with its usage timestamps.

import { artifact } from "../module.js";
import type { Observable, RecordData, TimelineEvent } from "../../types.js";
import { isoFromMac } from "../../util/time.js";
import { isPlistDict } from "../../formats/plist.js";

/** The keys MVT turns into timeline events (Apple absolute times). */
export const LOCATIOND_TIMESTAMPS = [
  "ConsumptionPeriodBegin",
  "ReceivingLocationInformationTimeStopped",
  "VisitTimeStopped",
  "LocationTimeStopped",
  "BackgroundLocationTimeStopped",
  "SignificantTimeStopped",
  "NonPersistentSignificantTimeStopped",
  "FenceTimeStopped",
  "BeaconRegionTimeStopped",
];

function macTime(v: unknown): string | null {
  if (v instanceof Date) return isoFromMac(v.getTime() / 1000 - 978307200);
  if (typeof v === "number" || typeof v === "bigint") return isoFromMac(v);
  return null;
}

/** Records of a clients.plist value (exported for unit tests). */
export function parseLocationdClients(value: unknown): RecordData[] {
  const out: RecordData[] = [];
  if (!isPlistDict(value)) return out;
  for (const [key, entry] of Object.entries(value)) {
    if (!isPlistDict(entry)) continue;
    const r: RecordData = { ...entry, package: key.replace(/:+$/, "") };
    for (const ts of LOCATIOND_TIMESTAMPS) if (ts in r) r[ts] = macTime(r[ts]);
    out.push(r);
  }
  return out;
}

export const locationdClients = artifact({
  id: "locationd_clients",
  platform: "ios",
  timelineName: "LocationdClients",
  description: "Location services clients (Library/Caches/locationd/clients.plist)",
  sources: [{ domain: "RootDomain", path: "Library/Caches/locationd/clients.plist" }],
  async *records(ctx) {
    for await (const { value } of ctx.plists()) yield* parseLocationdClients(value);
  },
  *observables(r): Iterable<Observable> {
    const pkg = String(r.package ?? "");
    const proc = pkg.slice(pkg.lastIndexOf("/") + 1);
    if (proc) yield { type: "process", value: proc };
    if (typeof r.BundleId === "string" && r.BundleId) {
      yield { type: "process", value: r.BundleId };
      yield { type: "app_id", value: r.BundleId };
    }
    for (const k of ["BundlePath", "Executable", "Registered"]) {
      const v = r[k];
      if (typeof v === "string" && v) yield { type: "file_path", value: v };
    }
  },
  timeline(r) {
    const out: TimelineEvent[] = [];
    for (const ts of LOCATIOND_TIMESTAMPS) {
      const v = r[ts];
      if (typeof v === "string" && v)
        out.push({ timestamp: v, module: "LocationdClients", event: ts, data: `${ts} from ${r.package}` });
    }
    return out;
  },
});
