// Android backup (.ab) format: header, AES-256 (PBKDF2 user key, master key blob and its checksum), zlib
// and tar, streamed — on MVT's fixtures and on hostile variants of them.

import { createCipheriv, createHash, randomBytes } from "node:crypto";
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { deflateSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AndroidBackupError,
  BadPaddingError,
  inflateZlibBounded,
  inflateZlibChunks,
  javaCharsAsUtf8,
  PaddedCbcStream,
  PasswordRequiredError,
  readAbHeader,
  WrongPasswordError,
} from "../../src/core/formats/android-backup.js";
import { webBackupCrypto } from "../../src/core/formats/backup-crypto.js";
import { nodeBackupCrypto } from "../../src/node/backup-crypto.js";
import { ANDROID_BACKUP_DIR, ANDROIDQF_ENCRYPTED_AB, FIXTURE_PASSWORD, openAb } from "../helpers/android-backup.js";
import { hashTree } from "../helpers/hash.js";
import { FIXTURES } from "../helpers/scan.js";

const SMS_ENTRY = "apps/com.android.providers.telephony/d_f/000000_sms_backup";
const MMS_ENTRY = "apps/com.android.providers.telephony/d_f/000001_mms_backup";
const AB = (name: string) => path.join(ANDROID_BACKUP_DIR, name);
const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

async function* chunked(bytes: Uint8Array, sizes: number[]): AsyncIterable<Uint8Array> {
  let at = 0;
  for (let i = 0; at < bytes.length; i++) {
    const n = sizes[i % sizes.length];
    yield bytes.subarray(at, at + n);
    at += n;
  }
}

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of chunks) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
}

let before: Map<string, string>;
beforeAll(() => {
  before = hashTree(FIXTURES + "mvt");
});
afterAll(() => {
  expect(hashTree(FIXTURES + "mvt")).toEqual(before);
});

describe("header", () => {
  it("reads version, compression and encryption of MVT's fixtures, even one byte at a time", async () => {
    const h1 = await readAbHeader(chunked(readFileSync(AB("backup.ab")), [1]));
    expect(h1.header).toEqual({ version: 1, compressed: true, encryption: "none", crypto: null });
    const h3 = await readAbHeader(chunked(readFileSync(AB("backup3.ab")), [3, 5]));
    expect(h3.header).toMatchObject({ version: 5, compressed: true, encryption: "none" });
    const h2 = await readAbHeader(chunked(readFileSync(AB("backup2.ab")), [7]));
    expect(h2.header).toMatchObject({ version: 5, compressed: false, encryption: "AES-256" });
    expect(h2.header.crypto!.rounds).toBe(10000);
    expect(h2.header.crypto!.userSalt.length).toBe(64);
    expect(h2.header.crypto!.checksumSalt.length).toBe(64);
    expect(h2.header.crypto!.userIv.length).toBe(16);
    expect(h2.header.crypto!.masterKeyBlob.length).toBe(96);
    // The body starts right after the header: a zlib stream for backup.ab.
    const body = await collect(h1.body);
    expect(body[0]).toBe(0x78);
  });

  it("refuses what is not a backup, or a header a hostile file could abuse", async () => {
    const bad = async (text: string) => readAbHeader(chunked(Buffer.from(text), [64]));
    await expect(bad("PK\x03\x04 not a backup\n")).rejects.toThrow(/not an Android backup/);
    await expect(bad("ANDROID BACKUP\nfive\n1\nnone\n")).rejects.toThrow(/unsupported backup format version "five"/);
    await expect(bad("ANDROID BACKUP\n5\n2\nnone\n")).rejects.toThrow(/compression flag is "2"/);
    await expect(bad("ANDROID BACKUP\n5\n1\nROT13\n")).rejects.toThrow(/unsupported backup encryption "ROT13"/);
    await expect(bad("ANDROID BACKUP\n5\n1\nAES-256\nAA\nBB\n999999999\n")).rejects.toThrow(/round count "999999999" is out of range/);
    await expect(bad("ANDROID BACKUP\n5\n1\nAES-256\nZZ\n")).rejects.toThrow(/user password salt in the header is not hexadecimal/);
    await expect(bad("ANDROID BACKUP\n5\n1")).rejects.toThrow(/ends inside its header .*truncated/);
    await expect(bad("ANDROID BACKUP\n" + "9".repeat(5000))).rejects.toThrow(/longer than 4096 bytes/);
  });
});

