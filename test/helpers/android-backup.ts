// Test helper: open an Android backup (.ab) and run modules over it in-process, collecting what the engine emits.

import path from "node:path";
import { ANDROID_BACKUP_MODULES, ANDROID_BACKUP_SOURCES } from "../../src/core/artifacts/android/backup/index.js";
import type { ArtifactModule } from "../../src/core/artifacts/module.js";
import { AndroidBackup } from "../../src/core/formats/android-backup-acquisition.js";
import type { BackupCrypto } from "../../src/core/formats/backup-crypto.js";
import type { Matcher } from "../../src/core/types.js";
import { DirectoryEvidence } from "../../src/node/evidence-dir.js";
import { NodeSqliteOpener } from "../../src/node/sqlite.js";
import { FIXTURES, scanCollect, type Collected } from "./scan.js";

export const ANDROID_BACKUP_DIR = FIXTURES + "mvt/android_backup";
export const ANDROIDQF_ENCRYPTED_AB = FIXTURES + "mvt/androidqf_encrypted/backup.ab";
export const EXPECTED_ANDROID_BACKUP = FIXTURES + "mvt/expected-mvt/android_backup";
export const FIXTURE_PASSWORD = "123456";

export async function openAb(file: string, opts: { password?: string | null; crypto?: BackupCrypto; maxEntryBytes?: number } = {}) {
  const evidence = await DirectoryEvidence.open(path.dirname(file));
  return AndroidBackup.open(evidence, path.basename(file), { keep: ANDROID_BACKUP_SOURCES, label: file, ...opts });
}

export async function scanAb(
  file: string,
  opts: { password?: string | null; crypto?: BackupCrypto; modules?: ArtifactModule<any>[]; matcher?: Matcher | null } = {},
): Promise<Collected & { backup: AndroidBackup }> {
  const backup = await openAb(file, opts);
  const sqlite = new NodeSqliteOpener();
  try {
    return { ...(await scanCollect(backup, opts.modules ?? ANDROID_BACKUP_MODULES, opts.matcher ?? null, sqlite)), backup };
  } finally {
    sqlite.dispose();
  }
}
