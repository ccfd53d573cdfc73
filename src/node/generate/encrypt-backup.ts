// The encrypted twin of a plain (e.g. generated) iOS backup, built the way iOS builds one: a BackupKeyBag
// with random class keys wrapped (RFC 3394) by the password-derived key (PBKDF2-SHA256 then PBKDF2-SHA1),
// a random key per file wrapped by its protection class key and stored in its MBFile record
// (EncryptionKey = 4-byte little-endian class + wrapped key), every file AES-256-CBC with a zero IV and
// PKCS#7 padding, and Manifest.db encrypted under the ManifestKey. For tests and benchmarks.

import { copyFileSync, createReadStream, createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createCipheriv, pbkdf2Sync, randomBytes } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import Database from "better-sqlite3";
import { makeMBFile, writeBinaryPlist, type PlistWritable } from "../../core/formats/bplist-writer.js";
import { unarchive } from "../../core/formats/nskeyedarchiver.js";
import { parsePlist } from "../../core/formats/plist.js";
import { toHex } from "../../core/formats/ios-keybag.js";

export interface EncryptBackupOptions {
  /** A plain backup folder (Manifest.db, Manifest.plist, Info.plist, Status.plist, xx/<fileID>). */
  source: string;
  /** The encrypted twin to write (must be absent or empty). */
  dest: string;
  password: string;
  /** ITER, the PBKDF2-SHA1 count (iOS: 10,000). */
  iterations?: number;
  /** DPIC, the PBKDF2-SHA256 count (iOS 10.2+: 10,000,000). Small values make tests fast. */
  dpIterations?: number;
}

export interface EncryptBackupResult {
  dest: string;
  /** Files encrypted (Manifest.db not counted). */
  files: number;
  /** The password-derived key (what a --key-file saves). */
  derivedKey: Uint8Array;
  keybagUuid: string;
  ms: number;
}

const RFC3394_IV = Buffer.from("A6A6A6A6A6A6A6A6", "hex");
const ZERO_IV = Buffer.alloc(16);
/** The protection classes an iOS backup keybag carries keys for. */
const CLASSES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const MANIFEST_CLASS = 4;
const DEFAULT_FILE_CLASS = 3;

function aesWrap(kek: Uint8Array, key: Uint8Array): Buffer {
  const c = createCipheriv("id-aes256-wrap", kek, RFC3394_IV);
  return Buffer.concat([c.update(key), c.final()]);
}

