// Streaming AES-256-CBC decryption of backup files: recorded size, PKCS#7 padding, any chunking, truncation.

import { createCipheriv, randomBytes } from "node:crypto";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { webBackupCrypto } from "../../src/core/formats/backup-crypto.js";
import { decryptCbcStream, encryptedFileRecord } from "../../src/core/formats/ios-decrypt.js";
import { unarchive } from "../../src/core/formats/nskeyedarchiver.js";
import { parsePlist } from "../../src/core/formats/plist.js";
import { nodeBackupCrypto } from "../../src/node/backup-crypto.js";
import { IOS_BACKUP } from "../helpers/scan.js";

const ZERO_IV = Buffer.alloc(16);

function encrypt(key: Buffer, plain: Buffer, padding = true): Buffer {
  const c = createCipheriv("aes-256-cbc", key, ZERO_IV);
  c.setAutoPadding(padding);
  return Buffer.concat([c.update(plain), c.final()]);
}

async function* chunked(b: Buffer, sizes: number[]): AsyncIterable<Uint8Array> {
  let at = 0;
  for (let i = 0; at < b.length; i++) {
    const n = sizes[i % sizes.length];
    yield b.subarray(at, at + n);
    at += n;
  }
}

async function collect(it: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of it) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
}

describe.each([["WebCrypto", webBackupCrypto()], ["node:crypto", nodeBackupCrypto]] as const)("decryptCbcStream (%s)", (_n, crypto) => {
  const key = randomBytes(32);

  it.each([0, 1, 15, 16, 17, 4096, 100_003])("gives back %i bytes exactly, by recorded size and by padding, in any chunking", async (n) => {
    const plain = randomBytes(n);
    const cipher = encrypt(key, plain);
    expect(cipher.length).toBe((Math.floor(n / 16) + 1) * 16);
    for (const sizes of n < 5000 ? [[cipher.length], [1], [7, 33], [16]] : [[cipher.length], [7, 33], [65536]]) {
      const bySize = await collect(decryptCbcStream(chunked(cipher, sizes), crypto.cbcDecryptor(key), n, "f"));
      expect(bySize.equals(plain)).toBe(true);
      const byPadding = await collect(decryptCbcStream(chunked(cipher, sizes), crypto.cbcDecryptor(key), null, "f"));
      expect(byPadding.equals(plain)).toBe(true);
    }
  });

  it("keeps an unpadded tail when the size is unknown and the last block is not PKCS#7 padding", async () => {
    const plain = Buffer.concat([randomBytes(31), Buffer.from([0x00])]);
    const cipher = encrypt(key, plain, false);
    const out = await collect(decryptCbcStream(chunked(cipher, [5]), crypto.cbcDecryptor(key), null, "f"));
    expect(out.equals(plain)).toBe(true);
  });

  it("names a truncated file (not whole blocks) and a file shorter than its recorded size", async () => {
    const cipher = encrypt(key, randomBytes(100));
    await expect(collect(decryptCbcStream(chunked(cipher.subarray(0, 100), [64]), crypto.cbcDecryptor(key), 100, "ab/abcd"))).rejects.toThrow(
      /ab\/abcd: encrypted file is 100 bytes, not a whole number of 16-byte AES blocks/,
    );
    await expect(collect(decryptCbcStream(chunked(cipher.subarray(0, 64), [64]), crypto.cbcDecryptor(key), 100, "ab/abcd"))).rejects.toThrow(
      /decrypts to 64 bytes, fewer than the 100 bytes/,
    );
  });
});

describe("encryptedFileRecord on the real MBFile records of MVT's fixture (decrypted from an encrypted backup)", () => {
  it("reads Size and EncryptionKey = 4-byte little-endian protection class + 40-byte wrapped key", () => {
    // A private copy: opening the evidence in place would let SQLite create -wal/-shm beside it.
    const tmp = mkdtempSync(path.join(os.tmpdir(), "spyscope-mbfile-"));
    copyFileSync(path.join(IOS_BACKUP, "Manifest.db"), path.join(tmp, "Manifest.db"));
    const db = new Database(path.join(tmp, "Manifest.db"), { readonly: true });
    const rows = db.prepare("SELECT fileID, file FROM Files WHERE flags = 1").all() as { fileID: string; file: Buffer }[];
    db.close();
    rmSync(tmp, { recursive: true, force: true });
    let keyed = 0;
    for (const row of rows) {
      const rec = encryptedFileRecord(row.file);
      const mb = unarchive(parsePlist(row.file)) as Record<string, unknown>;
      expect(rec.size, row.fileID).toBe(mb.Size);
      if (!rec.encryptionKey) continue;
      keyed++;
      expect(rec.encryptionKey.length, row.fileID).toBe(44);
      expect(Buffer.from(rec.encryptionKey).readUInt32LE(0), row.fileID).toBe(mb.ProtectionClass);
    }
    expect(keyed).toBeGreaterThan(100);
  });
});
