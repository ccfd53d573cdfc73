// Binaries running from folders where iOS itself does not install programs. Pegasus ran from
// /private/var/db/com.apple.xpc.roleaccountd.staging/ (Kaspersky's iShutdown research, 2024; Amnesty's
// forensic methodology, 2021); /private/var/tmp/ is writable scratch space. Apple's own software-update
// components also run from the staging folder, hence the allow-list: a finding here asks for review, it is
// not a verdict.

import type { Finding, Level } from "../../types.js";
import { baseName } from "./files.js";

interface WatchedFolder {
  prefix: string;
  level: Level;
  why: string;
}

const WATCHED: WatchedFolder[] = [
  {
    prefix: "/private/var/db/com.apple.xpc.roleaccountd.staging/",
    level: "high",
    why: "Pegasus ran its processes from this folder (Kaspersky iShutdown, Amnesty 2021)",
  },
  {
    prefix: "/private/var/tmp/",
    level: "medium",
    why: "iOS does not install programs in this temporary folder; spyware has staged binaries there",
  },
];

/** Apple components known to run from the staging folder during software updates (path components). */
export const KNOWN_STAGED_APPLE_COMPONENTS = [
  "com.apple.NRD.UpdateBrainService",
  "com.apple.NRD.UpdateBrainService.xpc",
  "com.apple.MobileSoftwareUpdate.UpdateBrainService",
  "com.apple.MobileSoftwareUpdate.UpdateBrainService.xpc",
];

export interface UnusualLocation {
  folder: string;
  level: Level;
  why: string;
  /** The allow-listed Apple component, when the binary is one. */
  knownApple: string | null;
}

/** Whether a binary path lies in a watched folder ("/var/..." is the same folder as "/private/var/..."). */
export function unusualLocation(path: string): UnusualLocation | null {
  const p = path.startsWith("/var/") ? "/private" + path : path;
  for (const w of WATCHED) {
    if (!p.startsWith(w.prefix) || p.length === w.prefix.length) continue;
    const parts = p.slice(w.prefix.length).split("/");
    const knownApple = parts.find((c) => KNOWN_STAGED_APPLE_COMPONENTS.includes(c)) ?? null;
    return { folder: w.prefix, level: knownApple ? "info" : w.level, why: w.why, knownApple };
  }
  return null;
}

/** One finding per distinct binary path and module run. */
export class LocationCheck {
  private seen = new Set<string>();

  constructor(private readonly where: string) {}

  check(path: string | null | undefined, record: unknown, eventTime?: string | null): Finding | null {
    if (!path || this.seen.has(path)) return null;
    const loc = unusualLocation(path);
    if (!loc) return null;
    this.seen.add(path);
    const name = baseName(path);
    const message = loc.knownApple
      ? `Process "${name}" ran from ${loc.folder} (${path}) in ${this.where}; it is the known Apple component ` +
        `${loc.knownApple}, which normally runs there during software updates: listed for review, not a verdict`
      : `Process "${name}" ran from ${loc.folder} (${path}) in ${this.where}: ${loc.why}. ` +
        `Review, not a verdict: check the name against current indicators and ask a forensic expert before acting`;
    return { level: loc.level, message, record, eventTime: eventTime ?? undefined, heuristic: "unusual_binary_location" };
  }
}
