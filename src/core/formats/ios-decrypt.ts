// Decryption of an encrypted iOS backup as it is read: every file is AES-256-CBC with a zero IV under its own
// key (wrapped in its Manifest.db record), Manifest.db under the ManifestKey. Files are decrypted chunk by
// chunk on the Evidence read/stream path, so no decrypted copy of the backup is ever made and memory stays
// bounded by the chunk size.

import { DEFAULT_MAX_READ, EvidenceError, type Evidence, type EvidenceStat } from "../evidence/evidence.js";
import { AES_BLOCK, type BackupCrypto, type CbcDecryptor } from "./backup-crypto.js";
import type { UnlockedKeybag } from "./ios-keybag.js";
import { unarchive } from "./nskeyedarchiver.js";
import { parsePlist } from "./plist.js";
import { concatBytes } from "../util/bytes.js";
import { errorText } from "../util/errors.js";

/** What decryption needs from a file's MBFile record. */
export interface EncryptedFileRecord {
  /** Plaintext size (MBFile Size), or null when unknown. */
  size: number | null;
  /** 4-byte little-endian protection class + RFC 3394 wrapped key; null for a file stored without a key. */
  encryptionKey: Uint8Array | null;
}

/** The record of one file id, e.g. from Manifest.db; null when the id is not listed. */
export type FileRecordLookup = (fileId: string) => EncryptedFileRecord | null;

/** Size and EncryptionKey of an NSKeyedArchiver MBFile blob (Manifest.db `file` column). */
export function encryptedFileRecord(blob: Uint8Array): EncryptedFileRecord {
  const f = unarchive(parsePlist(blob)) as Record<string, unknown> | null;
  if (!f || typeof f !== "object") throw new Error("MBFile record is not an object");
  const size = typeof f.Size === "number" ? f.Size : typeof f.Size === "bigint" ? Number(f.Size) : null;
  const key = f.EncryptionKey instanceof Uint8Array ? f.EncryptionKey : null;
  return { size: size !== null && size >= 0 ? size : null, encryptionKey: key };
}

/** Remove PKCS#7 padding when the tail is valid padding; otherwise return the block unchanged. */
function stripPkcs7(block: Uint8Array): Uint8Array {
  const n = block[block.length - 1];
  if (n < 1 || n > AES_BLOCK || n > block.length) return block;
  for (let i = block.length - n; i < block.length; i++) if (block[i] !== n) return block;
  return block.subarray(0, block.length - n);
}

/**
 * Decrypt a stream of AES-CBC ciphertext chunks. With a recorded `size` the plaintext is cut there (the rest
 * is padding); without one, valid PKCS#7 padding is removed from the end. Throws on ciphertext that is not
 * whole blocks (a truncated file) or that decrypts to fewer bytes than recorded.
 */
export async function* decryptCbcStream(
  chunks: AsyncIterable<Uint8Array>,
  decryptor: CbcDecryptor,
  size: number | null,
  label: string,
): AsyncIterable<Uint8Array> {
  let carry: Uint8Array = new Uint8Array(0);
  let emitted = 0;
  let total = 0;
  let held: Uint8Array | null = null; // last plaintext block, kept back for padding removal when size is unknown
  for await (const chunk of chunks) {
    total += chunk.length;
    let data = chunk;
    if (carry.length) {
      data = new Uint8Array(carry.length + chunk.length);
      data.set(carry);
      data.set(chunk, carry.length);
    }
    const whole = data.length - (data.length % AES_BLOCK);
    carry = data.slice(whole);
    if (whole === 0) continue;
    if (size !== null) {
      if (emitted >= size) continue; // only padding (or junk) left: read on so the source is hashed whole
      const plain = await decryptor.update(data.subarray(0, whole));
      const take = Math.min(plain.length, size - emitted);
      emitted += take;
      yield take === plain.length ? plain : plain.subarray(0, take);
    } else {
      const plain = await decryptor.update(data.subarray(0, whole));
      if (held) yield held;
      held = plain.slice(plain.length - AES_BLOCK);
      if (plain.length > AES_BLOCK) yield plain.subarray(0, plain.length - AES_BLOCK);
    }
  }
  if (carry.length) {
    throw new EvidenceError(label, `encrypted file is ${total} bytes, not a whole number of 16-byte AES blocks (truncated or damaged)`);
  }
  if (size === null) {
    if (held) {
      const last = stripPkcs7(held);
      if (last.length) yield last;
    }
  } else if (emitted < size) {
    throw new EvidenceError(label, `decrypts to ${emitted} bytes, fewer than the ${size} bytes its Manifest.db record gives (truncated?)`);
  }
}

