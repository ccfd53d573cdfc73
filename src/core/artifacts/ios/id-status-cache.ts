// Apple identity-services lookup cache: which phone numbers / e-mail addresses were looked up for iMessage,
// FaceTime… and when. Pegasus-era attacks left lookups of attacker accounts here.

import { artifact, event } from "../module.js";
import type { Observable, RecordData } from "../../types.js";
import { isoFromMac } from "../../util/time.js";
import { pyStr } from "../../util/py.js";
import { isPlistDict } from "../../formats/plist.js";


/** Records of an idstatuscache plist value (exported for unit tests). */
export function parseIdStatusCache(value: unknown): RecordData[] {
  const entries: RecordData[] = [];
  if (!isPlistDict(value)) return entries;
  for (const [pkg, lookups] of Object.entries(value)) {
    if (!isPlistDict(lookups)) continue;
    for (const [user, info] of Object.entries(lookups)) {
      if (!isPlistDict(info) || !("LookupDate" in info) || !("IDStatus" in info)) continue;
      const date = info.LookupDate;
      entries.push({
        package: pkg,
        user: user.replace(/\u0000/g, "\\x00"),
        isodate: isoFromMac(date instanceof Date ? date.getTime() / 1000 - 978307200 : (date as number | bigint | null)),
        idstatus: info.IDStatus,
      });
    }
  }
  const counts = new Map<string, number>();
  for (const e of entries) counts.set(e.user as string, (counts.get(e.user as string) ?? 0) + 1);
  for (const e of entries) e.occurrences = counts.get(e.user as string);
  return entries;
}

export const idStatusCache = artifact({
  id: "id_status_cache",
  platform: "ios",
  timelineName: "IDStatusCache",
  description: "Identity-services lookups (Library/Preferences/com.apple.identityservices.idstatuscache.plist)",
  sources: [
    { domain: "HomeDomain", path: "Library/Preferences/com.apple.identityservices.idstatuscache.plist" },
    { domain: "HomeDomain", path: "Library/IdentityServices/idstatuscache.plist" },
  ],
  async *records(ctx) {
    for await (const { value } of ctx.plists()) yield* parseIdStatusCache(value);
  },
  *observables(r): Iterable<Observable> {
    const user = String(r.user ?? "");
    if (user.startsWith("mailto:")) {
      const email = user.slice(7).replace(/^'+|'+$/g, "");
      if (email) yield { type: "email", value: email };
    }
  },
  time: (r) => r.isodate as string | null,
  timeline: (r) => event("IDStatusCache", r.isodate as string | null, "lookup", `Lookup of ${pyStr(r.user)} within ${pyStr(r.package)} (Status ${pyStr(r.idstatus)})`),
  analyzer() {
    return {
      onRecord(r, emit) {
        if (!String(r.user ?? "").includes("\\x00\\x00")) return;
        emit({
          level: "medium",
          heuristic: "id_status_cache.nul_pattern",
          message:
            `ID status cache lookup of "${r.user}" (${r.package}) on ${pyStr(r.isodate)} contains NUL bytes, a pattern ` +
            `seen in the lookups of attacker accounts during iMessage zero-click exploitation. Have the backup ` +
            `reviewed by a digital-security helpline and enable Lockdown Mode.`,
          record: r,
          eventTime: (r.isodate as string) ?? "",
        });
      },
    };
  },
});
