// The BackupKeyBag of an encrypted iOS backup (Manifest.plist): a TLV list (4-byte tag, 4-byte big-endian
// length, value). Header tags (VERS, TYPE, UUID, HMCK, WRAP, SALT, ITER, DPWT, DPIC, DPSL) come first; each
// class key then starts with its own UUID, followed by CLAS, WRAP, KTYP, WPKY (the wrapped key).
//
// Password → key: PBKDF2-HMAC-SHA256(password, DPSL, DPIC) then PBKDF2-HMAC-SHA1(that, SALT, ITER), 32 bytes
// each (backups before iOS 10.2 have no DPSL/DPIC: only the SHA-1 step, on the password). That key unwraps
// (RFC 3394) every class key whose WRAP has bit 2 set; the class keys unwrap the Manifest.db key and the
// per-file keys. A wrong password fails the unwrap integrity check on the first class key.

import type { BackupCrypto } from "./backup-crypto.js";

const WRAP_PASSCODE = 2;
const CLASS_KEY_TAGS = new Set(["CLAS", "WRAP", "WPKY", "KTYP", "PBKY"]);
const KEY_BYTES = 32;
/** Refuse PBKDF2 counts beyond this (a hostile keybag could otherwise stall the process for hours). */
const MAX_ITERATIONS = 100_000_000;

export class KeybagError extends Error {
  override name = "KeybagError";
}

/** The password (or the derived key) does not open this backup: the RFC 3394 integrity check failed. */
export class WrongPasswordError extends Error {
  override name = "WrongPasswordError";
}

export interface ClassKey {
  uuid: Uint8Array;
  protectionClass: number;
  wrap: number;
  keyType: number;
  wrappedKey: Uint8Array | null;
}

export interface KeybagHeader {
  version: number | null;
  type: number | null;
  uuid: Uint8Array;
  wrap: number | null;
  salt: Uint8Array;
  iterations: number;
  /** iOS 10.2+: the first (SHA-256) PBKDF2 step. */
  dpSalt: Uint8Array | null;
  dpIterations: number | null;
}

function fourCC(b: Uint8Array, at: number): string {
  return String.fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3]);
}

function u32be(b: Uint8Array): number {
  return ((b[0] << 24) >>> 0) + (b[1] << 16) + (b[2] << 8) + b[3];
}

export function toHex(b: Uint8Array): string {
  let s = "";
  for (const x of b) s += x.toString(16).padStart(2, "0");
  return s;
}

export function fromHex(s: string): Uint8Array {
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(s)) throw new Error("not a hex string");
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** The TLV blocks of a keybag, bounds-checked. */
export function* keybagTlv(data: Uint8Array): Generator<[string, Uint8Array]> {
  let at = 0;
  while (at < data.length) {
    if (at + 8 > data.length) throw new KeybagError(`BackupKeyBag is truncated at byte ${at} (a tag header needs 8 bytes)`);
    const tag = fourCC(data, at);
    const len = u32be(data.subarray(at + 4, at + 8));
    if (at + 8 + len > data.length) throw new KeybagError(`BackupKeyBag tag ${JSON.stringify(tag)} claims ${len} bytes, past the end of the keybag`);
    yield [tag, data.subarray(at + 8, at + 8 + len)];
    at += 8 + len;
  }
}

export class Keybag {
  private constructor(
    readonly header: KeybagHeader,
    readonly classKeys: Map<number, ClassKey>,
  ) {}

  static parse(data: Uint8Array): Keybag {
    const attrs = new Map<string, Uint8Array>();
    const classes = new Map<number, ClassKey>();
    let uuid: Uint8Array | null = null;
    let wrap: number | null = null;
    let current: Partial<ClassKey> & { uuid: Uint8Array; fields: Map<string, Uint8Array> } | null = null;
    const finish = () => {
      if (!current) return;
      const clas = current.fields.get("CLAS");
      if (!clas || clas.length !== 4) throw new KeybagError("BackupKeyBag class key without a 4-byte CLAS");
      const num = (t: string) => {
        const v = current!.fields.get(t);
        return v && v.length === 4 ? u32be(v) : 0;
      };
      const protectionClass = u32be(clas);
      classes.set(protectionClass, {
        uuid: current.uuid,
        protectionClass,
        wrap: num("WRAP"),
        keyType: num("KTYP"),
        wrappedKey: current.fields.get("WPKY") ?? null,
      });
      current = null;
    };
    for (const [tag, value] of keybagTlv(data)) {
      if (tag === "UUID" && uuid === null) uuid = value;
      else if (tag === "WRAP" && wrap === null && current === null) wrap = value.length === 4 ? u32be(value) : null;
      else if (tag === "UUID") {
        finish();
        current = { uuid: value, fields: new Map() };
      } else if (current && CLASS_KEY_TAGS.has(tag)) current.fields.set(tag, value);
      else attrs.set(tag, value);
    }
    finish();
    const int = (t: string): number | null => {
      const v = attrs.get(t);
      return v && v.length === 4 ? u32be(v) : null;
    };
    const salt = attrs.get("SALT");
    const iterations = int("ITER");
    if (!uuid) throw new KeybagError("BackupKeyBag has no UUID: not a keybag");
    if (!salt || iterations === null) throw new KeybagError("BackupKeyBag has no SALT/ITER: cannot derive the key from a password");
    const dpSalt = attrs.get("DPSL") ?? null;
    const dpIterations = int("DPIC");
    for (const [name, n] of [["ITER", iterations], ["DPIC", dpIterations]] as const) {
      if (n !== null && (n < 1 || n > MAX_ITERATIONS)) throw new KeybagError(`BackupKeyBag ${name} = ${n} is out of range (1–${MAX_ITERATIONS})`);
    }
    if (![...classes.values()].some((c) => c.wrappedKey && c.wrap & WRAP_PASSCODE)) {
      throw new KeybagError("BackupKeyBag holds no password-wrapped class key");
    }
    const header: KeybagHeader = {
      version: int("VERS"),
      type: int("TYPE"),
      uuid,
      wrap,
      salt,
      iterations,
      dpSalt: dpSalt && dpIterations !== null ? dpSalt : null,
      dpIterations: dpSalt && dpIterations !== null ? dpIterations : null,
    };
    return new Keybag(header, classes);
  }

