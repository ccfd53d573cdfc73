// Both BackupCrypto implementations (WebCrypto in core, node:crypto in src/node) against published test vectors.

import { describe, expect, it } from "vitest";
import { webBackupCrypto, type BackupCrypto } from "../../src/core/formats/backup-crypto.js";
import { fromHex, toHex } from "../../src/core/formats/ios-keybag.js";
import { nodeBackupCrypto } from "../../src/node/backup-crypto.js";

const BACKENDS: [string, BackupCrypto][] = [
  ["WebCrypto", webBackupCrypto()],
  ["node:crypto", nodeBackupCrypto],
];

// RFC 3394 §4.6: 256 bits of key data wrapped with a 256-bit KEK.
const KEK = fromHex("000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F");
const KEY_DATA = "00112233445566778899aabbccddeeff000102030405060708090a0b0c0d0e0f";
const WRAPPED = fromHex("28C9F404C4B810F4CBCCB35CFB87F8263F5786E2D80ED326CBC7F0E71A99F43BFB988B9B7A02DD21");

// NIST SP 800-38A F.2.5 / F.2.6 (CBC-AES256).
const CBC_KEY = fromHex("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4");
const CBC_IV = fromHex("000102030405060708090a0b0c0d0e0f");
const CBC_PLAIN =
  "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710";
const CBC_CIPHER = fromHex(
  "f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d39f23369a9d9bacfa530e26304231461b2eb05e2c39be9fcda6c19078c6a9d1b",
);

const utf8 = (s: string) => new TextEncoder().encode(s);

describe.each(BACKENDS)("BackupCrypto over %s", (_name, crypto) => {
  it("unwraps the RFC 3394 vector and reports a failed integrity check as null", async () => {
    expect(toHex((await crypto.unwrapKey(KEK, WRAPPED))!)).toBe(KEY_DATA);
    const bad = WRAPPED.slice();
    bad[5] ^= 1;
    expect(await crypto.unwrapKey(KEK, bad)).toBeNull();
    const otherKek = KEK.slice();
    otherKek[0] ^= 0x80;
    expect(await crypto.unwrapKey(otherKek, WRAPPED)).toBeNull();
    expect(await crypto.unwrapKey(KEK, WRAPPED.subarray(0, 37))).toBeNull();
    expect(await crypto.unwrapKey(KEK, WRAPPED.subarray(0, 16))).toBeNull();
  });

  it("decrypts the NIST CBC-AES256 vector whole, block by block (chained) and with no padding removed", async () => {
    expect(toHex(await crypto.cbcDecryptor(CBC_KEY, CBC_IV).update(CBC_CIPHER))).toBe(CBC_PLAIN);
    const d = crypto.cbcDecryptor(CBC_KEY, CBC_IV);
    let out = "";
    for (let i = 0; i < CBC_CIPHER.length; i += 16) out += toHex(await d.update(CBC_CIPHER.subarray(i, i + 16)));
    expect(out).toBe(CBC_PLAIN);
    const split = crypto.cbcDecryptor(CBC_KEY, CBC_IV);
    expect(toHex(await split.update(CBC_CIPHER.subarray(0, 48))) + toHex(await split.update(CBC_CIPHER.subarray(48)))).toBe(CBC_PLAIN);
    await expect(crypto.cbcDecryptor(CBC_KEY, CBC_IV).update(CBC_CIPHER.subarray(0, 20))).rejects.toThrow(/16-byte blocks/);
  });

  it("derives PBKDF2 keys like RFC 6070 (SHA-1) and the published SHA-256 vectors", async () => {
    expect(toHex(await crypto.pbkdf2("SHA-1", utf8("password"), utf8("salt"), 4096, 20))).toBe("4b007901b765489abead49d926f721d065a429c1");
    expect(toHex(await crypto.pbkdf2("SHA-256", utf8("password"), utf8("salt"), 1, 32))).toBe(
      "120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b",
    );
    expect(toHex(await crypto.pbkdf2("SHA-256", utf8("password"), utf8("salt"), 4096, 32))).toBe(
      "c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a",
    );
  });
});
