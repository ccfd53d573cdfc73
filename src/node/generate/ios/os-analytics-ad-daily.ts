// Synthetic Library/Preferences/com.apple.osanalytics.addaily.plist: netUsageBaseline per process
// ([date, wifi in, wifi out, wwan in, wwan out]); when planting, a planted process name with traffic.

import type { GeneratedFile, GenContext } from "./types.js";
import { xmlPlist } from "./plist-xml.js";

const PROCS = ["com.apple.mobilesafari", "mediaserverd", "nsurlsessiond", "com.apple.MobileSMS", "identityservicesd", "apsd", "itunesstored", "com.apple.Maps"];

export function adDailyPlist(g: GenContext): Uint8Array {
  const base: Record<string, unknown[]> = {};
  const n = Math.max(PROCS.length, Math.round(g.rows / 500));
  const entry = () => [
    new Date((g.now - g.rng.int(3600, 30 * 86400)) * 1000),
    g.rng.int(0, 5e8),
    g.rng.int(0, 5e7),
    g.rng.int(0, 2e8),
    g.rng.int(0, 2e7),
  ];
  for (let i = 0; i < n; i++) base[i < PROCS.length ? PROCS[i] : `com.example.app${i}`] = entry();
  if (g.plant?.processes.length) for (const p of g.plant.processes.slice(0, 2)) base[p] = entry();
  return xmlPlist({ netUsageBaseline: base, lastSubmissionDate: new Date((g.now - 86400) * 1000), userUploadedCount: 0 });
}

export const files: GeneratedFile[] = [
  { modules: ["os_analytics_ad_daily"], domain: "HomeDomain", relativePath: "Library/Preferences/com.apple.osanalytics.addaily.plist", bytes: adDailyPlist },
];
