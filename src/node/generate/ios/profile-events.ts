// Synthetic Library/ConfigurationProfiles/MCProfileEvents.plist: install/remove operations of a few profiles;
// when planting, one operation by a planted process name.

import type { GeneratedFile, GenContext } from "./types.js";
import { xmlPlist } from "./plist-xml.js";

export function profileEventsPlist(g: GenContext): Uint8Array {
  const n = Math.max(3, Math.round(g.rows / 1000));
  const events: Record<string, unknown>[] = [];
  const procs = ["Preferences", "profiled", "dmd", "MobileSafari"];
  for (let i = 0; i < n; i++) {
    const id = `org.example.profile${i}.${g.rng.uuid()}`;
    events.push({ [id]: { timestamp: new Date((g.now - g.rng.int(3600, 60 * 86400)) * 1000), operation: i % 3 === 2 ? "remove" : "install", process: g.rng.pick(procs) } });
  }
  if (g.plant?.processes.length) {
    events.push({ [`com.carrier.update.${g.rng.uuid()}`]: { timestamp: new Date((g.now - 7200) * 1000), operation: "install", process: g.plant.processes[0] } });
  }
  return xmlPlist({ ProfileEvents: events });
}

export const files: GeneratedFile[] = [
  {
    modules: ["profile_events"],
    domain: "SysSharedContainerDomain-systemgroup.com.apple.configurationprofiles",
    relativePath: "Library/ConfigurationProfiles/MCProfileEvents.plist",
    bytes: profileEventsPlist,
  },
];
