// Internals shared by the plist reader, writer and NSKeyedArchiver decoder (not part of the public API).

/** Raised for anything that is not a well-formed property list (garbage, truncated, hostile). */
export class PlistError extends Error {
  override name = "PlistError";
}

/** Seconds between the Unix epoch and Apple's reference date, 2001-01-01T00:00:00Z. */
export const APPLE_EPOCH_OFFSET = 978_307_200;

/** Set a key on a plain object without letting "__proto__" change its prototype. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

/** Run a recursive decoder, turning a JS stack overflow (possible only with a raised maxDepth) into a PlistError. */
export function guardStack<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof RangeError) throw new PlistError(`property list too deeply nested or too large to decode (${e.message})`);
    throw e;
  }
}

const B64_VALUES = (() => {
  const table = new Int16Array(128).fill(-1);
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (let i = 0; i < alphabet.length; i++) table[alphabet.charCodeAt(i)] = i;
  table["-".charCodeAt(0)] = 62; // tolerate base64url
  table["_".charCodeAt(0)] = 63;
  return table;
})();

/** Base64 decoder that skips whitespace and tolerates missing padding. */
export function decodeBase64(text: string, at = 0): Uint8Array {
  const out = new Uint8Array(Math.floor((text.length * 3) / 4) + 3);
  let n = 0;
  let acc = 0;
  let bits = 0;
  let ended = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) continue;
    if (c === 0x3d /* = */) {
      ended = true;
      continue;
    }
    const v = c < 128 ? B64_VALUES[c] : -1;
    if (v < 0 || ended) throw new PlistError(`XML plist: invalid base64 in <data> at offset ${at}`);
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = (acc >> bits) & 0xff;
    }
  }
  return out.slice(0, n);
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Standard padded base64 (no line breaks). */
export function encodeBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  let line = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i];
    const b = i + 1 < bytes.length ? bytes[i + 1] : 0;
    const c = i + 2 < bytes.length ? bytes[i + 2] : 0;
    const n = (a << 16) | (b << 8) | c;
    line +=
      B64[(n >> 18) & 63] +
      B64[(n >> 12) & 63] +
      (i + 1 < bytes.length ? B64[(n >> 6) & 63] : "=") +
      (i + 2 < bytes.length ? B64[n & 63] : "=");
    if (line.length >= 4096) {
      parts.push(line);
      line = "";
    }
  }
  parts.push(line);
  return parts.join("");
}
