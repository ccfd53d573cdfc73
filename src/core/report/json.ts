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
  // An empty Uint8Array (sql.js's empty BLOB) stringifies as {}.
  return s.includes('{"type":"Buffer","data":[') || s.includes('{"0":') || s.includes("{}") || (s.includes('Z"') && ISO_DATE.test(s));
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

/** One value inside a compiled record serialiser: primitives inline, everything else through toJson. */
function valueJson(v: unknown): string | undefined {
  switch (typeof v) {
    case "string":
      return JSON.stringify(v);
    case "number":
      return Number.isFinite(v) ? String(v) : "null";
    case "bigint":
      return v.toString();
    case "boolean":
      return v ? "true" : "false";
    case "undefined":
    case "function":
    case "symbol":
      return undefined; // JSON.stringify leaves such properties out
    default:
      if (v === null) return "null";
      if (Array.isArray(v) && v.length === 0) return "[]";
      return toJson(v, 0);
  }
}

type RecordSerializer = (o: Record<string, unknown>, value: typeof valueJson) => string | null;

/** Code for one key list: the keys' JSON prefixes are constants, each value goes through `value`. Returns
 *  null when a property serialises to nothing (undefined), so the caller falls back to the generic path. */
function compileSerializer(keys: string[]): RecordSerializer {
  // o["__proto__"] would read the prototype, not an own property of that name (JSON.parse makes those).
  if (keys.includes("__proto__")) return () => null;
  const parts = keys.map((k, i) => {
    const prefix = JSON.stringify((i ? "," : "{") + JSON.stringify(k) + ":");
    return `x = v(o[${JSON.stringify(k)}]); if (x === undefined) return null; s += ${prefix} + x;`;
  });
  const body = `let s = ""; let x;\n${parts.join("\n")}\nreturn ${keys.length ? 's + "}"' : '"{}"'};`;
  return new Function("o", "v", body) as RecordSerializer;
}

/** Serialisers compiled per key list. Records of one module share one shape, so the last one is checked
 *  first; a bounded cache covers modules that alternate between a few shapes. */
class SerializerCache {
  private lastKeys: string[] = [];
  private last: RecordSerializer | null = null;
  private byShape = new Map<string, RecordSerializer>();

  get(keys: string[]): RecordSerializer {
    const lk = this.lastKeys;
    if (this.last && lk.length === keys.length) {
      let same = true;
      for (let i = 0; i < keys.length; i++) {
        if (lk[i] !== keys[i]) {
          same = false;
          break;
        }
      }
      if (same) return this.last;
    }
    const shape = keys.join("\u0000");
    let fn = this.byShape.get(shape);
    if (!fn) {
      if (this.byShape.size >= 256) this.byShape.clear();
      fn = compileSerializer(keys);
      this.byShape.set(shape, fn);
    }
    this.lastKeys = keys;
    this.last = fn;
    return fn;
  }
}

const serializers = new SerializerCache();

const RECORD_JSON = Symbol("recordJson");

/** Attach the record's one-line JSON, already rendered (e.g. by SQLite, for rows of 80+ columns): writers
 *  use it instead of serialising the object, which may then hold only the fields the checks read. */
export function withRecordJson<T extends object>(record: T, json: string): T {
  (record as { [RECORD_JSON]?: string })[RECORD_JSON] = json;
  return record;
}

/** One-line JSON of a record, byte-identical to `toJson(value, 0)` and much faster for the flat objects
 *  modules yield: JSON.stringify when all values are primitives JSON renders like us, otherwise a serialiser
 *  compiled per key list (no bigint copy, no replacer pass). */
export function recordJson(value: unknown): string {
  const rendered = value !== null && typeof value === "object" ? (value as { [RECORD_JSON]?: string })[RECORD_JSON] : undefined;
  if (rendered !== undefined) return rendered;
  if (value === null || typeof value !== "object" || Array.isArray(value) || value instanceof Uint8Array) return toJson(value, 0);
  const proto = Object.getPrototypeOf(value);
  if ((proto !== Object.prototype && proto !== null) || typeof (value as { toJSON?: unknown }).toJSON === "function") {
    return toJson(value, 0);
  }
  const o = value as Record<string, unknown>;
  if (allPrimitive(o)) return JSON.stringify(o);
  return serializers.get(Object.keys(o))(o, valueJson) ?? toJson(value, 0);
}

/** Whether every property is a string, number, boolean or null: then V8's own serialiser (a quarter faster
 *  than the compiled one) writes exactly what we would. */
function allPrimitive(o: Record<string, unknown>): boolean {
  for (const k in o) {
    const v = o[k];
    const t = typeof v;
    if (t !== "string" && t !== "number" && t !== "boolean" && v !== null) return false;
  }
  return true;
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

