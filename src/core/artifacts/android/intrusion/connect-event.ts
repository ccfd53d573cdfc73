// connect_event: every network connection an app opened (address, port, app).

import { artifact, event } from "../../module.js";
import type { Observable, RecordData } from "../../../types.js";
import { cleanIp, intrusionEvents, ipObservable, isoFromEpochAny } from "./common.js";

export const connectEvent = artifact({
  id: "connect_event",
  platform: "android",
  timelineName: "ConnectEvent",
  description: "Network connections from Android intrusion logs (address, port, app)",
  sources: [{ pathLike: "%" }],
  async *records(ctx) {
    for await (const e of intrusionEvents(ctx, "connect_event")) yield { ...e.data, timestamp: isoFromEpochAny(e.data.event_time) } as RecordData;
  },
  *observables(r): Iterable<Observable> {
    const o = ipObservable(cleanIp(r.ip_address));
    if (o) yield o;
    if (typeof r.package_name === "string" && r.package_name) yield { type: "app_id", value: r.package_name };
  },
  time: (r) => r.timestamp as string | null,
  timeline(r) {
    const ip = cleanIp(r.ip_address) ?? "";
    const host = ip.includes(":") ? `[${ip}]` : ip;
    return event("ConnectEvent", r.timestamp as string | null, "network_connection", `Connection to ${host}:${r.port ?? ""} by ${r.package_name ?? "unknown app"}`);
  },
});