describe("AES-256 backups", () => {
  for (const [name, file] of [
    ["backup2.ab", AB("backup2.ab")],
    ["androidqf_encrypted/backup.ab", ANDROIDQF_ENCRYPTED_AB],
  ] as const) {
    for (const [cryptoName, crypto] of [
      ["WebCrypto", webBackupCrypto()],
      ["node:crypto", nodeBackupCrypto],
    ] as const) {
      it(`${name} decrypts with its password (${cryptoName}) to the telephony entry MVT's fixture holds`, async () => {
        const backup = await openAb(file, { password: FIXTURE_PASSWORD, crypto });
        expect(backup.problem).toBeNull();
        expect(backup.header.encryption).toBe("AES-256");
        expect(backup.entryCount).toBe(2); // _manifest + the SMS file
        expect([...backup.apps]).toEqual(["com.android.providers.telephony"]);
        const sms = await backup.evidence.read(SMS_ENTRY);
        expect(sha256(sms)).toBe(sha256(readFileSync(path.join(ANDROID_BACKUP_DIR, SMS_ENTRY))));
        const hashes = backup.evidence.hashes();
        expect(hashes.get(path.basename(file))).toBe(sha256(readFileSync(file)));
        expect(hashes.get(`${path.basename(file)}::${SMS_ENTRY}`)).toBe(sha256(sms));
      });
    }
  }

  it("fails cleanly with a wrong password, naming the file", async () => {
    for (const crypto of [webBackupCrypto(), nodeBackupCrypto]) {
      const err = await openAb(AB("backup2.ab"), { password: "654321", crypto }).catch((e) => e);
      expect(err).toBeInstanceOf(WrongPasswordError);
      expect(err.message).toBe(`${AB("backup2.ab")}: wrong password: the backup's master key does not decrypt with it (check the password and try again)`);
    }
  });

  it("asks for a password only when the backup is encrypted", async () => {
    let asked = 0;
    const ask = async () => {
      asked++;
      return FIXTURE_PASSWORD;
    };
    await openAb(AB("backup3.ab"), { password: ask as never });
    expect(asked).toBe(0);
    const err = await openAb(AB("backup2.ab"), { password: null }).catch((e) => e);
    expect(err).toBeInstanceOf(PasswordRequiredError);
    expect(err.message).toMatch(/encrypted \(AES-256\): give its password with --password, the SPYSCOPE_BACKUP_PASSWORD/);
    const ok = await openAb(AB("backup2.ab"), { password: ask as never });
    expect(asked).toBe(1);
    expect(ok.evidence.files.size).toBe(1);
  });

  it("Android's master key checksum converts the key bytes as sign-extended Java chars", () => {
    expect([...javaCharsAsUtf8(Uint8Array.from([0x41, 0x80, 0xbf, 0xff]))]).toEqual([
      0x41, 0xef, 0xbe, 0x80, 0xef, 0xbe, 0xbf, 0xef, 0xbf, 0xbf,
    ]);
    // The same as UTF-8 of the chars U+FF80, U+FFBF, U+FFFF that Java's (char)(byte) gives.
    expect(Buffer.from(javaCharsAsUtf8(Uint8Array.from([0x80, 0xbf, 0xff])))).toEqual(Buffer.from("\uff80\uffbf\uffff", "utf8"));
  });
});

describe("streamed AES-CBC with PKCS#7", () => {
  const key = randomBytes(32);
  const iv = randomBytes(16);
  for (const length of [0, 1, 15, 16, 17, 4096, 100_003]) {
    it(`decrypts ${length} bytes in uneven chunks, WebCrypto and node:crypto alike`, async () => {
      const plain = randomBytes(length);
      const c = createCipheriv("aes-256-cbc", key, iv);
      const cipher = Buffer.concat([c.update(plain), c.final()]);
      for (const crypto of [webBackupCrypto(), nodeBackupCrypto]) {
        for (const sizes of length < 5000 ? [[1], [5, 16, 33], [cipher.length]] : [[4093, 65536], [cipher.length]]) {
          const d = new PaddedCbcStream(crypto.cbcDecryptor(key, iv));
          const parts: Buffer[] = [];
          for await (const chunk of chunked(cipher, sizes)) parts.push(Buffer.from(await d.update(chunk)));
          parts.push(Buffer.from(await d.final()));
          expect(Buffer.concat(parts).equals(plain)).toBe(true);
        }
      }
    });
  }

  it("rejects data that is not whole blocks and padding that is not PKCS#7", async () => {
    const c = createCipheriv("aes-256-cbc", key, iv);
    c.setAutoPadding(false);
    const badPad = Buffer.concat([c.update(Buffer.alloc(32, 0x11)), c.final()]); // last byte 0x11 > 16
    const d1 = new PaddedCbcStream(nodeBackupCrypto.cbcDecryptor(key, iv));
    await d1.update(badPad);
    await expect(d1.final()).rejects.toBeInstanceOf(BadPaddingError);
    const d2 = new PaddedCbcStream(webBackupCrypto().cbcDecryptor(key, iv));
    await d2.update(Buffer.concat([badPad, badPad.subarray(0, 8)]));
    await expect(d2.final()).rejects.toThrow(/not a whole number of 16-byte blocks/);
  });
});

