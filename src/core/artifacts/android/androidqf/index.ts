// Modules that run on an androidqf collection, in MVT's order (the backup.ab and bugreport.zip inside a
// collection are read by the backup and bugreport modules: see node/check-androidqf.ts).

import type { ArtifactModule } from "../../module.js";
import { aqfPackages } from "./packages.js";
import { aqfProcesses } from "./processes.js";
import { aqfGetProp } from "./getprop.js";
import { aqfSettings } from "./settings.js";
import { aqfFiles } from "./files.js";
import { aqfLogTimestamps } from "./log-timestamps.js";
import { rootBinaries } from "./root-binaries.js";
import { mounts } from "./mounts.js";

export const ANDROIDQF_MODULES: ArtifactModule<any>[] = [
  aqfPackages,
  aqfProcesses,
  aqfGetProp,
  aqfSettings,
  aqfFiles,
  aqfLogTimestamps,
  rootBinaries,
  mounts,
];
