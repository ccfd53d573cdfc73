// App-Ops (dumpsys appops): per package, each operation's mode and last Access/Reject times (phone's clock).
// Heuristics (MVT's): REQUEST_INSTALL_PACKAGES granted to an app, and anything the adb shell package did.

import { artifact } from "../../module.js";
import type { Emit, TimelineEvent } from "../../../types.js";
import { AppopsParser, RISKY_APPOPS, RISKY_APPOPS_PACKAGES, type AppopsPackage } from "../parsers/appops.js";
import { appId, deviceTimezone, DUMPSTATE_SOURCE, sectionBatches, utcOf } from "./common.js";

type Rec = AppopsPackage & { timezone?: string };

export function checkAppops(r: Rec, emit: Emit): void {
  for (const perm of r.permissions) {
    const risky = RISKY_APPOPS.has(perm.name);
    if (!risky && !RISKY_APPOPS_PACKAGES.has(r.package_name)) continue;
    const entries = perm.entries.length ? [...perm.entries].sort((a, b) => ((a.timestamp ?? "") < (b.timestamp ?? "") ? -1 : 1)) : [{ access: "Unknown", timestamp: "" }];
    for (const e of entries) {
      const at = e.timestamp ?? "";
      emit({
        level: "medium",
        heuristic: risky ? "dumpsys_appops.risky_permission" : "dumpsys_appops.shell_operation",
        message: risky
          ? `Package '${r.package_name}' had risky permission '${perm.name}' set to '${e.access}' at ${at}` +
            ` — this app may install other apps: make sure the user knows and trusts it, and revoke "Install unknown apps" for it in Settings › Apps › Special app access.`
          : `Risky package '${r.package_name}' had '${perm.name}' permission set to '${e.access}' at ${at}` +
            ` — something used the adb shell on this phone: find out who connected a computer, and turn off USB debugging in Developer options.`,
        eventTime: utcOf(at, r.timezone) ?? "",
        record: { ...r, permissions: [perm] },
      });
    }
  }
}

export const dumpsysAppops = artifact<Rec>({
  id: "dumpsys_appops",
  platform: "android",
  timelineName: "DumpsysAppops",
  description: "App-Ops: operations each app used or was refused, with times (dumpsys appops)",
  sources: DUMPSTATE_SOURCE,
  async *records(ctx) {
    const tz = await deviceTimezone(ctx);
    for await (const batch of sectionBatches(ctx, "appops", new AppopsParser()) as AsyncIterable<Rec[]>) {
      for (const r of batch) {
        if (tz) r.timezone = tz;
        yield r;
      }
    }
  },
  observables: (r) => appId(r.package_name),
  timeline(r) {
    const out: TimelineEvent[] = [];
    for (const p of r.permissions) {
      for (const e of p.entries) {
        const ts = utcOf(e.timestamp, r.timezone);
        if (ts) out.push({ timestamp: ts, module: "DumpsysAppops", event: e.access, data: `${r.package_name} access to ${p.name}: ${e.access}` });
      }
    }
    return out;
  },
  analyzer: () => ({ onRecord: checkAppops }),
});
