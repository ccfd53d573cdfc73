// Battery history events (dumpsys batterystats "Battery History"): jobs started and ended, alarms that woke
// the phone, apps coming to the foreground. Times are elapsed times since the history's reset.

import { artifact } from "../../module.js";
import { BatteryHistoryParser, type BatteryHistoryEvent } from "../parsers/battery.js";
import { appId, DUMPSTATE_SOURCE, sectionRecords } from "./common.js";

export const dumpsysBatteryHistory = artifact<BatteryHistoryEvent>({
  id: "dumpsys_battery_history",
  platform: "android",
  timelineName: "DumpsysBatteryHistory",
  description: "Jobs, wake-ups and foreground apps in the battery history (dumpsys batterystats)",
  sources: DUMPSTATE_SOURCE,
  records: (ctx) => sectionRecords(ctx, "batterystats", new BatteryHistoryParser()),
  observables: (r) => appId(r.package_name),
});
