// An iTunes/Finder iOS backup folder as an Acquisition: Manifest.db maps (domain, relativePath) to
// hashed file names; Info.plist / Manifest.plist / Status.plist describe the device and the backup.

import type { Acquisition, FileRef, FileSpec } from "../artifacts/module.js";
import type { Evidence } from "../evidence/evidence.js";
import { parsePlist } from "./plist.js";
import type { SqliteDatabase, SqliteOpener } from "./sqlite.js";

export class EncryptedBackupError extends Error {
  override name = "EncryptedBackupError";
  constructor(label: string) {
    super(
      `${label} is an encrypted iOS backup (Manifest.plist IsEncrypted = true). ` +
        `Decryption is not supported yet: decrypt it first (e.g. with mvt-ios decrypt-backup) and scan the decrypted folder.`,
    );
  }
}

export class NotABackupError extends Error {
  override name = "NotABackupError";
}

export interface IosBackupOptions {
  /** Allow opening an encrypted backup's unencrypted metadata (for info only). */
  allowEncrypted?: boolean;
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
    if (manifestPlist?.IsEncrypted === true && !opts.allowEncrypted) throw new EncryptedBackupError(evidence.label);
    const backup = new IosBackup(evidence, sqlite, manifestPlist);
    if (manifestDb) {
      try {
        const db = await sqlite.open(evidence, "Manifest.db");
        if (!db.tables().has("files")) {
          db.close();
          throw new Error("Manifest.db has no Files table (empty or not a backup manifest)");
        }
        backup.manifestDb = db;
      } catch (e) {
        backup.manifestError = e instanceof Error ? e.message : String(e);
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

  close(): void {
    this.manifestDb?.close();
    this.manifestDb = null;
  }
}
