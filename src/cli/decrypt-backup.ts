// `spyscope decrypt-backup SRC DEST`: write a decrypted copy of an encrypted iOS backup, with a hash list.

import type { Command } from "commander";
import { decryptBackup } from "../node/decrypt-backup.js";
import { EXIT } from "../node/run-check.js";
import { addBackupKeyOptions, backupKeyInput } from "./backup-key-options.js";
import { fail } from "./check-command.js";

export function addDecryptBackupCommand(program: Command): Command {
  const cmd = program
    .command("decrypt-backup")
    .description("Write a decrypted copy of an encrypted iOS backup (same layout) with the SHA-256 of every file read and written.")
    .argument("<backup>", "encrypted iOS backup folder")
    .argument("<dest>", "new or empty folder for the decrypted copy (outside the evidence)")
    .option("--json", "print the result as JSON on stdout");
  addBackupKeyOptions(cmd);
  cmd.action(async (src: string, dest: string, o: Record<string, any>) => {
    try {
      const r = await decryptBackup({ source: src, dest, key: backupKeyInput(o) });
      if (o.json) process.stdout.write(JSON.stringify(r, null, 2) + "\n");
      process.stderr.write(
        `decrypted ${r.files} files (${(r.bytes / 1e6).toFixed(1)} MB) into ${r.dest} in ${(r.ms / 1000).toFixed(1)} s; hashes in ${r.hashList}\n`,
      );
      if (r.missing.length) process.stderr.write(`warning: ${r.missing.length} files listed in Manifest.db are missing from the backup (see the hash list)\n`);
      for (const f of r.failed) process.stderr.write(`error: ${f.path} not decrypted: ${f.reason}\n`);
      process.exitCode = r.failed.length ? EXIT.ERROR : 0;
    } catch (e) {
      fail(e);
    }
  });
  return cmd;
}
