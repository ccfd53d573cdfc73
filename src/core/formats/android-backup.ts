// Android backups (`adb backup`, androidqf's backup.ab), streamed in one pass:
//   "ANDROID BACKUP\n" version "\n" compressed "\n" encryption "\n"
//   [AES-256: user salt, checksum salt, PBKDF2 rounds, user IV, master key blob — hex lines]
//   then the payload: [AES-256-CBC with the master key] → [zlib] → tar.
// The whole backup is never held in memory: every layer is an async iterator of chunks.

import { Unzlib } from "fflate";
import { AES_BLOCK, webBackupCrypto, type BackupCrypto, type CbcDecryptor } from "./backup-crypto.js";
import { concatBytes } from "../util/bytes.js";
import { errorText } from "../util/errors.js";

export class AndroidBackupError extends Error {
  override name = "AndroidBackupError";
}

export class PasswordRequiredError extends AndroidBackupError {
  override name = "PasswordRequiredError";
}

export class WrongPasswordError extends AndroidBackupError {
  override name = "WrongPasswordError";
}

export interface AbCryptoParams {
  userSalt: Uint8Array;
  checksumSalt: Uint8Array;
  rounds: number;
  userIv: Uint8Array;
  masterKeyBlob: Uint8Array;
}

export interface AbHeader {
  version: number;
  compressed: boolean;
  encryption: "none" | "AES-256";
  crypto: AbCryptoParams | null;
}

export const AB_MAGIC = "ANDROID BACKUP";
const MAX_HEADER_LINE = 4096;
/** Android uses 10,000 rounds; a hostile header must not make us spin for hours. */
export const MAX_PBKDF2_ROUNDS = 5_000_000;
/** Input slice fed to the inflater at a time: bounds what one push can expand to (~1000× for deflate). */
const INFLATE_SLICE = 64 * 1024;

/** Reads lines off the front of a chunk stream, then hands back the rest of the stream untouched. */
class LineReader {
  private buf: Uint8Array = new Uint8Array(0);
  private done = false;
  constructor(private it: AsyncIterator<Uint8Array>) {}

  async line(what: string): Promise<string> {
    for (;;) {
      const nl = this.buf.indexOf(0x0a);
      if (nl >= 0) {
        const text = new TextDecoder("latin1").decode(this.buf.subarray(0, nl));
        this.buf = this.buf.subarray(nl + 1);
        return text;
      }
      if (this.buf.length > MAX_HEADER_LINE) throw new AndroidBackupError(`header line "${what}" is longer than ${MAX_HEADER_LINE} bytes: not an Android backup header`);
      if (this.done) throw new AndroidBackupError(`the backup ends inside its header (at the ${what} line): the file is truncated`);
      const r = await this.it.next();
      if (r.done) this.done = true;
      else this.buf = this.buf.length ? concatBytes([this.buf, r.value]) : r.value;
    }
  }

  async *rest(): AsyncIterable<Uint8Array> {
    if (this.buf.length) yield this.buf;
    this.buf = new Uint8Array(0);
    if (this.done) return;
    for (;;) {
      const r = await this.it.next();
      if (r.done) return;
      yield r.value;
    }
  }
}

