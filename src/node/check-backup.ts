// `spyscope check-backup`: an unencrypted iOS backup folder → output folder + summary, on the one scan path.

import { IOS_BACKUP_MODULES } from "../core/artifacts/ios/index.js";
import { IosBackup } from "../core/formats/ios-backup.js";
import { DirectoryEvidence } from "./evidence-dir.js";
import { runCheck, type CheckOptions, type CheckResult, type CheckSpec } from "./run-check.js";

export const IOS_BACKUP_CHECK: CheckSpec = {
  command: "check-backup",
  modules: IOS_BACKUP_MODULES,
  async open(target, sqlite) {
    const evidence = await DirectoryEvidence.open(target);
    const backup = await IosBackup.open(evidence, sqlite);
    return { acquisition: backup, close: () => backup.close(), problem: backup.manifestProblem };
  },
};

export function runCheckBackup(opts: CheckOptions): Promise<CheckResult> {
  return runCheck(IOS_BACKUP_CHECK, opts);
}
