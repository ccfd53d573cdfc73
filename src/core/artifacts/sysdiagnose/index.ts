// Every sysdiagnose module, and the routes the one-pass archive reader keeps files for.

import type { ArtifactModule } from "../module.js";
import type { SysdiagnoseRoute } from "../../formats/sysdiagnose.js";
import { shutdownLog } from "./shutdown-log.js";
import { sysdiagnosePs } from "./ps.js";
import { sysdiagnoseCrashLogs } from "./crash-logs.js";
import { logarchiveProcesses, UUIDTEXT_ROUTE } from "./logarchive-processes.js";
import { sysdiagnoseExposure } from "./exposure.js";

export const SYSDIAGNOSE_MODULES: ArtifactModule<any>[] = [shutdownLog, sysdiagnosePs, sysdiagnoseCrashLogs, logarchiveProcesses, sysdiagnoseExposure];

/** The files the modules read: whole files, except uuidtext files, of which only the image path is kept. */
export const SYSDIAGNOSE_ROUTES: SysdiagnoseRoute[] = [
  ...SYSDIAGNOSE_MODULES.filter((m) => m !== logarchiveProcesses && m !== sysdiagnoseExposure).flatMap((m) => m.sources.map((spec) => ({ spec }))),
  UUIDTEXT_ROUTE,
];
