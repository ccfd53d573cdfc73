// Synthetic Library/Caches/locationd/clients.plist: location clients (apps by bundle id, daemons by
// executable path) with their usage timestamps (Apple absolute time); when planting, a client whose
// executable is a planted process name.

import type { GeneratedFile, GenContext } from "./types.js";
import { Real, xmlPlist } from "./plist-xml.js";

const APPS = ["com.apple.Maps", "com.apple.weather", "net.whatsapp.WhatsApp", "com.google.Maps", "com.apple.camera", "com.strava.run"];
const DAEMONS = ["/usr/libexec/routined", "/System/Library/PrivateFrameworks/TimeZone.framework/tzd", "/usr/libexec/findmydeviced"];

export function locationdClientsPlist(g: GenContext): Uint8Array {
  const root: Record<string, unknown> = { "com.apple.locationd.migration": 2 };
  const mac = (ago: number) => new Real(Math.round((g.now - 978307200 - ago) * 1000) / 1000);
  const n = Math.max(APPS.length, Math.round(g.rows / 1000));
  for (let i = 0; i < n; i++) {
    const id = i < APPS.length ? APPS[i] : `com.example.app${i}`;
    root[id] = {
      Authorization: g.rng.pick([2, 3, 4]),
      BundleId: id,
      BundlePath: `/private/var/containers/Bundle/Application/${g.rng.uuid()}/${id.split(".").pop()}.app`,
      Executable: `/private/var/containers/Bundle/Application/${g.rng.uuid()}/${id.split(".").pop()}.app/${id.split(".").pop()}`,
      Whitelisted: false,
      ConsumptionPeriodBegin: mac(g.rng.int(30 * 86400, 90 * 86400)),
      LocationTimeStopped: mac(g.rng.int(60, 30 * 86400)),
      ReceivingLocationInformationTimeStopped: mac(g.rng.int(60, 30 * 86400)),
      ...(g.rng.next() < 0.5 ? { BackgroundLocationTimeStopped: mac(g.rng.int(60, 30 * 86400)) } : {}),
    };
  }
  for (const d of DAEMONS) {
    root[`${d}:`] = { Authorization: 2, Executable: d, Registered: d, Whitelisted: true, SignificantTimeStopped: mac(g.rng.int(60, 10 * 86400)) };
  }
  if (g.plant?.processes.length) {
    const p = `/private/var/db/com.apple.xpc.roleaccountd.staging/${g.plant.processes[0]}`;
    root[`${p}:`] = { Authorization: 2, Executable: p, Registered: p, LocationTimeStopped: mac(5 * 86400), FenceTimeStopped: mac(5 * 86400 - 30) };
  }
  return xmlPlist(root);
}

export const files: GeneratedFile[] = [
  { modules: ["locationd_clients"], domain: "RootDomain", relativePath: "Library/Caches/locationd/clients.plist", bytes: locationdClientsPlist },
];
