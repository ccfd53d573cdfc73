// Synthetic Library/Preferences/com.apple.identityservices.idstatuscache.plist: lookups per service
// (iMessage "com.apple.madrid", FaceTime…) of phone numbers and e-mails with LookupDate (Apple absolute
// time) and IDStatus; when planting, lookups of a planted e-mail.

import type { GeneratedFile, GenContext } from "./types.js";
import { Real, xmlPlist } from "./plist-xml.js";

const SERVICES = ["com.apple.madrid", "com.apple.ess", "com.apple.private.alloy.facetime.multi", "com.apple.private.alloy.photostream"];

export function idStatusCachePlist(g: GenContext): Uint8Array {
  const n = Math.max(5, Math.round(g.rows / 200));
  const root: Record<string, Record<string, unknown>> = {};
  for (const s of SERVICES) root[s] = {};
  for (let i = 0; i < n; i++) {
    const user = g.rng.next() < 0.6 ? `tel:+1415555${String(4000 + i).padStart(4, "0")}` : `mailto:friend${i}@example.org`;
    const t = g.now - 978307200 - g.rng.next() * 90 * 86400;
    root[g.rng.pick(SERVICES)][user] = { IDStatus: g.rng.pick([1, 1, 2]), LookupDate: new Real(Math.round(t * 1000) / 1000) };
  }
  if (g.plant?.emails.length) {
    const t = g.now - 978307200 - 3 * 86400 + 0.5;
    root["com.apple.madrid"][`mailto:${g.plant.emails[0]}`] = { IDStatus: 1, LookupDate: new Real(t) };
    root["com.apple.private.alloy.facetime.multi"][`mailto:${g.plant.emails[0]}`] = { IDStatus: 2, LookupDate: new Real(t + 10) };
  }
  return xmlPlist({ ...root, "__kIDSStatusCacheVersion": 3 });
}

export const files: GeneratedFile[] = [
  {
    modules: ["id_status_cache"],
    domain: "HomeDomain",
    relativePath: "Library/Preferences/com.apple.identityservices.idstatuscache.plist",
    bytes: idStatusCachePlist,
  },
];
