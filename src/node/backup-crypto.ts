// BackupCrypto over node:crypto: synchronous AES-CBC (no per-chunk promise hop through the thread pool) and
// OpenSSL's RFC 3394 key unwrap. PBKDF2 runs in the thread pool, off the event loop.

import { createDecipheriv, pbkdf2 } from "node:crypto";
import type { BackupCrypto } from "../core/formats/backup-crypto.js";

const RFC3394_IV = Buffer.from("A6A6A6A6A6A6A6A6", "hex");
const ZERO_IV = Buffer.alloc(16);

function view(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

export const nodeBackupCrypto: BackupCrypto = {
  pbkdf2(hash, password, salt, iterations, bytes) {
    const digest = hash === "SHA-256" ? "sha256" : "sha1";
    return new Promise((resolve, reject) =>
      pbkdf2(password, salt, iterations, bytes, digest, (err, key) => (err ? reject(err) : resolve(view(key)))),
    );
  },
  async unwrapKey(kek, wrapped) {
    if (kek.length !== 32 && kek.length !== 24 && kek.length !== 16) throw new Error(`AES key wrap: a ${kek.length}-byte key-encryption key`);
    if (wrapped.length < 24 || wrapped.length % 8 !== 0) return null;
    try {
      const d = createDecipheriv(`id-aes${kek.length * 8}-wrap`, kek, RFC3394_IV);
      return view(Buffer.concat([d.update(wrapped), d.final()]));
    } catch {
      return null; // OpenSSL reports the failed integrity check as a decryption error
    }
  },
  cbcDecryptor(key, iv = ZERO_IV) {
    const d = createDecipheriv("aes-256-cbc", key, iv);
    d.setAutoPadding(false);
    return {
      async update(blocks) {
        if (blocks.length % 16 !== 0) throw new Error(`AES-CBC input of ${blocks.length} bytes is not whole 16-byte blocks`);
        return view(d.update(blocks));
      },
    };
  },
};
