// `spyscope decrypt-backup SRC DEST`: a decrypted copy of an encrypted iOS backup, in the same layout
// (Manifest.db decrypted, every file at <fileID[0:2]>/<fileID>, Manifest.plist marked IsEncrypted = false
// without its ManifestKey), plus decrypt-hashes.csv: the SHA-256 of every source file read and every file
// written. Files stream through decryption one at a time; the source is never written to.

import { createHash } from "node:crypto";
import { createWriteStream, existsSync, mkdirSync, readdirSync, rmSync, type WriteStream } from "node:fs";
import { isInside, realPathOf } from "./paths.js";
import { once } from "node:events";
import path from "node:path";
import { writeBinaryPlist, type PlistWritable } from "../core/formats/bplist-writer.js";
import { IosBackup } from "../core/formats/ios-backup.js";
import { parsePlist } from "../core/formats/plist.js";
import type { Evidence } from "../core/evidence/evidence.js";
import { nodeBackupCrypto } from "./backup-crypto.js";
import { BackupKeySource, type BackupKeyInput } from "./backup-key.js";
import { DirectoryEvidence } from "./evidence-dir.js";
import { NodeSqliteOpener } from "./sqlite.js";
import { errorText } from "../core/util/errors.js";

export const HASH_LIST = "decrypt-hashes.csv";
const ROOT_PLISTS = ["Info.plist", "Status.plist"];

export interface DecryptBackupOptions {
  source: string;
  dest: string;
  key?: BackupKeyInput;
  onProgress?: (done: number) => void;
}

export interface DecryptBackupResult {
  dest: string;
  /** Files decrypted (backup files, not counting Manifest.db and the root plists). */
  files: number;
  bytes: number;
  /** Files Manifest.db lists that are not in the source folder. */
  missing: string[];
  /** Files that could not be decrypted, with the reason (also in the hash list). */
  failed: { path: string; reason: string }[];
  hashList: string;
  keySource: string | null;
  ms: number;
}

function csvField(v: string | number): string {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

async function writeChunks(chunks: AsyncIterable<Uint8Array>, file: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash("sha256");
  let bytes = 0;
  const out: WriteStream = createWriteStream(file, { flags: "wx" });
  const closed = once(out, "close");
  try {
    for await (const c of chunks) {
      hash.update(c);
      bytes += c.length;
      if (!out.write(c)) await once(out, "drain");
    }
  } finally {
    out.end();
    await closed;
  }
  return { sha256: hash.digest("hex"), bytes };
}

async function* once1(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield bytes;
}

export async function decryptBackup(opts: DecryptBackupOptions): Promise<DecryptBackupResult> {
  const t0 = performance.now();
  const evidence = await DirectoryEvidence.open(opts.source);
  const src = evidence.label;
  const dest = path.resolve(opts.dest);
  if (existsSync(dest) && readdirSync(dest).length) throw new Error(`${dest} exists and is not empty; choose an empty or new folder`);
  const real = realPathOf(dest);
  if (isInside(src, real) || isInside(real, src)) {
    throw new Error(`the destination ${dest} and the backup ${src} overlap; choose a folder outside the evidence`);
  }

  const sqlite = new NodeSqliteOpener();
  const keys = new BackupKeySource(opts.key ?? {}, src);
  let backup: IosBackup | null = null;
  try {
    backup = await IosBackup.open(evidence, sqlite, { unlock: keys.unlock, crypto: nodeBackupCrypto });
    if (!backup.encryption) throw new Error(`${src} is not an encrypted backup (Manifest.plist IsEncrypted is not true): nothing to decrypt`);
    const db = backup.manifest(); // throws with the reason when Manifest.db could not be decrypted/opened
    keys.saveIfAsked(backup);
    mkdirSync(dest, { recursive: true });

    const plain: Evidence = backup.evidence;
    const hashes = evidence.hashes();
    const list = createWriteStream(path.join(dest, HASH_LIST), { flags: "wx" });
    const listClosed = once(list, "close");
    const line = (fields: (string | number)[]) => list.write(fields.map(csvField).join(",") + "\n");
    line(["path", "domain", "relative_path", "source_bytes", "source_sha256", "written_bytes", "written_sha256", "note"]);

    const result: DecryptBackupResult = {
      dest,
      files: 0,
      bytes: 0,
      missing: [],
      failed: [],
      hashList: path.join(dest, HASH_LIST),
      keySource: keys.source,
      ms: 0,
    };
    const copy = async (rel: string, chunks: AsyncIterable<Uint8Array>, meta: [string, string], note = "") => {
      const st = await evidence.stat(rel);
      const w = await writeChunks(chunks, path.join(dest, rel));
      line([rel, meta[0], meta[1], st?.size ?? "", hashes.get(rel) ?? "", w.bytes, w.sha256, note]);
      return w;
    };

    try {
      await copy("Manifest.db", plain.stream("Manifest.db"), ["", ""], "decrypted with the ManifestKey");
      const manifestPlist = { ...(backup.manifestPlist ?? {}) } as Record<string, PlistWritable>;
      manifestPlist.IsEncrypted = false;
      delete manifestPlist.ManifestKey;
      await copy("Manifest.plist", once1(writeBinaryPlist(manifestPlist)), ["", ""], "IsEncrypted set to false, ManifestKey removed");
      for (const name of ROOT_PLISTS) {
        if (await evidence.stat(name)) await copy(name, evidence.stream(name), ["", ""], "copied");
      }

      // Page through the Files table: the per-file key look-ups query the same connection.
      let after = "";
      for (;;) {
        const page = db.all("SELECT fileID, domain, relativePath FROM Files WHERE flags = 1 AND fileID > ? ORDER BY fileID LIMIT 500", [after]);
        if (!page.length) break;
        for (const row of page) {
          const id = String(row.fileID);
          const meta: [string, string] = [String(row.domain ?? ""), String(row.relativePath ?? "")];
          after = id;
          const rel = (await evidence.stat(`${id.slice(0, 2)}/${id}`)) ? `${id.slice(0, 2)}/${id}` : (await evidence.stat(id)) ? id : null;
          if (!rel) {
            result.missing.push(`${id.slice(0, 2)}/${id}`);
            line([`${id.slice(0, 2)}/${id}`, meta[0], meta[1], "", "", "", "", "listed in Manifest.db but missing from the backup"]);
            continue;
          }
          if (rel.includes("/")) mkdirSync(path.join(dest, path.dirname(rel)), { recursive: true });
          try {
            const w = await copy(rel, plain.stream(rel), meta);
            result.files++;
            result.bytes += w.bytes;
          } catch (e) {
            const reason = errorText(e);
            result.failed.push({ path: rel, reason });
            rmSync(path.join(dest, rel), { force: true }); // no half-decrypted file in the copy
            line([rel, meta[0], meta[1], "", hashes.get(rel) ?? "", "", "", `NOT DECRYPTED: ${reason}`]);
          }
          opts.onProgress?.(result.files);
        }
      }
    } finally {
      list.end();
      await listClosed;
    }
    result.ms = performance.now() - t0;
    return result;
  } finally {
    backup?.close();
    sqlite.dispose();
  }
}
