// Where the key of an encrypted iOS backup comes from on the command line: a saved key file (--key-file),
// --password, $SPYSCOPE_BACKUP_PASSWORD, or a prompt on a terminal — in that order. The password is never
// stored, logged or written to info.json; a key file is written only after the key has opened the backup.

import { closeSync, existsSync, openSync, readFileSync, realpathSync, writeSync } from "node:fs";
import { isInside } from "./paths.js";
import path from "node:path";
import type { BackupUnlock, IosBackup } from "../core/formats/ios-backup.js";
import { EncryptedBackupError } from "../core/formats/ios-backup.js";
import { derivedKeyFile, fromHex, keyFromKeyFile, KeybagError } from "../core/formats/ios-keybag.js";
import { errorText } from "../core/util/errors.js";

export const PASSWORD_ENV = "SPYSCOPE_BACKUP_PASSWORD";

export interface BackupKeyInput {
  password?: string;
  /** Read the derived key from this file if it exists; otherwise derive it and save it here. */
  keyFile?: string;
  /** Environment to read SPYSCOPE_BACKUP_PASSWORD from (default process.env). */
  env?: Record<string, string | undefined>;
  /** Ask for the password; default: a hidden prompt when stdin and stderr are terminals, else none. */
  prompt?: (() => Promise<string>) | null;
  /** The derived key itself, in memory (a worker thread reopening a backup the main thread unlocked). */
  derivedKey?: Uint8Array;
}

export type KeySource = "key-file" | "password" | "environment" | "prompt";

/** The key source of one open: gives IosBackup its unlock callback, then saves the key file if asked. */
export class BackupKeySource {
  source: KeySource | null = null;
  private derivedToSave = false;
  private savedTo: string | null = null;

  constructor(
    private readonly input: BackupKeyInput,
    private readonly evidenceRoot: string,
  ) {}

  readonly unlock: BackupUnlock = async (keybag, crypto) => {
    const { keyFile, derivedKey } = this.input;
    if (derivedKey) return derivedKey;
    if (keyFile && existsSync(keyFile)) {
      const text = readFileSync(keyFile, "utf8");
      this.source = "key-file";
      // MVT's key file (mvt-ios extract-key): the same derived key as 64 hex digits, without the keybag check.
      if (/^\s*[0-9a-fA-F]{64}\s*$/.test(text)) return fromHex(text.trim());
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (e) {
        throw new KeybagError(`key file ${keyFile} is neither spyscope's JSON key file nor a 64-hex-digit key: ${errorText(e)}`);
      }
      try {
        return keyFromKeyFile(parsed, keybag);
      } catch (e) {
        throw new KeybagError(`key file ${keyFile}: ${errorText(e)}`);
      }
    }
    if (keyFile) assertOutside(this.evidenceRoot, keyFile);
    const password = await this.password();
    this.derivedToSave = Boolean(keyFile);
    if (this.source === "prompt") {
      const n = (keybag.header.dpIterations ?? 0) + keybag.header.iterations;
      process.stderr.write(`Deriving the backup key (PBKDF2, ${n.toLocaleString("en-US")} iterations; --key-file saves it for next time)…\n`);
    }
    return keybag.deriveKey(password, crypto);
  };

  private async password(): Promise<string> {
    const env = this.input.env ?? process.env;
    if (this.input.password) {
      this.source = "password";
      return this.input.password;
    }
    const fromEnv = env[PASSWORD_ENV];
    if (fromEnv) {
      this.source = "environment";
      return fromEnv;
    }
    const prompt = this.input.prompt === undefined ? defaultPrompt() : this.input.prompt;
    if (prompt) {
      this.source = "prompt";
      const pw = await prompt();
      if (pw) return pw;
    }
    throw new EncryptedBackupError(
      this.evidenceRoot,
      `give its password with --password, the ${PASSWORD_ENV} environment variable or a prompt on a terminal, or a saved key with --key-file`,
    );
  }

  /** After a successful open: write the derived key file if one was asked for and did not exist. */
  saveIfAsked(backup: IosBackup): void {
    const keyFile = this.input.keyFile;
    if (!keyFile || !this.derivedToSave || !backup.encryption) return;
    const json = JSON.stringify(derivedKeyFile(backup.encryption.keybag, backup.encryption.derivedKey), null, 2) + "\n";
    const fd = openSync(keyFile, "wx", 0o600); // never overwrite: an existing file was read instead
    try {
      writeSync(fd, json);
    } finally {
      closeSync(fd);
    }
    this.savedTo = path.resolve(keyFile);
  }

  /** For info.json: how the backup was decrypted (never the password or the key). */
  info(backup: IosBackup): Record<string, unknown> {
    if (!backup.encryption) return { backup_encryption: { encrypted: false } };
    return {
      backup_encryption: {
        encrypted: true,
        keybag_uuid: backup.encryption.keybag.uuidHex,
        key_source: this.source,
        key_file: this.input.keyFile ? path.resolve(this.input.keyFile) : null,
        key_file_written: this.savedTo !== null,
      },
    };
  }
}

function assertOutside(evidenceRoot: string, file: string): void {
  let ev: string;
  try {
    ev = realpathSync(evidenceRoot);
  } catch {
    return;
  }
  let dir: string;
  try {
    dir = realpathSync(path.dirname(path.resolve(file)));
  } catch {
    throw new Error(`cannot save the key file ${file}: its folder does not exist`);
  }
  if (isInside(ev, dir)) {
    throw new Error(`the key file ${file} would be written inside the evidence ${ev}; choose a path outside it (evidence is never written to)`);
  }
}

/** A hidden password prompt on the terminal, or null when there is no terminal to ask on. */
export function defaultPrompt(): (() => Promise<string>) | null {
  if (!process.stdin.isTTY || !process.stderr.isTTY) return null;
  return () => promptHidden("Backup password (not shown): ");
}

function promptHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    let answer = "";
    process.stderr.write(question);
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding("utf8");
    const done = (err: Error | null) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.removeListener("data", onData);
      process.stderr.write("\n");
      if (err) reject(err);
      else resolve(answer);
    };
    const onData = (s: string) => {
      for (const ch of s) {
        if (ch === "\r" || ch === "\n" || ch === "\u0004") return done(null);
        if (ch === "\u0003") return done(new Error("password prompt interrupted"));
        if (ch === "\u007f" || ch === "\b") answer = answer.slice(0, -1);
        else answer += ch;
      }
    };
    stdin.on("data", onData);
  });
}
