// shutdown.log on a filesystem dump (private/var/db/diagnostics/shutdown.log and rotated shutdown.N.log): the
// sysdiagnose module's parser, observables and delayed-shutdown checks, reading the dump's own location.

import { artifact } from "../../module.js";
import { shutdownLog, type ShutdownRecord } from "../../sysdiagnose/shutdown-log.js";

export const shutdownLogFs = artifact<ShutdownRecord>({
  ...shutdownLog,
  description: "Processes still running at shutdown (private/var/db/diagnostics/shutdown.log, rotated shutdown.N.log)",
  sources: [
    { domain: "DatabaseDomain", path: "diagnostics/shutdown.log" },
    { domain: "DatabaseDomain", pathLike: "diagnostics/shutdown._.log" },
    { domain: "DatabaseDomain", pathLike: "diagnostics/shutdown.__.log" },
  ],
});
