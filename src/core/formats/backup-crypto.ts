// The few cryptographic primitives an encrypted iOS backup needs, behind one small interface so the core
// runs on WebCrypto (browsers, and Node 20's globalThis.crypto.subtle) while Node can plug in node:crypto.

/** AES-256-CBC decryption of whole 16-byte blocks, chained across calls (no padding is removed). */
export interface CbcDecryptor {
  update(blocks: Uint8Array): Promise<Uint8Array>;
}

export interface BackupCrypto {
  pbkdf2(hash: "SHA-256" | "SHA-1", password: Uint8Array, salt: Uint8Array, iterations: number, bytes: number): Promise<Uint8Array>;
  /** RFC 3394 AES key unwrap; null when the integrity check fails (wrong key-encryption key or damaged data). */
  unwrapKey(kek: Uint8Array, wrapped: Uint8Array): Promise<Uint8Array | null>;
  cbcDecryptor(key: Uint8Array, iv?: Uint8Array): CbcDecryptor;
}

export const AES_BLOCK = 16;
const ZERO_IV = new Uint8Array(AES_BLOCK);

/** Plain ArrayBuffer-backed copies: WebCrypto refuses views over SharedArrayBuffers in some engines. */
function buf(u: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(u) as Uint8Array<ArrayBuffer>;
}

/** BackupCrypto over WebCrypto (`crypto.subtle`), available in browsers and in Node 20. */
export function webBackupCrypto(subtle: SubtleCrypto | undefined = globalThis.crypto?.subtle): BackupCrypto {
  if (!subtle) throw new Error("WebCrypto (crypto.subtle) is not available here: browsers offer it only to secure (https or localhost) pages");
  return {
    async pbkdf2(hash, password, salt, iterations, bytes) {
      const key = await subtle.importKey("raw", buf(password), "PBKDF2", false, ["deriveBits"]);
      const bits = await subtle.deriveBits({ name: "PBKDF2", hash, salt: buf(salt), iterations }, key, bytes * 8);
      return new Uint8Array(bits);
    },
    async unwrapKey(kek, wrapped) {
      if (wrapped.length < 24 || wrapped.length % 8 !== 0) return null; // not RFC 3394 output at all
      const kekKey = await subtle.importKey("raw", buf(kek), "AES-KW", false, ["unwrapKey"]);
      let key: CryptoKey;
      try {
        // HMAC accepts a raw key of any length, so the unwrapped bytes come back whatever their size.
        key = await subtle.unwrapKey("raw", buf(wrapped), kekKey, "AES-KW", { name: "HMAC", hash: "SHA-256" }, true, ["sign"]);
      } catch (e) {
        if (e instanceof Error && e.name === "OperationError") return null;
        throw e;
      }
      return new Uint8Array(await subtle.exportKey("raw", key));
    },
    cbcDecryptor(key, iv = ZERO_IV) {
      const keyPromise = subtle.importKey("raw", buf(key), "AES-CBC", false, ["encrypt", "decrypt"]);
      let chain = buf(iv);
      return {
        async update(blocks) {
          if (blocks.length % AES_BLOCK !== 0) throw new Error(`AES-CBC input of ${blocks.length} bytes is not whole 16-byte blocks`);
          if (blocks.length === 0) return new Uint8Array(0);
          const k = await keyPromise;
          // WebCrypto's AES-CBC always removes PKCS#7 padding. To decrypt raw blocks, append one extra block
          // that decrypts to a full padding block: E = AES(0x10…10 XOR last), i.e. the first block of
          // encrypting 0x10…10 with the last ciphertext block as IV.
          const last = blocks.slice(blocks.length - AES_BLOCK);
          const pad = new Uint8Array(AES_BLOCK).fill(AES_BLOCK);
          const e = new Uint8Array(await subtle.encrypt({ name: "AES-CBC", iv: last }, k, pad)).subarray(0, AES_BLOCK);
          const input = new Uint8Array(blocks.length + AES_BLOCK);
          input.set(blocks);
          input.set(e, blocks.length);
          const out = new Uint8Array(await subtle.decrypt({ name: "AES-CBC", iv: chain }, k, input));
          chain = last;
          return out;
        },
      };
    },
  };
}