describe("zlib layer", () => {
  const plain = Buffer.from(Array.from({ length: 20000 }, (_, i) => `line ${i} of the tar stream\n`).join(""));
  const z = deflateSync(plain);

  it("inflates in any chunking and checks the Adler-32 trailer", async () => {
    for (const sizes of [[1, 2, 3], [4096], [z.length]]) {
      expect((await collect(inflateZlibChunks(chunked(z, sizes)))).equals(plain)).toBe(true);
    }
  });

  it("reports truncation and corruption", async () => {
    await expect(collect(inflateZlibChunks(chunked(z.subarray(0, z.length - 200), [1000])))).rejects.toThrow(/truncated/);
    const badTrailer = Buffer.from(z);
    badTrailer[badTrailer.length - 1] ^= 0xff;
    await expect(collect(inflateZlibChunks(chunked(badTrailer, [1000])))).rejects.toThrow(/fails its Adler-32 check/);
    await expect(collect(inflateZlibChunks(chunked(Buffer.from("not zlib at all"), [100])))).rejects.toThrow(/not valid zlib/);
  });

  it("bounds whole-buffer inflation (a bomb)", () => {
    const bomb = deflateSync(Buffer.alloc(8 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(10_000);
    expect(() => inflateZlibBounded(bomb, 1024 * 1024, "bomb")).toThrow(/bomb expands to more than 1048576 bytes/);
  });
});

describe("broken backups", () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), "spyscope-ab-"));

  it("a truncated compressed backup opens with a problem naming the cause, and the file is still hashed", async () => {
    const bytes = readFileSync(AB("backup.ab"));
    const file = path.join(tmp, "cut.ab");
    writeFileSync(file, bytes.subarray(0, bytes.length - 40));
    const backup = await openAb(file);
    expect(backup.problem).toMatch(/cut\.ab: .*truncated/);
    expect(backup.evidence.hashes().get("cut.ab")).toBe(sha256(readFileSync(file)));
  });

  it("a truncated encrypted backup opens with a problem, not a wrong-password error", async () => {
    const bytes = readFileSync(AB("backup2.ab"));
    const file = path.join(tmp, "cut2.ab");
    writeFileSync(file, bytes.subarray(0, bytes.length - 8));
    const backup = await openAb(file, { password: FIXTURE_PASSWORD });
    expect(backup.problem).toMatch(/encrypted data does not end cleanly .*truncated or corrupted/);
    expect(backup.evidence.files.has(SMS_ENTRY)).toBe(true);
  });

  it("an entry over the per-entry limit is listed but not held; reading it names the limit", async () => {
    const file = path.join(tmp, "b.ab");
    copyFileSync(AB("backup.ab"), file);
    const backup = await openAb(file, { maxEntryBytes: 200 });
    expect(backup.evidence.files.has(SMS_ENTRY)).toBe(true); // 143 bytes
    expect(backup.evidence.tooLarge.get(MMS_ENTRY)).toBe(226);
    await expect(backup.evidence.read(MMS_ENTRY)).rejects.toThrow(/226 bytes, over the limit for entries kept from a backup/);
  });

  it("garbage after the header is a problem, not a crash", async () => {
    const file = path.join(tmp, "garbage.ab");
    writeFileSync(file, Buffer.concat([Buffer.from("ANDROID BACKUP\n5\n1\nnone\n"), randomBytes(3000)]));
    const backup = await openAb(file);
    expect(backup.problem).toMatch(/garbage\.ab: .*not valid zlib/);
    expect(backup.entryCount).toBe(0);
  });

  it("a plain backup whose payload is not tar is a problem", async () => {
    const file = path.join(tmp, "notar.ab");
    writeFileSync(file, Buffer.concat([Buffer.from("ANDROID BACKUP\n5\n1\nnone\n"), deflateSync(Buffer.alloc(700, 0x41))]));
    const backup = await openAb(file);
    expect(backup.problem).toMatch(/notar\.ab: .*(no valid tar header|truncated)/);
  });

  it("AndroidBackupError is the class of format problems", () => {
    expect(new WrongPasswordError("x")).toBeInstanceOf(AndroidBackupError);
    expect(new PasswordRequiredError("x")).toBeInstanceOf(AndroidBackupError);
  });
});