function u32be(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

function u32le(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}

function tlv(tag: string, value: Buffer): Buffer {
  return Buffer.concat([Buffer.from(tag, "latin1"), u32be(value.length), value]);
}

export interface GeneratedKeybag {
  bytes: Buffer;
  uuid: Buffer;
  /** The password-derived key that wraps the class keys. */
  derivedKey: Buffer;
  classKeys: Map<number, Buffer>;
}

/** A backup keybag (TYPE 1) with random class keys wrapped by the key derived from `password`. */
export function generateKeybag(password: string, iterations = 10_000, dpIterations = 10_000_000): GeneratedKeybag {
  const salt = randomBytes(20);
  const dpsl = randomBytes(20);
  const derivedKey = pbkdf2Sync(pbkdf2Sync(password, dpsl, dpIterations, 32, "sha256"), salt, iterations, 32, "sha1");
  const classKeys = new Map(CLASSES.map((c) => [c, randomBytes(32)]));
  const uuid = randomBytes(16);
  const parts = [
    tlv("VERS", u32be(3)),
    tlv("TYPE", u32be(1)),
    tlv("UUID", uuid),
    tlv("HMCK", randomBytes(40)),
    tlv("WRAP", u32be(0)),
    tlv("SALT", salt),
    tlv("ITER", u32be(iterations)),
    tlv("DPWT", u32be(1)),
    tlv("DPIC", u32be(dpIterations)),
    tlv("DPSL", dpsl),
  ];
  for (const [cls, key] of classKeys) {
    parts.push(tlv("UUID", randomBytes(16)), tlv("CLAS", u32be(cls)), tlv("WRAP", u32be(2)), tlv("KTYP", u32be(0)), tlv("WPKY", aesWrap(derivedKey, key)));
  }
  return { bytes: Buffer.concat(parts), uuid, derivedKey, classKeys };
}

/** A key wrapped by a protection class key, as ManifestKey and MBFile EncryptionKey store it. */
export function wrapForClass(keybag: GeneratedKeybag, cls: number, key: Uint8Array): Buffer {
  const classKey = keybag.classKeys.get(cls);
  if (!classKey) throw new Error(`no class key ${cls}`);
  return Buffer.concat([u32le(cls), aesWrap(classKey, key)]);
}

/** AES-256-CBC, zero IV, PKCS#7 padding: how iOS stores each backup file. */
export async function encryptFile(from: string, to: string, key: Uint8Array): Promise<void> {
  await pipeline(createReadStream(from, { highWaterMark: 1 << 20 }), createCipheriv("aes-256-cbc", key, ZERO_IV), createWriteStream(to));
}

/** Write the encrypted twin of `source` into `dest`. */
export async function encryptBackup(opts: EncryptBackupOptions): Promise<EncryptBackupResult> {
  const t0 = performance.now();
  const source = path.resolve(opts.source);
  const dest = path.resolve(opts.dest);
  if (existsSync(dest) && readdirSync(dest).length) throw new Error(`${dest} exists and is not empty`);
  mkdirSync(dest, { recursive: true });
  const keybag = generateKeybag(opts.password, opts.iterations, opts.dpIterations);

  const work = mkdtempSync(path.join(os.tmpdir(), "spyscope-encrypt-"));
  let files = 0;
  try {
    const manifestCopy = path.join(work, "Manifest.db");
    copyFileSync(path.join(source, "Manifest.db"), manifestCopy);
    const db = new Database(manifestCopy);
    try {
      const rows = db.prepare("SELECT fileID, file FROM Files WHERE flags = 1").all() as { fileID: string; file: Buffer | null }[];
      const update = db.prepare("UPDATE Files SET file = ? WHERE fileID = ?");
      const updates: [Uint8Array, string][] = [];
      for (const row of rows) {
        const rel = path.join(row.fileID.slice(0, 2), row.fileID);
        const from = path.join(source, rel);
        if (!existsSync(from) || !row.file) continue;
        const mb = unarchive(parsePlist(row.file)) as Record<string, any>;
        const cls = Number.isInteger(mb.ProtectionClass) && keybag.classKeys.has(mb.ProtectionClass) ? mb.ProtectionClass : DEFAULT_FILE_CLASS;
        const fileKey = randomBytes(32);
        mkdirSync(path.join(dest, row.fileID.slice(0, 2)), { recursive: true });
        await encryptFile(from, path.join(dest, rel), fileKey);
        const blob = makeMBFile({
          relativePath: mb.RelativePath,
          mode: mb.Mode,
          size: mb.Size ?? statSync(from).size,
          uid: mb.UserID,
          gid: mb.GroupID,
          lastModified: mb.LastModified,
          lastStatusChange: mb.LastStatusChange,
          birth: mb.Birth,
          inode: mb.InodeNumber,
          protectionClass: cls,
          flags: mb.Flags,
          target: mb.Target,
          digest: mb.Digest,
          extendedAttributes: mb.ExtendedAttributes,
          encryptionKey: wrapForClass(keybag, cls, fileKey),
        });
        updates.push([blob, row.fileID]);
        files++;
      }
      db.transaction(() => {
        for (const [blob, id] of updates) update.run(blob, id);
      })();
    } finally {
      db.close();
    }
    const manifestKey = randomBytes(32);
    await encryptFile(manifestCopy, path.join(dest, "Manifest.db"), manifestKey);

    const plist = parsePlist(readFileSync(path.join(source, "Manifest.plist"))) as Record<string, PlistWritable>;
    plist.IsEncrypted = true;
    plist.BackupKeyBag = keybag.bytes;
    plist.ManifestKey = wrapForClass(keybag, MANIFEST_CLASS, manifestKey);
    writeFileSync(path.join(dest, "Manifest.plist"), writeBinaryPlist(plist));
    for (const name of ["Info.plist", "Status.plist"]) {
      if (existsSync(path.join(source, name))) copyFileSync(path.join(source, name), path.join(dest, name));
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return { dest, files, derivedKey: new Uint8Array(keybag.derivedKey), keybagUuid: toHex(keybag.uuid), ms: performance.now() - t0 };
}