function hexBytes(text: string, what: string): Uint8Array {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) throw new AndroidBackupError(`the ${what} in the header is not hexadecimal`);
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** Parse the header off the front of the stream; `body` is the payload after it (still encrypted/compressed). */
export async function readAbHeader(chunks: AsyncIterable<Uint8Array>): Promise<{ header: AbHeader; body: AsyncIterable<Uint8Array> }> {
  const reader = new LineReader(chunks[Symbol.asyncIterator]());
  const magic = await reader.line("magic");
  if (magic !== AB_MAGIC) throw new AndroidBackupError(`not an Android backup: the file does not start with "${AB_MAGIC}"`);
  const versionText = await reader.line("version");
  const version = Number(versionText);
  if (!/^\d{1,3}$/.test(versionText) || version < 1) throw new AndroidBackupError(`unsupported backup format version "${versionText}"`);
  const compressedText = await reader.line("compressed");
  if (compressedText !== "0" && compressedText !== "1") throw new AndroidBackupError(`the compression flag is "${compressedText}" (expected 0 or 1)`);
  const encryption = await reader.line("encryption");
  let crypto: AbCryptoParams | null = null;
  if (encryption === "AES-256") {
    const userSalt = hexBytes(await reader.line("user password salt"), "user password salt");
    const checksumSalt = hexBytes(await reader.line("master key checksum salt"), "master key checksum salt");
    const roundsText = await reader.line("PBKDF2 rounds");
    const rounds = Number(roundsText);
    if (!/^\d+$/.test(roundsText) || rounds < 1 || rounds > MAX_PBKDF2_ROUNDS) {
      throw new AndroidBackupError(`the PBKDF2 round count "${roundsText.slice(0, 20)}" is out of range (1…${MAX_PBKDF2_ROUNDS})`);
    }
    const userIv = hexBytes(await reader.line("user key IV"), "user key IV");
    if (userIv.length !== 16) throw new AndroidBackupError(`the user key IV is ${userIv.length} bytes (expected 16)`);
    const masterKeyBlob = hexBytes(await reader.line("master key blob"), "master key blob");
    if (masterKeyBlob.length === 0 || masterKeyBlob.length % 16 !== 0) {
      throw new AndroidBackupError(`the master key blob is ${masterKeyBlob.length} bytes (expected whole 16-byte blocks)`);
    }
    crypto = { userSalt, checksumSalt, rounds, userIv, masterKeyBlob };
  } else if (encryption !== "none") {
    throw new AndroidBackupError(`unsupported backup encryption "${encryption.slice(0, 40)}" (spyscope reads "none" and "AES-256")`);
  }
  return {
    header: { version, compressed: compressedText === "1", encryption: encryption as AbHeader["encryption"], crypto },
    body: reader.rest(),
  };
}

/** AES-CBC over whole blocks with PKCS#7 padding removed at the end, for a stream of any chunk sizes:
 *  the last block is held back until final(), which checks the padding. */
export class PaddedCbcStream {
  private pending: Uint8Array = new Uint8Array(0);
  constructor(private raw: CbcDecryptor) {}

  async update(ciphertext: Uint8Array): Promise<Uint8Array> {
    const all = this.pending.length ? concatBytes([this.pending, ciphertext]) : ciphertext;
    const keep = all.length % AES_BLOCK === 0 ? Math.min(AES_BLOCK, all.length) : all.length % AES_BLOCK;
    const ready = all.length - keep;
    this.pending = all.slice(ready);
    return ready > 0 ? this.raw.update(all.subarray(0, ready)) : new Uint8Array(0);
  }

  /** Throws BadPaddingError for input that is not whole blocks or padding that is not PKCS#7. */
  async final(): Promise<Uint8Array> {
    if (this.pending.length !== AES_BLOCK) throw new BadPaddingError("the encrypted data is not a whole number of 16-byte blocks");
    const last = await this.raw.update(this.pending);
    this.pending = new Uint8Array(0);
    const n = last[AES_BLOCK - 1];
    let bad = n < 1 || n > AES_BLOCK ? 1 : 0;
    for (let i = AES_BLOCK - Math.max(1, Math.min(n, AES_BLOCK)); i < AES_BLOCK; i++) bad |= last[i] ^ n;
    if (bad) throw new BadPaddingError("bad PKCS#7 padding after decryption");
    return last.slice(0, AES_BLOCK - n);
  }
}

export class BadPaddingError extends Error {
  override name = "BadPaddingError";
}

/** Java's PBKDF2WithHmacSHA1 encodes the password chars as UTF-8; format version 1 used the
 *  "And8bit" variant, which keeps only the low byte of each char. */
function passwordBytes(password: string, version: number): Uint8Array {
  if (version > 1) return new TextEncoder().encode(password);
  const out = new Uint8Array(password.length);
  for (let i = 0; i < password.length; i++) out[i] = password.charCodeAt(i) & 0xff;
  return out;
}

