// `spyscope check-backup`: an iOS backup folder (encrypted ones decrypted as they are read) → output folder +
// summary, on the one scan path.

import { IOS_BACKUP_MODULES } from "../core/artifacts/ios/index.js";
import { IosBackup } from "../core/formats/ios-backup.js";
import { nodeBackupCrypto } from "./backup-crypto.js";
import { BackupKeySource, type BackupKeyInput } from "./backup-key.js";
import { DirectoryEvidence } from "./evidence-dir.js";
import { runCheck, type CheckOptions, type CheckResult, type CheckSpec } from "./run-check.js";

/** The check-backup spec; `key` says where an encrypted backup's password or saved key comes from. */
export function iosBackupCheck(key: BackupKeyInput = {}): CheckSpec {
  return {
    command: "check-backup",
    modules: IOS_BACKUP_MODULES,
    async open(target, sqlite) {
      const evidence = await DirectoryEvidence.open(target);
      const keys = new BackupKeySource(key, evidence.label);
      const backup = await IosBackup.open(evidence, sqlite, { unlock: keys.unlock, crypto: nodeBackupCrypto });
      try {
        keys.saveIfAsked(backup);
      } catch (e) {
        backup.close();
        throw e;
      }
      return { acquisition: backup, close: () => backup.close(), problem: backup.manifestProblem, info: () => keys.info(backup) };
    },
    // A worker thread reopens the backup with the key this open derived (never the password).
    parallel: {
      args: (opened) => ({ derivedKey: (opened.acquisition as IosBackup).encryption?.derivedKey ?? null }),
      spec: "check-backup",
    },
  };
}

/** check-backup with the password from $SPYSCOPE_BACKUP_PASSWORD or a terminal prompt, if encrypted. */
export const IOS_BACKUP_CHECK: CheckSpec = iosBackupCheck();

export function runCheckBackup(opts: CheckOptions, key: BackupKeyInput = {}): Promise<CheckResult> {
  return runCheck(iosBackupCheck(key), opts);
}
