// The options every command that opens an encrypted iOS backup takes (check-backup, decrypt-backup).

import type { Command } from "commander";
import { PASSWORD_ENV, type BackupKeyInput } from "../node/backup-key.js";

export function addBackupKeyOptions(cmd: Command): void {
  cmd
    .option("--password <password>", `password of an encrypted backup (visible to other users of this machine: prefer $${PASSWORD_ENV} or the prompt)`)
    .option("--key-file <file>", "derived key of an encrypted backup: read it if the file exists, else derive it from the password once and save it there (as sensitive as the password)");
}

export function backupKeyInput(o: Record<string, any>): BackupKeyInput {
  return { password: typeof o.password === "string" ? o.password : undefined, keyFile: typeof o.keyFile === "string" ? o.keyFile : undefined };
}
