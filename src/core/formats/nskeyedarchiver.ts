// NSKeyedArchiver decoding: turns an archive plist ($archiver, $objects, $top) into plain JS values.
//
// Used e.g. for the `file` column of an iOS backup's Manifest.db (MBFile objects). Input is
// untrusted: UIDs are bounds-checked, nesting is capped, shared objects are decoded once
// (memoised, so a "billion laughs" DAG stays linear) and reference cycles are errors by default.

import { dateFromAppleTime, PlistUid, type PlistValue } from "./plist.js";
import { guardStack, PlistError, setOwn } from "./plist-internal.js";

export interface UnarchiveOptions {
  /** Which $top entry to decode (default "root", else the first key of $top). */
  topKey?: string;
  /** Refuse object graphs nested deeper than this (default 256). */
  maxDepth?: number;
  /**
   * What to do when an object (indirectly) contains itself: "error" (default) throws a PlistError,
   * "null" replaces the back-reference with null so the output stays acyclic.
   */
  cycles?: "error" | "null";
}

type PlainDict = { [k: string]: PlistValue };

const classNames = new WeakMap<object, string>();

/** The archived class name of an object decoded from an unknown class (e.g. "MBFile"), if any. */
export function archivedClassName(value: unknown): string | undefined {
  return value !== null && typeof value === "object" ? classNames.get(value) : undefined;
}

function isPlainDict(v: unknown): v is PlainDict {
  return (
    v !== null &&
    typeof v === "object" &&
    !Array.isArray(v) &&
    !(v instanceof Uint8Array) &&
    !(v instanceof Date) &&
    !(v instanceof PlistUid)
  );
}

/** True if the parsed plist is an NSKeyedArchiver archive ($archiver/$objects/$top). */
export function isKeyedArchive(value: unknown): value is PlainDict & { $objects: PlistValue[]; $top: PlainDict } {
  if (!isPlainDict(value)) return false;
  const archiver = value.$archiver;
  return (
    Array.isArray(value.$objects) &&
    isPlainDict(value.$top) &&
    (archiver === undefined || (typeof archiver === "string" && archiver.endsWith("KeyedArchiver")))
  );
}

/** Decode an NSKeyedArchiver plist into plain values. Throws PlistError if it is not a (valid) archive. */
export function unarchive(value: PlistValue, opts: UnarchiveOptions = {}): unknown {
  if (!isKeyedArchive(value)) {
    throw new PlistError("not an NSKeyedArchiver archive (no $archiver/$objects/$top)");
  }
  const top = value.$top;
  const keys = Object.keys(top);
  if (keys.length === 0) throw new PlistError("NSKeyedArchiver archive has an empty $top");
  const key = opts.topKey ?? (Object.prototype.hasOwnProperty.call(top, "root") ? "root" : keys[0]);
  if (!Object.prototype.hasOwnProperty.call(top, key)) {
    throw new PlistError(`NSKeyedArchiver archive has no $top entry "${key}"`);
  }
  const decoder = new KeyedUnarchiver(value.$objects, opts.maxDepth ?? 256, opts.cycles ?? "error");
  return guardStack(() => decoder.field(top[key], 0));
}

const IN_PROGRESS = Symbol("in-progress");

class KeyedUnarchiver {
  private readonly memo = new Map<number, unknown>();

  constructor(
    private readonly objects: PlistValue[],
    private readonly maxDepth: number,
    private readonly cycles: "error" | "null",
  ) {}

  /** Inline containers already decoded: parsed plists share equal sub-objects, so this keeps DAGs linear. */
  private readonly inlineMemo = new Map<object, unknown>();

  /** A field value: UIDs are resolved, inline containers decoded element-wise, scalars kept. */
  field(v: PlistValue, depth: number): unknown {
    if (depth > this.maxDepth) throw new PlistError(`NSKeyedArchiver archive nests deeper than ${this.maxDepth} levels`);
    if (v instanceof PlistUid) return this.resolve(v.UID, depth + 1);
    if (!Array.isArray(v) && !isPlainDict(v)) return v;
    const cached = this.inlineMemo.get(v);
    if (cached === IN_PROGRESS) {
      if (this.cycles === "null") return null;
      throw new PlistError("NSKeyedArchiver archive has a reference cycle through an inline container");
    }
    if (cached !== undefined) return cached;
    this.inlineMemo.set(v, IN_PROGRESS);
    let out: unknown;
    try {
      if (Array.isArray(v)) {
        out = v.map((x) => this.field(x, depth + 1));
      } else {
        const o: Record<string, unknown> = {};
        for (const [k, x] of Object.entries(v)) setOwn(o, k, this.field(x, depth + 1));
        out = o;
      }
    } catch (e) {
      this.inlineMemo.delete(v);
      throw e;
    }
    this.inlineMemo.set(v, out);
    return out;
  }

  resolve(uid: number, depth: number): unknown {
    if (!Number.isSafeInteger(uid) || uid < 0 || uid >= this.objects.length) {
      throw new PlistError(`NSKeyedArchiver archive references object ${uid}, but $objects has ${this.objects.length}`);
    }
    const cached = this.memo.get(uid);
    if (cached === IN_PROGRESS) {
      if (this.cycles === "null") return null;
      throw new PlistError(`NSKeyedArchiver archive has a reference cycle through object ${uid}`);
    }
    if (cached !== undefined || this.memo.has(uid)) return cached;
    if (depth > this.maxDepth) throw new PlistError(`NSKeyedArchiver archive nests deeper than ${this.maxDepth} levels`);
    this.memo.set(uid, IN_PROGRESS);
    let out: unknown;
    try {
      out = this.decodeObject(this.objects[uid], depth);
    } catch (e) {
      this.memo.delete(uid);
      throw e;
    }
    this.memo.set(uid, out);
    return out;
  }