  get uuidHex(): string {
    return toHex(this.header.uuid);
  }

  /** The slow part: the two PBKDF2 steps from the backup password to the key that unwraps the class keys. */
  async deriveKey(password: string | Uint8Array, crypto: BackupCrypto): Promise<Uint8Array> {
    const pw = typeof password === "string" ? new TextEncoder().encode(password) : password;
    const h = this.header;
    const first = h.dpSalt && h.dpIterations !== null ? await crypto.pbkdf2("SHA-256", pw, h.dpSalt, h.dpIterations, KEY_BYTES) : pw;
    return crypto.pbkdf2("SHA-1", first, h.salt, h.iterations, KEY_BYTES);
  }

  /** Unwrap every class key with the derived key; WrongPasswordError when the integrity check fails. */
  async unlock(derivedKey: Uint8Array, crypto: BackupCrypto): Promise<UnlockedKeybag> {
    const keys = new Map<number, Uint8Array>();
    for (const c of this.classKeys.values()) {
      if (!c.wrappedKey || !(c.wrap & WRAP_PASSCODE)) continue;
      const key = await crypto.unwrapKey(derivedKey, c.wrappedKey);
      if (!key) {
        throw new WrongPasswordError(
          "wrong backup password (or a key file for another backup): the class keys do not unwrap (RFC 3394 integrity check failed)",
        );
      }
      keys.set(c.protectionClass, key);
    }
    return new UnlockedKeybag(this, keys, crypto);
  }
}

export class UnlockedKeybag {
  constructor(
    readonly keybag: Keybag,
    private readonly classKeys: Map<number, Uint8Array>,
    private readonly crypto: BackupCrypto,
  ) {}

  /** Unwrap a key stored as 4-byte little-endian protection class + RFC 3394 wrapped key (ManifestKey,
   *  MBFile EncryptionKey). */
  async unwrapClassed(blob: Uint8Array, what: string): Promise<Uint8Array> {
    if (blob.length < 4 + 24) throw new KeybagError(`${what}: a wrapped key of ${blob.length} bytes is too short`);
    const cls = (blob[0] | (blob[1] << 8) | (blob[2] << 16) | (blob[3] << 24)) >>> 0;
    const classKey = this.classKeys.get(cls);
    if (!classKey) throw new KeybagError(`${what}: protection class ${cls} has no key in the BackupKeyBag`);
    const key = await this.crypto.unwrapKey(classKey, blob.subarray(4));
    if (!key) throw new KeybagError(`${what}: the wrapped key does not unwrap with class key ${cls} (damaged record?)`);
    return key;
  }
}

/** A derived key saved for reuse (`--key-file`): JSON, as sensitive as the password itself. */
export interface DerivedKeyFile {
  format: "spyscope-ios-backup-key";
  version: 1;
  warning: string;
  keybag_uuid: string;
  salt: string;
  iterations: number;
  dp_salt: string | null;
  dp_iterations: number | null;
  key: string;
}

export function derivedKeyFile(keybag: Keybag, key: Uint8Array): DerivedKeyFile {
  const h = keybag.header;
  return {
    format: "spyscope-ios-backup-key",
    version: 1,
    warning: "This key decrypts the iOS backup named by keybag_uuid without its password: keep it as secret as the password.",
    keybag_uuid: toHex(h.uuid),
    salt: toHex(h.salt),
    iterations: h.iterations,
    dp_salt: h.dpSalt ? toHex(h.dpSalt) : null,
    dp_iterations: h.dpIterations,
    key: toHex(key),
  };
}

/** The key from a saved key file, after checking it was derived for this very keybag (UUID and salts). */
export function keyFromKeyFile(value: unknown, keybag: Keybag): Uint8Array {
  const f = value as Partial<DerivedKeyFile> | null;
  if (!f || typeof f !== "object" || f.format !== "spyscope-ios-backup-key" || f.version !== 1 || typeof f.key !== "string") {
    throw new KeybagError("not a spyscope backup key file (format spyscope-ios-backup-key, version 1)");
  }
  const h = keybag.header;
  if (f.keybag_uuid !== toHex(h.uuid)) {
    throw new KeybagError(`the key file is for another backup (keybag ${f.keybag_uuid}; this backup's keybag is ${toHex(h.uuid)})`);
  }
  if (f.salt !== toHex(h.salt) || f.iterations !== h.iterations || (f.dp_salt ?? null) !== (h.dpSalt ? toHex(h.dpSalt) : null)) {
    throw new KeybagError("the key file was derived with other salts or iteration counts than this backup's keybag");
  }
  const key = fromHex(f.key);
  if (key.length !== KEY_BYTES) throw new KeybagError(`the key file's key is ${key.length} bytes, not ${KEY_BYTES}`);
  return key;
}
