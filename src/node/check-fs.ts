// `spyscope check-fs`: a full iOS filesystem extraction (a folder) → output folder + summary, on the one scan path.

import { IOS_FS_MODULES } from "../core/artifacts/ios/fs/index.js";
import { IosFilesystem } from "../core/formats/ios-fs.js";
import { FsDumpDirectory } from "./fs-dump-dir.js";
import { runCheck, type CheckOptions, type CheckResult, type CheckSpec } from "./run-check.js";

export const IOS_FS_CHECK: CheckSpec = {
  command: "check-fs",
  modules: IOS_FS_MODULES,
  async open(target) {
    const evidence = await FsDumpDirectory.open(target);
    const dump = await IosFilesystem.open(evidence);
    return {
      acquisition: dump,
      close: () => dump.close(),
      // Read after the scan: folders that could not be walked or lead out of the dump.
      get problem() {
        return dump.problems().join("; ") || null;
      },
      info: () => ({ filesystem: { var_root: dump.varRoot, problems: dump.problems(), warnings: dump.warnings() } }),
    };
  },
};

export function runCheckFs(opts: CheckOptions): Promise<CheckResult> {
  return runCheck(IOS_FS_CHECK, opts);
}
