// The bugreport modules, in MVT's order.

import type { ArtifactModule } from "../../module.js";
import { dumpsysAccessibility } from "./accessibility.js";
import { dumpsysActivities } from "./activities.js";
import { dumpsysAdb } from "./adb.js";
import { dumpsysAppops } from "./appops.js";
import { dumpsysBatteryDaily } from "./battery-daily.js";
import { dumpsysBatteryHistory } from "./battery-history.js";
import { dumpsysDbinfo } from "./dbinfo.js";
import { getprop } from "./getprop.js";
import { dumpsysPackages } from "./packages.js";
import { dumpsysPlatformCompat } from "./platform-compat.js";
import { dumpsysReceivers } from "./receivers.js";
import { bugreportTimestamps } from "./timestamps.js";
import { tombstones } from "./tombstones.js";

export const ANDROID_BUGREPORT_MODULES: ArtifactModule<any>[] = [
  dumpsysAccessibility,
  dumpsysActivities,
  dumpsysAppops,
  dumpsysBatteryDaily,
  dumpsysBatteryHistory,
  dumpsysDbinfo,
  getprop,
  dumpsysPackages,
  dumpsysPlatformCompat,
  dumpsysReceivers,
  dumpsysAdb,
  bugreportTimestamps,
  tombstones,
];
