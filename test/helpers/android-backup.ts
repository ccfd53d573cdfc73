// Test helper: open an Android backup (.ab) and run modules over it in-process, collecting what the engine emits.

import path from "node:path";
import { scan } from "../../src/core/analysis/engine.js";
import { ANDROID_BACKUP_MODULES, ANDROID_BACKUP_SOURCES } from "../../src/core/artifacts/android/backup/index.js";
import type { ArtifactModule } from "../../src/core/artifacts/module.js";
import { AndroidBackup } from "../../src/core/formats/android-backup-acquisition.js";
import type { BackupCrypto } from "../../src/core/formats/backup-crypto.js";
import type { Matcher } from "../../src/core/types.js";
import { DirectoryEvidence } from "../../src/node/evidence-dir.js";
import { NodeSqliteOpener } from "../../src/node/sqlite.js";
import { FIXTURES, type Collected } from "./scan.js";

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
  const out: Omit<Collected, "summary" | "hashes"> = { records: new Map(), detections: [], timeline: [], urls: [], coverage: new Map() };
  const sqlite = new NodeSqliteOpener();
  try {
    const summary = await scan({
      acquisition: backup,
      modules: opts.modules ?? ANDROID_BACKUP_MODULES,
      matcher: opts.matcher ?? null,
      sqlite,
      sink: {
        record(m, r) {
          const list = out.records.get(m.id) ?? [];
          list.push(r);
          out.records.set(m.id, list);
        },
        detection: (d) => out.detections.push(d),
        timeline: (e) => out.timeline.push(e),
        url: (u) => out.urls.push(u),
        endModule: (_m, c) => void out.coverage.set(c.module, c),
      },
    });
    return { ...out, summary, hashes: backup.evidence.hashes(), backup };
  } finally {
    sqlite.dispose();
  }
}
