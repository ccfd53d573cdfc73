// Synthetic Android backup (.ab) generator: the format `adb backup` and androidqf write — header, optional
// AES-256 encryption (PBKDF2-SHA1 user key, master key blob with Android's checksum), optional zlib, and a
// ustar archive holding the telephony provider's SMS/MMS backup files (zlib'd JSON, ≤ 1000 messages each).
// Deterministic from a seed; streamed to disk, so large backups for benchmarks cost little memory.

import { createCipheriv, pbkdf2Sync } from "node:crypto";
import { createWriteStream } from "node:fs";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createDeflate, deflateSync } from "node:zlib";
import { javaCharsAsUtf8 } from "../../core/formats/android-backup.js";
import { Rng } from "./ios/types.js";

export interface GenerateAndroidBackupOptions {
  /** The .ab file to write. */
  file: string;
  seed?: number;
  /** SMS messages (default 100); MMS messages are a tenth of that. */
  messages?: number;
  /** Encrypt with AES-256 under this password (default: not encrypted). */
  password?: string | null;
  /** zlib-compress the tar stream (default true). */
  compressed?: boolean;
  /** Backup format version in the header (default 5, Android 9+). */
  version?: number;
  /** PBKDF2 rounds (Android: 10,000). */
  rounds?: number;
  /** Domains to plant as links in messages (e.g. from test indicators). */
  plantDomains?: string[];
  /** Unix seconds the backup was taken; messages fall in the 90 days before. Default 1,700,000,000. */
  now?: number;
}

export interface GenerateAndroidBackupResult {
  file: string;
  sms: number;
  mms: number;
  /** Messages carrying a planted link. */
  planted: number;
  /** Tar entries written. */
  entries: number;
  ms: number;
}

const TELEPHONY = "apps/com.android.providers.telephony";
const PER_FILE = 1000;
const WORDS = ["hello", "see", "you", "at", "the", "station", "tomorrow", "call", "me", "when", "ready", "thanks", "ok", "lunch", "meeting"];
const SITES = ["https://news.example.net/today", "https://maps.example.com/?q=cafe", "http://shop.example.net/item/42"];

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, "0") + "\0";
}

/** One ustar header block (names ≤ 100 bytes here, so no pax records are needed). */
export function tarHeader(name: string, size: number, type: "0" | "5", mtime: number): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100, "utf8");
  h.write(octal(type === "5" ? 0o755 : 0o600, 8), 100, "ascii");
  h.write(octal(0, 8), 108, "ascii");
  h.write(octal(0, 8), 116, "ascii");
  h.write(octal(size, 12), 124, "ascii");
  h.write(octal(mtime, 12), 136, "ascii");
  h.fill(" ", 148, 156);
  h.write(type, 156, "ascii");
  h.write("ustar\0", 257, "ascii");
  h.write("00", 263, "ascii");
  let sum = 0;
  for (const b of h) sum += b;
  h.write(octal(sum, 7) + " ", 148, "ascii");
  return h;
}

function tarFile(name: string, body: Buffer, mtime: number): Buffer[] {
  const pad = (512 - (body.length % 512)) % 512;
  return [tarHeader(name, body.length, "0", mtime), body, Buffer.alloc(pad)];
}

function text(rng: Rng, link: string | null): string {
  const n = rng.int(3, 12);
  const words: string[] = [];
  for (let i = 0; i < n; i++) words.push(rng.pick(WORDS));
  if (link) words.splice(rng.int(1, words.length), 0, link);
  return words.join(" ");
}

function phone(rng: Rng): string {
  return `+4479${rng.int(10000000, 99999999)}`;
}

/** Android's `_manifest` entry of an app (format version, package, version code, platform, installer, signatures). */
function manifest(pkg: string): Buffer {
  return Buffer.from(["1", pkg, "35", "35", "", "0", "1", "00"].join("\n") + "\n");
}

