// `spyscope check-sysdiagnose PATH`: an iOS sysdiagnose, the .tar.gz itself (read once, front to back, never
// extracted) or an extracted folder, on the one scan path.

import { promises as fs } from "node:fs";
import path from "node:path";
import { SYSDIAGNOSE_MODULES, SYSDIAGNOSE_ROUTES } from "../core/artifacts/sysdiagnose/index.js";
import { openSysdiagnoseArchive, openSysdiagnoseFolder, type SysdiagnoseLimits } from "../core/formats/sysdiagnose.js";
import { DirectoryEvidence } from "./evidence-dir.js";
import { acquisitionProblem, runCheck, type CheckOptions, type CheckResult, type CheckSpec } from "./run-check.js";
import { fileChunks, nodeSha256 } from "./file-hash.js";

export function sysdiagnoseCheck(limits?: SysdiagnoseLimits): CheckSpec {
  return {
    command: "check-sysdiagnose",
    modules: SYSDIAGNOSE_MODULES,
    async open(target) {
      const st = await fs.stat(target).catch(() => null);
      if (!st) throw new Error(`${target}: no such file or folder`);
      const acquisition = st.isDirectory()
        ? await openSysdiagnoseFolder(await DirectoryEvidence.open(target), { routes: SYSDIAGNOSE_ROUTES, limits })
        : await openSysdiagnoseArchive(fileChunks(target), path.resolve(target), {
            routes: SYSDIAGNOSE_ROUTES,
            limits,
            hasher: nodeSha256,
            archiveKey: path.basename(target),
          });
      if (!acquisition.folder && acquisition.matchedFiles === 0 && !acquisition.problems.length) {
        throw new Error(
          `${target} does not look like a sysdiagnose: no sysdiagnose_* folder and none of the files spyscope reads ` +
            `(shutdown.log, ps.txt, crashes_and_spins/*.ips, system_logs.logarchive) in it`,
        );
      }
      return {
        acquisition,
        close: () => {},
        problem: acquisitionProblem(acquisition.problems),
        info: () => acquisition.info(),
      };
    },
  };
}

export const SYSDIAGNOSE_CHECK: CheckSpec = sysdiagnoseCheck();

export function runCheckSysdiagnose(opts: CheckOptions, limits?: SysdiagnoseLimits): Promise<CheckResult> {
  return runCheck(sysdiagnoseCheck(limits), opts);
}
