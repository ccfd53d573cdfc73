// An iTunes/Finder iOS backup folder as an Acquisition: Manifest.db maps (domain, relativePath) to
// hashed file names; Info.plist / Manifest.plist / Status.plist describe the device and the backup.

import type { Acquisition, FileRef, FileSpec } from "../artifacts/module.js";
import type { Evidence } from "../evidence/evidence.js";
import { webBackupCrypto, type BackupCrypto } from "./backup-crypto.js";
import { DecryptingBackupEvidence, encryptedFileRecord, type EncryptedFileRecord } from "./ios-decrypt.js";
import { Keybag, KeybagError } from "./ios-keybag.js";
import { parsePlist } from "./plist.js";
import type { SqliteDatabase, SqliteOpener } from "./sqlite.js";
import { errorText } from "../util/errors.js";

export class EncryptedBackupError extends Error {
  override name = "EncryptedBackupError";
  constructor(label: string, detail = "no password or key was given to decrypt it") {
    super(`${label} is an encrypted iOS backup (Manifest.plist IsEncrypted = true): ${detail}.`);
  }
}

export class NotABackupError extends Error {
  override name = "NotABackupError";
}

/** Gives the derived key of an encrypted backup's keybag: from a password (the slow PBKDF2), or a saved key. */
export type BackupUnlock = (keybag: Keybag, crypto: BackupCrypto) => Promise<Uint8Array>;

/** Unlock with the backup password. */
export function passwordUnlock(password: string | Uint8Array): BackupUnlock {
  return (keybag, crypto) => keybag.deriveKey(password, crypto);
}

export interface IosBackupOptions {
  /** Allow opening an encrypted backup's unencrypted metadata without a key (for info only). */
  allowEncrypted?: boolean;
  /** How to get the key of an encrypted backup; called only when the backup is encrypted. */
  unlock?: BackupUnlock;
  /** Cryptography for encrypted backups (default: WebCrypto). */
  crypto?: BackupCrypto;
}

/** An encrypted backup that was opened: its keybag and the derived key (e.g. to save as a key file). */
export interface BackupEncryption {
  keybag: Keybag;
  derivedKey: Uint8Array;
}

function manifestPlistBytes(plist: Record<string, unknown>, key: string, label: string): Uint8Array {
  const v = plist[key];
  if (!(v instanceof Uint8Array) || v.length === 0) throw new EncryptedBackupError(label, `its Manifest.plist has no ${key}, so it cannot be decrypted`);
  return v;
}

export class IosBackup implements Acquisition {
  readonly kind = "ios-backup";
  readonly platform = "ios" as const;
  private manifestDb: SqliteDatabase | null = null;
  private manifestError: string | null = null;

  private constructor(
    readonly evidence: Evidence,
    private sqlite: SqliteOpener,
    readonly manifestPlist: Record<string, unknown> | null,
    readonly encryption: BackupEncryption | null,
  ) {}