/** Android's checksum quirk: the master key bytes are cast to Java chars (sign-extended, so a byte ≥ 0x80
 *  becomes U+FF80…U+FFFF) and those chars are UTF-8-encoded before PBKDF2. */
export function javaCharsAsUtf8(bytes: Uint8Array): Uint8Array {
  const out: number[] = [];
  for (const b of bytes) {
    if (b < 0x80) out.push(b);
    else out.push(0xef, 0xbc | (b >> 6), 0x80 | (b & 0x3f));
  }
  return Uint8Array.from(out);
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

const WRONG_PASSWORD = "wrong password: the backup's master key does not decrypt with it (check the password and try again)";

/** Derive the user key from the password, decrypt the master key blob and verify its checksum. */
export async function unlockMasterKey(
  params: AbCryptoParams,
  password: string,
  version: number,
  crypto: BackupCrypto = webBackupCrypto(),
): Promise<{ key: Uint8Array; iv: Uint8Array }> {
  const userKey = await crypto.pbkdf2("SHA-1", passwordBytes(password, version), params.userSalt, params.rounds, 32);
  let blob: Uint8Array;
  try {
    const d = new PaddedCbcStream(crypto.cbcDecryptor(userKey, params.userIv));
    blob = concatBytes([await d.update(params.masterKeyBlob), await d.final()]);
  } catch (e) {
    if (e instanceof BadPaddingError) throw new WrongPasswordError(WRONG_PASSWORD);
    throw e;
  }
  // [iv length][iv][key length][key][checksum length][checksum]
  let at = 0;
  const take = (): Uint8Array => {
    if (at >= blob.length) throw new WrongPasswordError(WRONG_PASSWORD);
    const n = blob[at++];
    if (at + n > blob.length) throw new WrongPasswordError(WRONG_PASSWORD);
    const part = blob.subarray(at, at + n);
    at += n;
    return part;
  };
  const iv = take();
  const key = take();
  const checksum = take();
  if (iv.length !== 16 || key.length !== 32) throw new WrongPasswordError(WRONG_PASSWORD);
  const expected = await crypto.pbkdf2("SHA-1", version > 1 ? javaCharsAsUtf8(key) : key, params.checksumSalt, params.rounds, 32);
  if (!equalBytes(expected, checksum)) throw new WrongPasswordError(WRONG_PASSWORD);
  return { key: key.slice(), iv: iv.slice() };
}

export async function* decryptChunks(chunks: AsyncIterable<Uint8Array>, decipher: PaddedCbcStream): AsyncIterable<Uint8Array> {
  for await (const c of chunks) {
    const plain = await decipher.update(c);
    if (plain.length) yield plain;
  }
  let last: Uint8Array;
  try {
    last = await decipher.final();
  } catch (e) {
    if (e instanceof BadPaddingError) throw new AndroidBackupError(`the encrypted data does not end cleanly (${e.message}): the backup is truncated or corrupted`);
    throw e;
  }
  if (last.length) yield last;
}

/** Running Adler-32 (zlib's trailer checksum); fflate does not check it. */
class Adler32 {
  private a = 1;
  private b = 0;
  update(data: Uint8Array): void {
    let { a, b } = this;
    for (let i = 0; i < data.length; ) {
      const end = Math.min(data.length, i + 5552); // largest run before a and b can overflow 2^32
      for (; i < end; i++) {
        a += data[i];
        b += a;
      }
      a %= 65521;
      b %= 65521;
    }
    this.a = a;
    this.b = b;
  }
  value(): number {
    return ((this.b << 16) | this.a) >>> 0;
  }
}

/** Streaming zlib inflate (fflate). Input is fed in small slices so that one slice cannot expand to more
 *  than a few tens of MiB at once; a stream that ends early, or whose Adler-32 trailer does not match
 *  what was inflated, is an error naming the cause. */
export async function* inflateZlibChunks(chunks: AsyncIterable<Uint8Array>, what = "backup"): AsyncIterable<Uint8Array> {
  const out: Uint8Array[] = [];
  const adler = new Adler32();
  let tail: Uint8Array = new Uint8Array(0);
  let ended = false;
  const z = new Unzlib((data, final) => {
    if (data.length) {
      adler.update(data);
      out.push(data);
    }
    if (final) ended = true;
  });
  const push = (data: Uint8Array, final: boolean) => {
    try {
      z.push(data, final);
    } catch (e) {
      const msg = errorText(e);
      throw new AndroidBackupError(
        /unexpected EOF|invalid zlib data/i.test(msg) && final
          ? `the compressed ${what} data ends early: the ${what} is truncated`
          : `the ${what} data is not valid zlib/deflate data (${msg})`,
      );
    }
  };
  for await (const c of chunks) {
    // The last four input bytes are the zlib trailer.
    tail = c.length >= 4 ? c.slice(c.length - 4) : concatBytes([tail, c]).slice(-4);
    for (let off = 0; off < c.length && !ended; off += INFLATE_SLICE) {
      push(c.subarray(off, Math.min(c.length, off + INFLATE_SLICE)), false);
      while (out.length) yield out.shift()!;
    }
  }
  if (!ended) push(new Uint8Array(0), true);
  while (out.length) yield out.shift()!;
  const trailer = tail.length === 4 ? ((tail[0] << 24) | (tail[1] << 16) | (tail[2] << 8) | tail[3]) >>> 0 : -1;
  if (trailer !== adler.value()) {
    throw new AndroidBackupError(`the compressed ${what} data fails its Adler-32 check: the ${what} is truncated or corrupted`);
  }
}

export interface AbOpenOptions {
  /** The password, or a function asked for it only when the backup turns out to be encrypted. */
  password?: string | null | (() => Promise<string | null>);
  /** WebCrypto by default; Node passes nodeBackupCrypto (node:crypto, faster). */
  crypto?: BackupCrypto;
}

/** Header plus the tar byte stream of a backup (decrypted and inflated as the header says). */
export async function openAbStream(
  chunks: AsyncIterable<Uint8Array>,
  opts: AbOpenOptions = {},
): Promise<{ header: AbHeader; tar: AsyncIterable<Uint8Array> }> {
  const { header, body } = await readAbHeader(chunks);
  let payload = body;
  if (header.crypto) {
    const password = typeof opts.password === "function" ? await opts.password() : opts.password;
    if (password === undefined || password === null) {
      throw new PasswordRequiredError(
        "this backup is encrypted (AES-256): give its password with --password, the SPYSCOPE_BACKUP_PASSWORD environment variable, or at the prompt",
      );
    }
    const crypto = opts.crypto ?? webBackupCrypto();
    const { key, iv } = await unlockMasterKey(header.crypto, password, header.version, crypto);
    payload = decryptChunks(payload, new PaddedCbcStream(crypto.cbcDecryptor(key, iv)));
  }
  if (header.compressed) payload = inflateZlibChunks(payload);
  return { header, tar: payload };
}

/** Whole-buffer zlib inflate with an output cap (telephony backup files inside a backup are zlib'd JSON). */
export function inflateZlibBounded(data: Uint8Array, maxBytes: number, what: string): Uint8Array {
  const parts: Uint8Array[] = [];
  let total = 0;
  let ended = false;
  const z = new Unzlib((chunk, final) => {
    total += chunk.length;
    if (total > maxBytes) throw new AndroidBackupError(`${what} expands to more than ${maxBytes} bytes`);
    parts.push(chunk);
    if (final) ended = true;
  });
  try {
    for (let off = 0; off < data.length && !ended; off += INFLATE_SLICE) z.push(data.subarray(off, Math.min(data.length, off + INFLATE_SLICE)), false);
    if (!ended) z.push(new Uint8Array(0), true);
  } catch (e) {
    if (e instanceof AndroidBackupError) throw e;
    const msg = errorText(e);
    throw new AndroidBackupError(/unexpected EOF/i.test(msg) ? `${what} is truncated` : `${what} is not valid zlib data (${msg})`);
  }
  return concatBytes(parts, total);
}