const FILE_ID = /^[0-9a-f]{40}$/i;

/**
 * The Evidence of an encrypted backup as the modules and SQLite openers see it: Manifest.db and every file
 * with a key in its record read back decrypted; the root plists pass through. Hashes are those of the source
 * (encrypted) bytes, as read from the underlying evidence.
 */
export class DecryptingBackupEvidence implements Evidence {
  readonly label: string;
  private lookup: FileRecordLookup | null = null;

  constructor(
    private readonly inner: Evidence,
    private readonly keys: UnlockedKeybag,
    private readonly crypto: BackupCrypto,
    private readonly manifestKey: Uint8Array,
  ) {
    this.label = inner.label;
  }

  /** Where per-file records come from: the decrypted Manifest.db, once it is open. */
  useFileRecords(lookup: FileRecordLookup): void {
    this.lookup = lookup;
  }

  /** How `path` is stored: the Manifest.db key, a file record, or null for a plain (unencrypted) file. */
  private encryption(path: string): { record: EncryptedFileRecord | null; manifest: boolean } | null {
    if (path === "Manifest.db") return { record: null, manifest: true };
    const name = path.slice(path.lastIndexOf("/") + 1);
    if (!FILE_ID.test(name) || !this.lookup) return null;
    let record: EncryptedFileRecord | null;
    try {
      record = this.lookup(name.toLowerCase());
    } catch (e) {
      throw new EvidenceError(path, `cannot read its Manifest.db record: ${errorText(e)}`);
    }
    if (!record?.encryptionKey) return null;
    return { record, manifest: false };
  }

  async stat(path: string): Promise<EvidenceStat | null> {
    const st = await this.inner.stat(path);
    if (!st || st.isDirectory) return st;
    const enc = this.encryption(path);
    if (enc?.record?.size != null) return { size: enc.record.size, isDirectory: false };
    return st;
  }

  list(dir: string): Promise<string[]> {
    return this.inner.list(dir);
  }

  async read(path: string, opts: { maxBytes?: number } = {}): Promise<Uint8Array> {
    const enc = this.encryption(path);
    if (!enc) return this.inner.read(path, opts);
    const max = opts.maxBytes ?? DEFAULT_MAX_READ;
    const st = await this.stat(path);
    if (!st) throw new EvidenceError(path, "file is missing from the evidence");
    if (st.size > max) throw new EvidenceError(path, `file is ${st.size} bytes, over the ${max}-byte limit for whole-file reads`);
    const parts: Uint8Array[] = [];
    let n = 0;
    for await (const c of this.decrypted(path, enc)) {
      parts.push(c);
      n += c.length;
    }
    return concatBytes(parts, n);
  }

  stream(path: string): AsyncIterable<Uint8Array> {
    const enc = this.encryption(path);
    return enc ? this.decrypted(path, enc) : this.inner.stream(path);
  }

  private async *decrypted(path: string, enc: { record: EncryptedFileRecord | null; manifest: boolean }): AsyncIterable<Uint8Array> {
    const key = enc.manifest ? this.manifestKey : await this.keys.unwrapClassed(enc.record!.encryptionKey!, `${path} EncryptionKey`);
    yield* decryptCbcStream(this.inner.stream(path), this.crypto.cbcDecryptor(key), enc.record?.size ?? null, path);
  }

  hashes(): Map<string, string> {
    return this.inner.hashes();
  }
}