  static async open(evidence: Evidence, sqlite: SqliteOpener, opts: IosBackupOptions = {}): Promise<IosBackup> {
    const [manifestDb, infoPlist, manifestPlistStat] = await Promise.all([
      evidence.stat("Manifest.db"),
      evidence.stat("Info.plist"),
      evidence.stat("Manifest.plist"),
    ]);
    if (!manifestDb && !infoPlist && !manifestPlistStat) {
      throw new NotABackupError(
        `${evidence.label} does not look like an iOS backup folder: no Manifest.db, Manifest.plist or Info.plist in it.`,
      );
    }
    let manifestPlist: Record<string, unknown> | null = null;
    if (manifestPlistStat) {
      try {
        const v = parsePlist(await evidence.read("Manifest.plist"));
        if (v && typeof v === "object" && !Array.isArray(v)) manifestPlist = v as Record<string, unknown>;
      } catch {
        manifestPlist = null; // reported by backup_info as a coverage gap
      }
    }
    let readable: Evidence = evidence;
    let encryption: BackupEncryption | null = null;
    if (manifestPlist?.IsEncrypted === true && (opts.unlock || !opts.allowEncrypted)) {
      if (!opts.unlock) throw new EncryptedBackupError(evidence.label);
      const crypto = opts.crypto ?? webBackupCrypto();
      let keybag: Keybag;
      try {
        keybag = Keybag.parse(manifestPlistBytes(manifestPlist, "BackupKeyBag", evidence.label));
      } catch (e) {
        if (e instanceof KeybagError) throw new EncryptedBackupError(evidence.label, `its keybag is unusable: ${e.message}`);
        throw e;
      }
      const derivedKey = await opts.unlock(keybag, crypto);
      const unlocked = await keybag.unlock(derivedKey, crypto);
      const manifestKey = await unlocked.unwrapClassed(manifestPlistBytes(manifestPlist, "ManifestKey", evidence.label), "Manifest.plist ManifestKey");
      readable = new DecryptingBackupEvidence(evidence, unlocked, crypto, manifestKey);
      encryption = { keybag, derivedKey };
    }
    const backup = new IosBackup(readable, sqlite, manifestPlist, encryption);
    if (manifestDb) {
      try {
        const db = await sqlite.open(readable, "Manifest.db");
        if (!db.tables().has("files")) {
          db.close();
          throw new Error("Manifest.db has no Files table (empty or not a backup manifest)");
        }
        backup.manifestDb = db;
        if (readable instanceof DecryptingBackupEvidence) readable.useFileRecords((id) => fileRecord(db, id));
      } catch (e) {
        backup.manifestError = errorText(e);
      }
    } else {
      backup.manifestError = "Manifest.db is missing from the backup";
    }
    return backup;
  }

  /** The open Manifest.db, or an error naming why it cannot be used. */
  manifest(): SqliteDatabase {
    if (!this.manifestDb) throw new Error(`cannot resolve backup files: ${this.manifestError}`);
    return this.manifestDb;
  }

  get manifestProblem(): string | null {
    return this.manifestError;
  }

  async *find(spec: FileSpec): AsyncIterable<FileRef> {
    if (spec.rootPath !== undefined) {
      if (await this.evidence.stat(spec.rootPath)) yield { path: spec.rootPath };
      return;
    }
    // A spec with nothing a backup can resolve (only a filesystem-dump path) finds nothing here, not every file.
    if (spec.domain === undefined && spec.domainLike === undefined && spec.path === undefined && spec.pathLike === undefined) return;
    const db = this.manifest();
    const where: string[] = ["flags = 1"];
    const params: string[] = [];
    if (spec.domain !== undefined) {
      where.push("domain = ?");
      params.push(spec.domain);
    }
    if (spec.domainLike !== undefined) {
      where.push("domain LIKE ?");
      params.push(spec.domainLike);
    }
    if (spec.path !== undefined) {
      where.push("relativePath = ?");
      params.push(spec.path);
    }
    if (spec.pathLike !== undefined) {
      where.push("relativePath LIKE ?");
      params.push(spec.pathLike);
    }
    const rows = db.all(`SELECT fileID, domain, relativePath FROM Files WHERE ${where.join(" AND ")} ORDER BY domain, relativePath`, params);
    for (const row of rows) {
      const fileId = String(row.fileID);
      yield {
        path: await this.locate(fileId),
        fileId,
        domain: String(row.domain),
        relativePath: String(row.relativePath),
      };
    }
  }

  /** Modern backups store files as xx/xxxx…; iOS 9 and older flat. */
  private async locate(fileId: string): Promise<string> {
    const nested = `${fileId.slice(0, 2)}/${fileId}`;
    if (await this.evidence.stat(nested)) return nested;
    if (await this.evidence.stat(fileId)) return fileId;
    return nested;
  }

  get encrypted(): boolean {
    return this.encryption !== null;
  }

  close(): void {
    this.manifestDb?.close();
    this.manifestDb = null;
  }
}

function fileRecord(db: SqliteDatabase, fileId: string): EncryptedFileRecord | null {
  const row = db.all("SELECT file FROM Files WHERE fileID = ?", [fileId])[0];
  if (!row) return null;
  if (!(row.file instanceof Uint8Array) || row.file.length === 0) return { size: null, encryptionKey: null };
  return encryptedFileRecord(row.file);
}