function* tarEntries(o: Required<Omit<GenerateAndroidBackupOptions, "file" | "password">>, counts: { planted: number; entries: number }): Generator<Buffer> {
  const rng = new Rng(o.seed);
  const mtime = o.now;
  const plantEvery = o.plantDomains.length ? Math.max(1, Math.floor(o.messages / Math.min(o.messages, 5))) : 0;
  const link = (i: number): string | null => {
    if (plantEvery && i % plantEvery === plantEvery - 1) {
      counts.planted++;
      return `https://${o.plantDomains[counts.planted % o.plantDomains.length]}/${rng.hex(8)}`;
    }
    return rng.int(0, 9) === 0 ? rng.pick(SITES) : null;
  };
  yield* tarFile(`${TELEPHONY}/_manifest`, manifest("com.android.providers.telephony"), mtime);
  counts.entries++;
  const start = (o.now - 90 * 86400) * 1000;
  for (let file = 0; file * PER_FILE < o.messages; file++) {
    const batch: Record<string, unknown>[] = [];
    for (let i = file * PER_FILE; i < Math.min(o.messages, (file + 1) * PER_FILE); i++) {
      const date = start + Math.floor((i / o.messages) * 90 * 86400 * 1000) + rng.int(0, 59999);
      const incoming = rng.int(0, 1) === 1;
      const address = phone(rng);
      batch.push({
        address,
        body: text(rng, link(i)),
        date: String(date),
        date_sent: incoming ? String(date - rng.int(1000, 9000)) : "0",
        status: "-1",
        type: incoming ? "1" : "2",
        recipients: [address],
        read: "1",
      });
    }
    yield* tarFile(`${TELEPHONY}/d_f/${String(file).padStart(6, "0")}_sms_backup`, deflateSync(JSON.stringify(batch)), mtime);
    counts.entries++;
  }
  const mms = Math.floor(o.messages / 10);
  for (let file = 0; file * PER_FILE < mms; file++) {
    const batch: Record<string, unknown>[] = [];
    for (let i = file * PER_FILE; i < Math.min(mms, (file + 1) * PER_FILE); i++) {
      const date = Math.floor(start / 1000) + Math.floor((i / Math.max(1, mms)) * 90 * 86400) + rng.int(0, 59);
      const incoming = rng.int(0, 1) === 1;
      const [from, to] = [phone(rng), phone(rng)];
      batch.push({
        date: String(date),
        date_sent: String(date - rng.int(1, 9)),
        m_type: incoming ? "132" : "128",
        v: "18",
        msg_box: incoming ? "1" : "2",
        recipients: [incoming ? from : to],
        tr_id: rng.hex(11),
        read: "1",
        mms_addresses: [
          { type: 137, address: from, charset: 106 },
          { type: 151, address: to, charset: 106 },
        ],
        mms_body: text(rng, link(i + o.messages)),
        mms_charset: 106,
      });
    }
    yield* tarFile(`${TELEPHONY}/d_f/${String(file).padStart(6, "0")}_mms_backup`, deflateSync(JSON.stringify(batch)), mtime);
    counts.entries++;
  }
  yield Buffer.alloc(1024); // end-of-archive: two zero blocks
}

interface EncryptionHeader {
  lines: string[];
  key: Buffer;
  iv: Buffer;
}

/** The header lines and master key of an AES-256 backup, the way Android's backup manager makes them. */
export function androidBackupEncryption(password: string, rng: Rng, rounds: number, version = 5): EncryptionHeader {
  const bytes = (n: number) => Buffer.from(rng.hex(n * 2), "hex");
  const userSalt = bytes(64);
  const checksumSalt = bytes(64);
  const userIv = bytes(16);
  const key = bytes(32);
  const iv = bytes(16);
  const userKey = pbkdf2Sync(Buffer.from(password, "utf8"), userSalt, rounds, 32, "sha1");
  // Format version 1 hashed the raw key bytes; later versions the key as Java chars (see core/formats/android-backup.ts).
  const checksum = pbkdf2Sync(version > 1 ? Buffer.from(javaCharsAsUtf8(key)) : key, checksumSalt, rounds, 32, "sha1");
  const blob = Buffer.concat([Buffer.from([iv.length]), iv, Buffer.from([key.length]), key, Buffer.from([checksum.length]), checksum]);
  const c = createCipheriv("aes-256-cbc", userKey, userIv);
  const encryptedBlob = Buffer.concat([c.update(blob), c.final()]);
  const hex = (b: Buffer) => b.toString("hex").toUpperCase();
  return { lines: [hex(userSalt), hex(checksumSalt), String(rounds), hex(userIv), hex(encryptedBlob)], key, iv };
}

export async function generateAndroidBackup(opts: GenerateAndroidBackupOptions): Promise<GenerateAndroidBackupResult> {
  const t0 = performance.now();
  const o = {
    seed: opts.seed ?? 1,
    messages: opts.messages ?? 100,
    compressed: opts.compressed ?? true,
    version: opts.version ?? 5,
    rounds: opts.rounds ?? 10_000,
    plantDomains: opts.plantDomains ?? [],
    now: opts.now ?? 1_700_000_000,
  };
  const counts = { planted: 0, entries: 0 };
  const encryption = opts.password ? androidBackupEncryption(opts.password, new Rng(o.seed ^ 0x5eed), o.rounds, o.version) : null;
  const header = ["ANDROID BACKUP", String(o.version), o.compressed ? "1" : "0", encryption ? "AES-256" : "none", ...(encryption?.lines ?? [])].join("\n") + "\n";
  const out = createWriteStream(opts.file, { flags: "wx" });
  out.write(header);
  const stages: (NodeJS.ReadableStream | NodeJS.ReadWriteStream | NodeJS.WritableStream)[] = [Readable.from(tarEntries(o, counts))];
  if (o.compressed) stages.push(createDeflate());
  if (encryption) stages.push(createCipheriv("aes-256-cbc", encryption.key, encryption.iv) as unknown as Transform);
  stages.push(out);
  await pipeline(stages as [NodeJS.ReadableStream, ...NodeJS.WritableStream[]]);
  return { file: opts.file, sms: o.messages, mms: Math.floor(o.messages / 10), planted: counts.planted, entries: counts.entries, ms: performance.now() - t0 };
}