  private decodeObject(obj: PlistValue, depth: number): unknown {
    if (obj === "$null") return null;
    if (!isPlainDict(obj)) return this.field(obj, depth);
    const classRef = obj.$class;
    if (!(classRef instanceof PlistUid)) {
      // A plain dictionary stored in $objects (unusual): decode its values.
      return this.field(obj, depth);
    }
    const cls = this.classInfo(classRef.UID);
    const kind = knownKind(cls);
    switch (kind) {
      case "null":
        return null;
      case "dict": {
        const keys = obj["NS.keys"];
        const values = obj["NS.objects"];
        if (!Array.isArray(keys) || !Array.isArray(values) || keys.length !== values.length) {
          throw new PlistError(`NSKeyedArchiver ${cls.name} has malformed NS.keys/NS.objects`);
        }
        const out: Record<string, unknown> = {};
        for (let i = 0; i < keys.length; i++) {
          const k = this.field(keys[i], depth + 1);
          setOwn(out, keyString(k), this.field(values[i], depth + 1));
        }
        return out;
      }
      case "array": {
        const items = obj["NS.objects"];
        if (items === undefined) return [];
        if (!Array.isArray(items)) throw new PlistError(`NSKeyedArchiver ${cls.name} has malformed NS.objects`);
        return items.map((x) => this.field(x, depth + 1));
      }
      case "string": {
        const s = obj["NS.string"] ?? obj["NS.bytes"];
        if (typeof s === "string") return s;
        if (s instanceof Uint8Array) return new TextDecoder("utf-8").decode(s);
        if (s instanceof PlistUid) return this.field(s, depth + 1);
        throw new PlistError(`NSKeyedArchiver ${cls.name} has no NS.string`);
      }
      case "data": {
        const d = obj["NS.data"];
        if (d instanceof Uint8Array) return d;
        if (d instanceof PlistUid) return this.field(d, depth + 1);
        if (d === undefined) return new Uint8Array(0);
        throw new PlistError(`NSKeyedArchiver ${cls.name} has malformed NS.data`);
      }
      case "date": {
        const t = obj["NS.time"];
        if (typeof t === "number") return dateFromAppleTime(t);
        if (typeof t === "bigint") return dateFromAppleTime(Number(t));
        throw new PlistError(`NSKeyedArchiver ${cls.name} has no numeric NS.time`);
      }
      case "url": {
        const relative = this.field(obj["NS.relative"] ?? "$null", depth + 1);
        const base = obj["NS.base"] === undefined ? null : this.field(obj["NS.base"], depth + 1);
        const rel = typeof relative === "string" ? relative : "";
        if (typeof base === "string" && base !== "") {
          try {
            return new URL(rel, base).href;
          } catch {
            return base + rel;
          }
        }
        return rel;
      }
      case "uuid": {
        const b = obj["NS.uuidbytes"];
        if (b instanceof Uint8Array && b.length === 16) return formatUuid(b);
        break;
      }
    }
    const out: Record<string, unknown> = {};
    classNames.set(out, cls.name);
    for (const [k, x] of Object.entries(obj)) {
      if (k === "$class") continue;
      setOwn(out, k, this.field(x, depth + 1));
    }
    return out;
  }

  private classInfo(uid: number): { name: string; chain: string[] } {
    const c = uid >= 0 && uid < this.objects.length ? this.objects[uid] : undefined;
    if (!isPlainDict(c) || typeof c.$classname !== "string") {
      throw new PlistError(`NSKeyedArchiver archive: $class UID ${uid} is not a class description`);
    }
    const chain = Array.isArray(c.$classes) ? c.$classes.filter((x): x is string => typeof x === "string") : [];
    return { name: c.$classname, chain: [c.$classname, ...chain] };
  }
}

type Kind = "dict" | "array" | "string" | "data" | "date" | "url" | "uuid" | "null" | "object";

const KINDS: Record<string, Kind> = {
  NSDictionary: "dict",
  NSMutableDictionary: "dict",
  NSArray: "array",
  NSMutableArray: "array",
  NSSet: "array",
  NSMutableSet: "array",
  NSOrderedSet: "array",
  NSMutableOrderedSet: "array",
  NSString: "string",
  NSMutableString: "string",
  NSData: "data",
  NSMutableData: "data",
  NSDate: "date",
  NSURL: "url",
  NSUUID: "uuid",
  NSNull: "null",
};

function knownKind(cls: { chain: string[] }): Kind {
  for (const name of cls.chain) {
    if (Object.prototype.hasOwnProperty.call(KINDS, name)) return KINDS[name];
  }
  return "object";
}

function keyString(k: unknown): string {
  if (typeof k === "string") return k;
  if (typeof k === "number" || typeof k === "bigint" || typeof k === "boolean") return String(k);
  if (k === null) return "null";
  throw new PlistError("NSKeyedArchiver dictionary has a non-scalar key");
}

function formatUuid(b: Uint8Array): string {
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`.toUpperCase();
}
