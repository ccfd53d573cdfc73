// JSON as MVT writes it (4-space indent), with the values SQLite and plists give us: bigint as a plain
// number literal (sms.db dates exceed 2^53), bytes as base64, dates in MVT's UTC format.

import { isoFromDate } from "../util/time.js";

const BIG = "\u0000big:";

function replacer(this: unknown, key: string, value: unknown): unknown {
  if (value === null || typeof value === "number" || typeof value === "boolean") return value;
  if (typeof value === "bigint") return BIG + value.toString();
  // toJSON (Date, Buffer) has already run; the holder still has the original value.
  const orig = (this as Record<string, unknown>)[key];
  if (orig instanceof Date) return isoFromDate(orig);
  if (orig instanceof Uint8Array) return bytesToBase64(orig);
  if (value instanceof Map) return Object.fromEntries(value);
  if (value instanceof Set) return [...value];
  return value;
}

const BIG_RE = /"\\u0000big:(-?\d+)"/g;

/** Signs that plain JSON.stringify met a value it renders differently from us (bytes, dates). */
const ISO_DATE = /\d\d:\d\d:\d\d\.\d{3}Z"/;
function needsReplacer(s: string): boolean {
  return s.includes('{"type":"Buffer","data":[') || s.includes('{"0":') || (s.includes('Z"') && ISO_DATE.test(s));
}

/** V8's fast serialiser (a replacer turns it off) for the common record: an object of strings, numbers and
 *  top-level bigints (sms.db dates); null when the value needs the replacer (bytes, dates, nested bigints). */
function plainJson(value: unknown): string | null {
  let target = value;
  if (value !== null && typeof value === "object" && !Array.isArray(value) && !(value instanceof Uint8Array)) {
    let copy: Record<string, unknown> | null = null;
    const obj = value as Record<string, unknown>;
    for (const k in obj) {
      const v = obj[k];
      if (typeof v === "bigint") (copy ??= { ...obj })[k] = BIG + v.toString();
    }
    if (copy) target = copy;
  }
  let s: string | undefined;
  try {
    s = JSON.stringify(target);
  } catch {
    return null; // a nested bigint
  }
  if (s === undefined || needsReplacer(s)) return null;
  return s.indexOf("\\u0000big:") === -1 ? s : s.replace(BIG_RE, "$1");
}

/** Serialise with MVT's layout; `indent` 4 by default, 0 for one line. */
export function toJson(value: unknown, indent = 4): string {
  if (!indent) {
    const fast = plainJson(value);
    if (fast !== null) return fast;
  }
  const s = JSON.stringify(value, replacer, indent || undefined);
  return s.indexOf("\\u0000big:") === -1 ? s : s.replace(BIG_RE, "$1");
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

export function bytesToBase64(b: Uint8Array): string {
  let out = "";
  let i = 0;
  for (; i + 2 < b.length; i += 3) {
    const n = (b[i] << 16) | (b[i + 1] << 8) | b[i + 2];
    out += B64[n >> 18] + B64[(n >> 12) & 63] + B64[(n >> 6) & 63] + B64[n & 63];
  }
  if (i < b.length) {
    const n = (b[i] << 16) | ((i + 1 < b.length ? b[i + 1] : 0) << 8);
    out += B64[n >> 18] + B64[(n >> 12) & 63] + (i + 1 < b.length ? B64[(n >> 6) & 63] : "=") + "=";
  }
  return out;
}

