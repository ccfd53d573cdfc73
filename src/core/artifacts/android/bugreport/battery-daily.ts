// Daily battery stats' package changes (dumpsys batterystats "Daily from … to …"): updates per day, with
// uninstalls (version 0) and downgrades found by walking them in time order. Times are the phone's clock.

import { artifact } from "../../module.js";
import type { Emit } from "../../../types.js";
import { BatteryDailyParser, classifyDailyUpdates, type BatteryDailyUpdate } from "../parsers/battery.js";
import { appId, deviceTimezone, DUMPSTATE_SOURCE, sectionBatches, timelineEvent, utcOf } from "./common.js";

type Rec = BatteryDailyUpdate & { timezone?: string };

export function checkDailyUpdate(r: Rec, emit: Emit): void {
  if (r.action === "uninstall") {
    emit({
      level: "medium",
      heuristic: "dumpsys_battery_daily.uninstall",
      message:
        `Detected uninstall of package ${r.package_name} (vers 0) — spyware removes itself when discovered or done: ` +
        `ask the owner whether they removed this app, and look for it in the other modules' records.`,
      eventTime: utcOf(r.period_start, r.timezone) ?? "",
      record: r,
    });
  } else if (r.action === "downgrade") {
    emit({
      level: "medium",
      heuristic: "dumpsys_battery_daily.downgrade",
      message:
        `Detected downgrade of package ${r.package_name} from vers ${r.previous_version_code} to vers ${r.version_code} — ` +
        `downgrading an app to an older, vulnerable version is an exploitation technique: find out why it happened.`,
      eventTime: utcOf(r.period_start, r.timezone) ?? "",
      record: r,
    });
  }
}

export const dumpsysBatteryDaily = artifact<Rec>({
  id: "dumpsys_battery_daily",
  platform: "android",
  timelineName: "DumpsysBatteryDaily",
  description: "Package updates, uninstalls and downgrades per day (dumpsys batterystats daily stats)",
  sources: DUMPSTATE_SOURCE,
  async *records(ctx) {
    const tz = await deviceTimezone(ctx);
    // Downgrades need every day's updates in time order before any record is final; the records are small
    // (one per package version per day).
    const all: Rec[] = [];
    for await (const batch of sectionBatches(ctx, "batterystats", new BatteryDailyParser(), "Daily stats:") as AsyncIterable<Rec[]>) {
      for (const r of batch) {
        if (tz) r.timezone = tz;
        all.push(r);
      }
    }
    classifyDailyUpdates(all);
    yield* all;
  },
  observables: (r) => appId(r.package_name),
  time: (r) => utcOf(r.period_start, r.timezone),
  timeline(r) {
    const data =
      r.version_code === 0
        ? `Recorded uninstall of package ${r.package_name} (vers 0)`
        : r.action === "downgrade"
          ? `Recorded downgrade of package ${r.package_name} from vers ${r.previous_version_code ?? "unknown"} to vers ${r.version_code}`
          : `Recorded update of package ${r.package_name} with vers ${r.version_code}`;
    return timelineEvent("DumpsysBatteryDaily", r.period_start, r.timezone, "battery_daily", data);
  },
  analyzer: () => ({ onRecord: checkDailyUpdate }),
});
