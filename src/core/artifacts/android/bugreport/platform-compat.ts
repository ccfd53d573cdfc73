// Packages named in platform_compat's DOWNSCALED overrides: apps that were installed at some point, including
// ones uninstalled since (spyware removing itself leaves its name here).

import { artifact } from "../../module.js";
import { PlatformCompatParser } from "../parsers/platform-compat.js";
import { appId, DUMPSTATE_SOURCE, sectionRecords } from "./common.js";

export const dumpsysPlatformCompat = artifact<{ package_name: string }>({
  id: "dumpsys_platform_compat",
  platform: "android",
  timelineName: "DumpsysPlatformCompat",
  description: "Packages, uninstalled ones included, named in compatibility overrides (dumpsys platform_compat)",
  sources: DUMPSTATE_SOURCE,
  records: (ctx) => sectionRecords(ctx, "platform_compat", new PlatformCompatParser()),
  observables: (r) => appId(r.package_name),
});
