// `spyscope check-android-backup FILE.ab`: an Android backup (encrypted ones with --password,
// $SPYSCOPE_BACKUP_PASSWORD or a terminal prompt) → output folder + summary, on the one scan path.
// The password is only used to derive the key: never stored, logged or written to info.json.

import { promises as fs } from "node:fs";
import path from "node:path";
import { ANDROID_BACKUP_MODULES, ANDROID_BACKUP_SOURCES } from "../core/artifacts/android/backup/index.js";
import { AndroidBackup } from "../core/formats/android-backup-acquisition.js";
import { nodeBackupCrypto } from "./backup-crypto.js";
import { defaultPrompt, PASSWORD_ENV, type KeySource } from "./backup-key.js";
import { DirectoryEvidence } from "./evidence-dir.js";
import { runCheck, type CheckOptions, type CheckResult, type CheckSpec } from "./run-check.js";

export interface AndroidBackupPasswordInput {
  password?: string;
  /** Environment to read SPYSCOPE_BACKUP_PASSWORD from (default process.env). */
  env?: Record<string, string | undefined>;
  /** Ask for the password; default: a hidden prompt when stdin and stderr are terminals, else none. */
  prompt?: (() => Promise<string>) | null;
}

/** A password provider asked only for encrypted backups; `source()` says where the password came from. */
export function androidBackupPassword(input: AndroidBackupPasswordInput = {}): { get(): Promise<string | null>; source(): KeySource | null } {
  let source: KeySource | null = null;
  return {
    async get() {
      if (input.password) {
        source = "password";
        return input.password;
      }
      const fromEnv = (input.env ?? process.env)[PASSWORD_ENV];
      if (fromEnv) {
        source = "environment";
        return fromEnv;
      }
      const prompt = input.prompt === undefined ? defaultPrompt() : input.prompt;
      if (!prompt) return null;
      source = "prompt";
      return (await prompt()) || null;
    },
    source: () => source,
  };
}

export function androidBackupCheck(input: AndroidBackupPasswordInput = {}): CheckSpec {
  return {
    command: "check-android-backup",
    modules: ANDROID_BACKUP_MODULES,
    async open(target) {
      const file = path.resolve(target);
      const st = await fs.stat(file).catch(() => null);
      if (!st) throw new Error(`${file}: no such file`);
      if (!st.isFile()) throw new Error(`${file}: not a file (check-android-backup takes the .ab file itself)`);
      const evidence = await DirectoryEvidence.open(path.dirname(file));
      const password = androidBackupPassword(input);
      const backup = await AndroidBackup.open(evidence, path.basename(file), {
        keep: ANDROID_BACKUP_SOURCES,
        label: file,
        password: password.get,
        crypto: nodeBackupCrypto,
      });
      return {
        acquisition: backup,
        close() {},
        problem: backup.problem,
        info: () => ({
          ...backup.info(),
          backup_encryption: { encrypted: backup.header.encryption !== "none", key_source: password.source() },
        }),
      };
    },
  };
}

export function runCheckAndroidBackup(opts: CheckOptions, input: AndroidBackupPasswordInput = {}): Promise<CheckResult> {
  return runCheck(androidBackupCheck(input), opts);
}
