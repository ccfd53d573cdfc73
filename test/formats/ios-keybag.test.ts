// BackupKeyBag parsing, the two-step key derivation, class-key unwrap, wrong passwords, hostile keybags and
// the key-file format, on keybags written by the encrypted-backup generator (real TLV layout).

import { createCipheriv, pbkdf2Sync, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { webBackupCrypto } from "../../src/core/formats/backup-crypto.js";
import { derivedKeyFile, Keybag, KeybagError, keybagTlv, keyFromKeyFile, toHex, WrongPasswordError } from "../../src/core/formats/ios-keybag.js";
import { nodeBackupCrypto } from "../../src/node/backup-crypto.js";
import { generateKeybag, wrapForClass } from "../../src/node/generate/encrypt-backup.js";

const PASSWORD = "correct horse battery staple";

function tlv(tag: string, value: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(value.length);
  return Buffer.concat([Buffer.from(tag, "latin1"), len, value]);
}
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};

describe("Keybag", () => {
  const gen = generateKeybag(PASSWORD, 7, 11);

  it("parses the header and every class key of a backup keybag", () => {
    const kb = Keybag.parse(gen.bytes);
    expect(kb.header.version).toBe(3);
    expect(kb.header.type).toBe(1);
    expect(kb.uuidHex).toBe(gen.uuid.toString("hex"));
    expect(kb.header.iterations).toBe(7);
    expect(kb.header.dpIterations).toBe(11);
    expect(kb.header.salt.length).toBe(20);
    expect(kb.header.dpSalt!.length).toBe(20);
    expect([...kb.classKeys.keys()]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    for (const c of kb.classKeys.values()) {
      expect(c.wrap).toBe(2);
      expect(c.keyType).toBe(0);
      expect(c.wrappedKey!.length).toBe(40);
      expect(c.uuid.length).toBe(16);
    }
    const tags = [...keybagTlv(gen.bytes)].map(([t]) => t);
    expect(tags.slice(0, 10)).toEqual(["VERS", "TYPE", "UUID", "HMCK", "WRAP", "SALT", "ITER", "DPWT", "DPIC", "DPSL"]);
  });

  it.each([["WebCrypto", webBackupCrypto()], ["node:crypto", nodeBackupCrypto]] as const)(
    "derives the key in two PBKDF2 steps and unwraps the class keys (%s)",
    async (_n, crypto) => {
      const kb = Keybag.parse(gen.bytes);
      const key = await kb.deriveKey(PASSWORD, crypto);
      expect(toHex(key)).toBe(gen.derivedKey.toString("hex"));
      const unlocked = await kb.unlock(key, crypto);
      const fileKey = randomBytes(32);
      expect(toHex(await unlocked.unwrapClassed(wrapForClass(gen, 3, fileKey), "test"))).toBe(fileKey.toString("hex"));
      expect(toHex(await unlocked.unwrapClassed(wrapForClass(gen, 11, fileKey), "test"))).toBe(fileKey.toString("hex"));
      await expect(kb.unlock(await kb.deriveKey("wrong password", crypto), crypto)).rejects.toThrow(WrongPasswordError);
      // a record wrapped under another class than it names
      const mislabeled = wrapForClass(gen, 3, fileKey);
      mislabeled.writeUInt32LE(4, 0);
      await expect(unlocked.unwrapClassed(mislabeled, "x/y EncryptionKey")).rejects.toThrow(/x\/y EncryptionKey: the wrapped key does not unwrap with class key 4/);
      const unknownClass = wrapForClass(gen, 3, fileKey);
      unknownClass.writeUInt32LE(99, 0);
      await expect(unlocked.unwrapClassed(unknownClass, "f")).rejects.toThrow(/protection class 99 has no key/);
    },
  );

  it("derives with SHA-1 alone for keybags older than iOS 10.2 (no DPSL/DPIC)", async () => {
    const salt = randomBytes(20);
    const derived = pbkdf2Sync(PASSWORD, salt, 5, 32, "sha1");
    const classKey = randomBytes(32);
    const wrap = createCipheriv("id-aes256-wrap", derived, Buffer.from("A6A6A6A6A6A6A6A6", "hex"));
    const wpky = Buffer.concat([wrap.update(classKey), wrap.final()]);
    const bytes = Buffer.concat([
      tlv("VERS", u32(2)), tlv("TYPE", u32(1)), tlv("UUID", randomBytes(16)), tlv("WRAP", u32(0)), tlv("SALT", salt), tlv("ITER", u32(5)),
      tlv("UUID", randomBytes(16)), tlv("CLAS", u32(3)), tlv("WRAP", u32(2)), tlv("KTYP", u32(0)), tlv("WPKY", wpky),
    ]);
    const kb = Keybag.parse(bytes);
    expect(kb.header.dpSalt).toBeNull();
    expect(toHex(await kb.deriveKey(PASSWORD, nodeBackupCrypto))).toBe(derived.toString("hex"));
    await kb.unlock(derived, nodeBackupCrypto);
  });

  it("refuses hostile or broken keybags with a KeybagError naming the problem", () => {
    expect(() => Keybag.parse(gen.bytes.subarray(0, gen.bytes.length - 3))).toThrow(/claims 40 bytes, past the end/);
    expect(() => Keybag.parse(gen.bytes.subarray(0, 5))).toThrow(/truncated at byte 0/);
    const huge = Buffer.concat([tlv("UUID", randomBytes(16)), tlv("SALT", randomBytes(20)), tlv("ITER", u32(0xffffffff))]);
    expect(() => Keybag.parse(huge)).toThrow(/ITER = 4294967295 is out of range/);
    const noClasses = Buffer.concat([tlv("UUID", randomBytes(16)), tlv("SALT", randomBytes(20)), tlv("ITER", u32(10))]);
    expect(() => Keybag.parse(noClasses)).toThrow(/no password-wrapped class key/);
    expect(() => Keybag.parse(Buffer.from("not a keybag at all"))).toThrow(KeybagError);
  });
});

describe("key file", () => {
  it("round-trips the derived key and refuses a key file of another backup", () => {
    const a = generateKeybag(PASSWORD, 3, 3);
    const b = generateKeybag(PASSWORD, 3, 3);
    const kbA = Keybag.parse(a.bytes);
    const file = JSON.parse(JSON.stringify(derivedKeyFile(kbA, a.derivedKey)));
    expect(file.format).toBe("spyscope-ios-backup-key");
    expect(file.keybag_uuid).toBe(a.uuid.toString("hex"));
    expect(file.warning).toMatch(/as secret as the password/);
    expect(toHex(keyFromKeyFile(file, kbA))).toBe(a.derivedKey.toString("hex"));
    expect(() => keyFromKeyFile(file, Keybag.parse(b.bytes))).toThrow(/for another backup/);
    expect(() => keyFromKeyFile({ ...file, salt: "00" }, kbA)).toThrow(/other salts/);
    expect(() => keyFromKeyFile({ format: "x" }, kbA)).toThrow(/not a spyscope backup key file/);
    expect(() => keyFromKeyFile({ ...file, key: "abcd" }, kbA)).toThrow(/2 bytes, not 32/);
  });
});
