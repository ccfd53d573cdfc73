// Installed packages (dumpsys package): version, uid, install/update times (phone's clock), installer,
// system flag, permissions. Heuristics: root packages (MVT's), apps sideloaded through the package installer
// or with no installer, and disabled security / system-update packages.

import { artifact } from "../../module.js";
import type { Emit } from "../../../types.js";
import { BROWSER_INSTALLERS, PLAY_PROTECT, PLAY_PROTECT_NOTE, ROOT_PACKAGES, SECURITY_PACKAGES, SYSTEM_UPDATE_PACKAGES } from "../package-lists.js";
import { DumpsysPackagesParser, type DumpsysPackage } from "../parsers/packages.js";
import { appId, deviceTimezone, DUMPSTATE_SOURCE, sectionBatches, timelineEvent, utcOf } from "./common.js";

type Rec = DumpsysPackage & { timezone?: string };

export function checkPackages(): (r: Rec, emit: Emit) => void {
  const rootSeen = new Set<string>();
  return (r, emit) => {
    const name = r.package_name;
    const at = utcOf(r.timestamp, r.timezone) ?? "";
    if (ROOT_PACKAGES.has(name)) {
      if (rootSeen.has(name)) return;
      rootSeen.add(name);
      emit({
        level: "medium",
        heuristic: "dumpsys_packages.root_package",
        message:
          `Found an installed package related to rooting/jailbreaking: "${name}". A rooted phone loses Android's protections ` +
          `and rooting tools also hide spyware: ask whether the owner rooted the phone, otherwise examine it further.`,
        eventTime: at,
        record: r,
      });
      return;
    }
    if (!r.system && BROWSER_INSTALLERS.has(r.installer)) {
      emit({
        level: "medium",
        heuristic: "dumpsys_packages.package_installer",
        message:
          `Package "${name}" was installed from an APK file (installer "${r.installer}"), e.g. downloaded with a browser. ` +
          `Sideloading is how most Android spyware is planted: confirm the owner installed it knowingly, otherwise uninstall it.`,
        eventTime: at,
        record: r,
      });
    } else if (!r.system && !r.installer) {
      emit({
        level: "medium",
        heuristic: "dumpsys_packages.no_installer",
        message:
          `Non-system package "${name}" has no installer recorded: it was installed over adb or by another app. ` +
          `Confirm the owner knows this app, otherwise uninstall it and examine the phone further.`,
        eventTime: at,
        record: r,
      });
    }
    if (r.disabled && (SECURITY_PACKAGES.has(name) || name === PLAY_PROTECT)) {
      emit({
        level: "high",
        heuristic: "dumpsys_packages.security_disabled",
        message:
          `Security package "${name}" is disabled${name === PLAY_PROTECT ? PLAY_PROTECT_NOTE : ""}. ` +
          `Re-enable it in Settings › Apps and find out who disabled it: spyware operators turn off security agents.`,
        eventTime: at,
        record: r,
      });
    } else if (r.disabled && SYSTEM_UPDATE_PACKAGES.has(name)) {
      emit({
        level: "medium",
        heuristic: "dumpsys_packages.update_disabled",
        message: `System update package "${name}" is disabled: the phone may no longer receive security updates. Re-enable it in Settings › Apps.`,
        eventTime: at,
        record: r,
      });
    }
  };
}

export const dumpsysPackages = artifact<Rec>({
  id: "dumpsys_packages",
  platform: "android",
  timelineName: "DumpsysPackages",
  description: "Installed packages: versions, installer, install and update times, permissions (dumpsys package)",
  sources: DUMPSTATE_SOURCE,
  async *records(ctx) {
    const tz = await deviceTimezone(ctx);
    for await (const batch of sectionBatches(ctx, "package", new DumpsysPackagesParser()) as AsyncIterable<Rec[]>) {
      for (const r of batch) {
        if (tz) r.timezone = tz;
        yield r;
      }
    }
  },
  observables: (r) => appId(r.package_name),
  time: (r) => utcOf(r.timestamp, r.timezone),
  timeline(r) {
    const data = `Install or update of package ${r.package_name}`;
    return [
      timelineEvent("DumpsysPackages", r.timestamp, r.timezone, "package_install", data),
      timelineEvent("DumpsysPackages", r.first_install_time, r.timezone, "package_first_install", data),
      timelineEvent("DumpsysPackages", r.last_update_time, r.timezone, "package_last_update", data),
    ].filter((e) => e !== null);
  },
  analyzer: () => ({ onRecord: checkPackages() }),
});
