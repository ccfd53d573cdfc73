// dns_event: every DNS lookup an app made (hostname, the addresses it resolved to, the app).

import { artifact, event } from "../../module.js";
import type { Observable, RecordData } from "../../../types.js";
import { cleanIp, intrusionEvents, ipObservable, isoFromEpochAny } from "./common.js";

export const dnsEvent = artifact({
  id: "dns_event",
  platform: "android",
  timelineName: "DnsEvent",
  description: "DNS lookups from Android intrusion logs (hostname, resolved addresses, app)",
  sources: [{ pathLike: "%" }],
  async *records(ctx) {
    for await (const e of intrusionEvents(ctx, "dns_event")) yield { ...e.data, timestamp: isoFromEpochAny(e.data.event_time) } as RecordData;
  },
  *observables(r): Iterable<Observable> {
    if (typeof r.hostname === "string" && r.hostname) yield { type: "domain", value: r.hostname };
    for (const a of Array.isArray(r.ip_addresses) ? r.ip_addresses : []) {
      const o = ipObservable(cleanIp(a));
      if (o) yield o;
    }
    if (typeof r.package_name === "string" && r.package_name) yield { type: "app_id", value: r.package_name };
  },
  time: (r) => r.timestamp as string | null,
  timeline(r) {
    const ips = (Array.isArray(r.ip_addresses) ? r.ip_addresses : []).map(cleanIp).filter((i): i is string => !!i && i !== "0.0.0.0");
    const data = `DNS query for ${r.hostname ?? ""} by ${r.package_name ?? "unknown app"}${ips.length ? ` [IPs: ${ips.join(", ")}]` : ""}`;
    return event("DnsEvent", r.timestamp as string | null, "dns_query", data);
  },
});
