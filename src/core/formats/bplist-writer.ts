// Property-list writers (binary bplist00 and XML) and NSKeyedArchiver helpers, e.g. to build the
// MBFile blobs of a synthetic iOS backup's Manifest.db. Browser-safe: no node:* imports, no Buffer.

import { APPLE_EPOCH_OFFSET, encodeBase64, PlistError } from "./plist-internal.js";
import { PlistUid, type PlistValue } from "./plist.js";
import { concatBytes } from "../util/bytes.js";

/** Forces a number to be written as a real (float64) even when it is integral. */
export class PlistReal {
  constructor(readonly value: number) {}
}

/** What the writers accept: any PlistValue, plus PlistReal to force a real; undefined dict entries are skipped. */
export type PlistWritable =
  | PlistValue
  | PlistReal
  | PlistWritable[]
  | { [k: string]: PlistWritable | undefined };

const MAX_DEPTH = 512;

// ---------------------------------------------------------------------------------------------
// Binary plists
// ---------------------------------------------------------------------------------------------

type FlatObject =
  | { t: "scalar"; bytes: Uint8Array }
  | { t: "array"; refs: number[] }
  | { t: "dict"; keys: number[]; values: number[] };

/**
 * Serialise a value as a binary property list (bplist00). Integral numbers become ints (negative ones
 * 8-byte, as Apple writes them), other numbers float64 reals; bigints up to 128-bit; strings ASCII when
 * possible, else UTF-16BE. Equal strings/numbers/dates/UIDs are written once; a JS object reachable from
 * itself is an error.
 */
export function writeBinaryPlist(value: PlistWritable): Uint8Array {
  const nodes: FlatObject[] = [];
  const scalarIndex = new Map<string, number>();
  const containerIndex = new Map<object, number>();
  const inProgress = new Set<object>();

  const addScalar = (key: string | null, make: () => Uint8Array): number => {
    if (key !== null) {
      const found = scalarIndex.get(key);
      if (found !== undefined) return found;
    }
    const idx = nodes.length;
    nodes.push({ t: "scalar", bytes: make() });
    if (key !== null) scalarIndex.set(key, idx);
    return idx;
  };

  const flatten = (v: PlistWritable, depth: number): number => {
    if (depth > MAX_DEPTH) throw new PlistError(`value nests deeper than ${MAX_DEPTH} levels`);
    if (v === null) return addScalar("n", () => Uint8Array.of(0x00));
    switch (typeof v) {
      case "boolean":
        return addScalar(v ? "T" : "F", () => Uint8Array.of(v ? 0x09 : 0x08));
      case "number":
        if (Number.isSafeInteger(v) && !Object.is(v, -0)) return addScalar(`i${v}`, () => encodeInt(BigInt(v)));
        return addScalar(realKey(v), () => encodeReal(v));
      case "bigint":
        return addScalar(`i${v}`, () => encodeInt(v));
      case "string":
        return addScalar(`s${v}`, () => encodeString(v));
      case "object":
        break;
      default:
        throw new PlistError(`cannot write a ${typeof v} to a property list`);
    }
    if (v instanceof PlistReal) return addScalar(realKey(v.value), () => encodeReal(v.value));
    if (v instanceof Date) {
      const t = v.getTime();
      if (Number.isNaN(t)) throw new PlistError("cannot write an invalid Date to a property list");
      return addScalar(`d${t}`, () => encodeDate(v));
    }
    if (v instanceof Uint8Array) return addScalar(null, () => encodeData(v));
    if (v instanceof PlistUid) {
      if (!Number.isSafeInteger(v.UID) || v.UID < 0) throw new PlistError(`invalid UID ${v.UID}`);
      return addScalar(`u${v.UID}`, () => encodeUid(v.UID));
    }
    const seen = containerIndex.get(v);
    if (seen !== undefined) return seen;
    if (inProgress.has(v)) throw new PlistError("cannot write a value that contains itself (reference cycle)");
    inProgress.add(v);
    const idx = nodes.length;
    if (Array.isArray(v)) {
      const node: FlatObject = { t: "array", refs: [] };
      nodes.push(node);
      for (const x of v) node.refs.push(flatten(x === undefined ? null : x, depth + 1));
    } else {
      const node: FlatObject = { t: "dict", keys: [], values: [] };
      nodes.push(node);
      const entries = Object.entries(v).filter(([, x]) => x !== undefined) as [string, PlistWritable][];
      for (const [k] of entries) node.keys.push(flatten(k, depth + 1));
      for (const [, x] of entries) node.values.push(flatten(x, depth + 1));
    }
    inProgress.delete(v);
    containerIndex.set(v, idx);
    return idx;
  };

  const top = flatten(value, 0);
  const numObjects = nodes.length;
  const refSize = bytesFor(numObjects - 1);

  // Encode objects and record their offsets.
  const chunks: Uint8Array[] = [ascii("bplist00")];
  const offsets: number[] = new Array(numObjects);
  let pos = 8;
  for (let i = 0; i < numObjects; i++) {
    const node = nodes[i];
    offsets[i] = pos;
    let bytes: Uint8Array;
    if (node.t === "scalar") bytes = node.bytes;
    else if (node.t === "array") bytes = encodeContainer(0xa0, node.refs.length, [node.refs], refSize);
    else bytes = encodeContainer(0xd0, node.keys.length, [node.keys, node.values], refSize);
    chunks.push(bytes);
    pos += bytes.length;
  }
  const tableOffset = pos;
  const offsetSize = bytesFor(tableOffset);
  const table = new Uint8Array(numObjects * offsetSize);
  for (let i = 0; i < numObjects; i++) writeUnsigned(table, i * offsetSize, offsetSize, offsets[i]);
  chunks.push(table);
  const trailer = new Uint8Array(32);
  const tv = new DataView(trailer.buffer);
  trailer[6] = offsetSize;
  trailer[7] = refSize;
  tv.setBigUint64(8, BigInt(numObjects));
  tv.setBigUint64(16, BigInt(top));
  tv.setBigUint64(24, BigInt(tableOffset));
  chunks.push(trailer);
  return concatBytes(chunks);
}

function realKey(v: number): string {
  return Object.is(v, -0) ? "r-0" : `r${v}`;
}

/** Smallest of 1, 2, 4, 8 bytes that holds the non-negative integer n. */
function bytesFor(n: number): number {
  if (n < 0x100) return 1;
  if (n < 0x10000) return 2;
  if (n < 0x1_0000_0000) return 4;
  return 8;
}

function writeUnsigned(out: Uint8Array, pos: number, size: number, n: number): void {
  for (let i = size - 1; i >= 0; i--) {
    out[pos + i] = n % 256;
    n = Math.floor(n / 256);
  }
}

function ascii(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

const TWO_63 = 1n << 63n;
const TWO_64 = 1n << 64n;
const TWO_127 = 1n << 127n;

function encodeInt(v: bigint): Uint8Array {
  if (v >= 0n && v < 0x100n) return Uint8Array.of(0x10, Number(v));
  if (v >= 0n && v < 0x10000n) return Uint8Array.of(0x11, Number(v >> 8n), Number(v & 0xffn));
  if (v >= 0n && v < 0x1_0000_0000n) {
    const out = new Uint8Array(5);
    out[0] = 0x12;
    new DataView(out.buffer).setUint32(1, Number(v));
    return out;
  }
  if (v >= -TWO_63 && v < TWO_63) {
    const out = new Uint8Array(9);
    out[0] = 0x13;
    new DataView(out.buffer).setBigInt64(1, v);
    return out;
  }
  if (v >= -TWO_127 && v < TWO_127) {
    // 128-bit two's complement; for 2^63 ≤ v < 2^64 the high half is zero, as Apple writes it.
    const out = new Uint8Array(17);
    out[0] = 0x14;
    const dv = new DataView(out.buffer);
    dv.setBigInt64(1, v >> 64n);
    dv.setBigUint64(9, ((v % TWO_64) + TWO_64) % TWO_64);
    return out;
  }
  throw new PlistError(`integer ${v} does not fit in 128 bits`);
}

function encodeReal(v: number): Uint8Array {
  const out = new Uint8Array(9);
  out[0] = 0x23;
  new DataView(out.buffer).setFloat64(1, v);
  return out;
}

function encodeDate(d: Date): Uint8Array {
  const out = new Uint8Array(9);
  out[0] = 0x33;
  new DataView(out.buffer).setFloat64(1, d.getTime() / 1000 - APPLE_EPOCH_OFFSET);
  return out;
}

/** Marker byte plus length: low nibble, or 0xF and an int object. */
function header(type: number, n: number): Uint8Array {
  if (n < 15) return Uint8Array.of(type | n);
  const len = encodeInt(BigInt(n));
  const out = new Uint8Array(1 + len.length);
  out[0] = type | 0x0f;
  out.set(len, 1);
  return out;
}

function encodeData(d: Uint8Array): Uint8Array {
  const h = header(0x40, d.length);
  const out = new Uint8Array(h.length + d.length);
  out.set(h);
  out.set(d, h.length);
  return out;
}

function encodeString(s: string): Uint8Array {
  let isAscii = true;
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 0x7f) {
      isAscii = false;
      break;
    }
  }
  if (isAscii) {
    const h = header(0x50, s.length);
    const out = new Uint8Array(h.length + s.length);
    out.set(h);
    for (let i = 0; i < s.length; i++) out[h.length + i] = s.charCodeAt(i);
    return out;
  }
  const h = header(0x60, s.length);
  const out = new Uint8Array(h.length + 2 * s.length);
  out.set(h);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out[h.length + 2 * i] = c >> 8;
    out[h.length + 2 * i + 1] = c & 0xff;
  }
  return out;
}

function encodeUid(n: number): Uint8Array {
  const size = bytesFor(n);
  const out = new Uint8Array(1 + size);
  out[0] = 0x80 | (size - 1);
  writeUnsigned(out, 1, size, n);
  return out;
}

function encodeContainer(type: number, n: number, refLists: number[][], refSize: number): Uint8Array {
  const h = header(type, n);
  let total = 0;
  for (const l of refLists) total += l.length;
  const out = new Uint8Array(h.length + total * refSize);
  out.set(h);
  let pos = h.length;
  for (const l of refLists) {
    for (const r of l) {
      writeUnsigned(out, pos, refSize, r);
      pos += refSize;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// XML plists
// ---------------------------------------------------------------------------------------------

const XML_HEADER =
  '<?xml version="1.0" encoding="UTF-8"?>\n' +
  '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n' +
  '<plist version="1.0">\n';

/** Serialise a value as an XML property list (UTF-8 bytes), in Apple's layout (tab-indented). */
export function writeXmlPlist(value: PlistWritable): Uint8Array {
  return new TextEncoder().encode(xmlPlistString(value));
}

/**
 * Serialise a value as an XML property list string. XML plists have no null: null/undefined dict entries are
 * skipped, null elsewhere is an error. UIDs are written the way CoreFoundation does (CF$UID dicts).
 */
export function xmlPlistString(value: PlistWritable): string {
  const out: string[] = [XML_HEADER];
  writeXml(value, 0, out, new Set());
  out.push("</plist>\n");
  return out.join("");
}

const escapeXml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function isoSeconds(d: Date): string {
  const t = d.getTime();
  if (Number.isNaN(t)) throw new PlistError("cannot write an invalid Date to a property list");
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

function xmlReal(v: number): string {
  if (Number.isNaN(v)) return "nan";
  if (v === Infinity) return "+infinity";
  if (v === -Infinity) return "-infinity";
  return String(v);
}

function writeXml(v: PlistWritable, depth: number, out: string[], active: Set<object>): void {
  if (depth > MAX_DEPTH) throw new PlistError(`value nests deeper than ${MAX_DEPTH} levels`);
  const ind = "\t".repeat(depth);
  if (v === null) throw new PlistError("XML property lists cannot hold null (outside a dict, where it is skipped)");
  switch (typeof v) {
    case "string":
      out.push(`${ind}<string>${escapeXml(v)}</string>\n`);
      return;
    case "boolean":
      out.push(`${ind}<${v}/>\n`);
      return;
    case "bigint":
      out.push(`${ind}<integer>${v}</integer>\n`);
      return;
    case "number":
      if (Number.isSafeInteger(v) && !Object.is(v, -0)) out.push(`${ind}<integer>${v}</integer>\n`);
      else out.push(`${ind}<real>${xmlReal(v)}</real>\n`);
      return;
    case "object":
      break;
    default:
      throw new PlistError(`cannot write a ${typeof v} to a property list`);
  }
  if (v instanceof PlistReal) {
    out.push(`${ind}<real>${xmlReal(v.value)}</real>\n`);
  } else if (v instanceof Date) {
    out.push(`${ind}<date>${isoSeconds(v)}</date>\n`);
  } else if (v instanceof Uint8Array) {
    out.push(`${ind}<data>${encodeBase64(v)}</data>\n`);
  } else if (v instanceof PlistUid) {
    out.push(`${ind}<dict>\n${ind}\t<key>CF$UID</key>\n${ind}\t<integer>${v.UID}</integer>\n${ind}</dict>\n`);
  } else {
    if (active.has(v)) throw new PlistError("cannot write a value that contains itself (reference cycle)");
    active.add(v);
    if (Array.isArray(v)) {
      if (v.length === 0) out.push(`${ind}<array/>\n`);
      else {
        out.push(`${ind}<array>\n`);
        for (const x of v) writeXml(x, depth + 1, out, active);
        out.push(`${ind}</array>\n`);
      }
    } else {
      const entries = Object.entries(v).filter(([, x]) => x !== undefined && x !== null) as [string, PlistWritable][];
      if (entries.length === 0) out.push(`${ind}<dict/>\n`);
      else {
        out.push(`${ind}<dict>\n`);
        for (const [k, x] of entries) {
          out.push(`${ind}\t<key>${escapeXml(k)}</key>\n`);
          writeXml(x, depth + 1, out, active);
        }
        out.push(`${ind}</dict>\n`);
      }
    }
    active.delete(v);
  }
}


// ---------------------------------------------------------------------------------------------
// NSKeyedArchiver
// ---------------------------------------------------------------------------------------------

/** An instance of an Objective-C class to archive: its class chain (most derived first) and encoded fields. */
export class ArchivedObject {
  constructor(
    readonly classes: string[],
    readonly fields: { [k: string]: ArchiveInput | undefined },
  ) {
    if (classes.length === 0) throw new PlistError("ArchivedObject needs at least one class name");
  }
}

/** Forces a field of an ArchivedObject to be stored inline (e.g. NSMutableData's NS.data) instead of by UID. */
export class ArchiveInline {
  constructor(readonly value: PlistWritable) {}
}

/**
 * Values archiveKeyed understands. Inside an ArchivedObject's fields, numbers/bigints/booleans/PlistReal
 * are stored inline (like encodeInt64:forKey:) and everything else by reference. Elsewhere: strings →
 * NSString, Uint8Array → NSData, Date → NSDate, arrays → NSArray, plain objects → NSDictionary,
 * numbers → NSNumber, null → $null.
 */
export type ArchiveInput =
  | PlistValue
  | PlistReal
  | ArchivedObject
  | ArchiveInline
  | ArchiveInput[]
  | { [k: string]: ArchiveInput };

/** NSMutableData, archived as {NS.data, $class} the way Foundation does (e.g. MBFile.EncryptionKey). */
export function nsMutableData(bytes: Uint8Array): ArchivedObject {
  return new ArchivedObject(["NSMutableData", "NSData", "NSObject"], { "NS.data": new ArchiveInline(bytes) });
}

/**
 * Build the NSKeyedArchiver plist structure ($version/$archiver/$top/$objects) for a root object, ready for
 * writeBinaryPlist / writeXmlPlist (it may hold PlistReal, e.g. NSDate's NS.time).
 */
export function buildKeyedArchive(root: ArchiveInput): PlistWritable {
  const objects: PlistWritable[] = ["$null"];
  const classUids = new Map<string, number>();
  const stringUids = new Map<string, number>();
  const identity = new Map<object, number>();
  const active = new Set<object>();

  const classUid = (classes: string[]): number => {
    const key = classes.join("\u0000");
    let uid = classUids.get(key);
    if (uid === undefined) {
      uid = objects.length;
      objects.push({ $classname: classes[0], $classes: [...classes] });
      classUids.set(key, uid);
    }
    return uid;
  };

  const ref = (v: ArchiveInput, depth: number): PlistUid => {
    if (depth > MAX_DEPTH) throw new PlistError(`archive nests deeper than ${MAX_DEPTH} levels`);
    if (v === null) return new PlistUid(0);
    if (typeof v === "string") {
      let uid = stringUids.get(v);
      if (uid === undefined) {
        uid = objects.length;
        objects.push(v);
        stringUids.set(v, uid);
      }
      return new PlistUid(uid);
    }
    if (typeof v !== "object" || v instanceof PlistReal || v instanceof Uint8Array || v instanceof PlistUid) {
      // NSNumber / NSData / raw UID: a plain plist object in $objects.
      const uid = objects.length;
      objects.push(v);
      return new PlistUid(uid);
    }
    if (v instanceof ArchiveInline) {
      const uid = objects.length;
      objects.push(v.value);
      return new PlistUid(uid);
    }
    const known = identity.get(v);
    if (known !== undefined) return new PlistUid(known);
    if (active.has(v)) throw new PlistError("archiveKeyed does not support reference cycles");
    active.add(v);
    const uid = objects.length;
    objects.push(null); // placeholder, filled once the children have their UIDs (Foundation's order)
    let entry: { [k: string]: PlistWritable };
    if (v instanceof Date) {
      entry = { "NS.time": new PlistReal(v.getTime() / 1000 - APPLE_EPOCH_OFFSET), $class: new PlistUid(classUid(["NSDate", "NSObject"])) };
    } else if (Array.isArray(v)) {
      const items = v.map((x) => ref(x, depth + 1));
      entry = { "NS.objects": items, $class: new PlistUid(classUid(["NSArray", "NSObject"])) };
    } else if (v instanceof ArchivedObject) {
      entry = {};
      for (const [k, x] of Object.entries(v.fields)) {
        if (x === undefined) continue;
        entry[k] = fieldValue(x, depth + 1);
      }
      entry.$class = new PlistUid(classUid(v.classes));
    } else {
      const keys: PlistUid[] = [];
      const vals: PlistUid[] = [];
      for (const [k, x] of Object.entries(v)) {
        keys.push(ref(k, depth + 1));
        vals.push(ref(x, depth + 1));
      }
      entry = { "NS.keys": keys, "NS.objects": vals, $class: new PlistUid(classUid(["NSDictionary", "NSObject"])) };
    }
    objects[uid] = entry;
    active.delete(v);
    identity.set(v, uid);
    return new PlistUid(uid);
  };

  const fieldValue = (x: ArchiveInput, depth: number): PlistWritable => {
    if (x instanceof ArchiveInline) return x.value;
    if (typeof x === "number" || typeof x === "bigint" || typeof x === "boolean" || x instanceof PlistReal) return x;
    return ref(x, depth);
  };

  const rootUid = ref(root, 0);
  return {
    $version: 100000,
    $archiver: "NSKeyedArchiver",
    $top: { root: rootUid },
    $objects: objects,
  };
}

/** NSKeyedArchiver-encode a root object as a binary plist (what NSKeyedArchiver.archivedData produces). */
export function archiveKeyed(root: ArchiveInput): Uint8Array {
  return writeBinaryPlist(buildKeyedArchive(root));
}

/** Fields of an iOS backup MBFile (Manifest.db `file` column). Times are Unix seconds. */
export interface MBFileInit {
  relativePath: string;
  /** st_mode incl. file type bits, e.g. 0o100644 (file), 0o40755 (directory), 0o120755 (symlink). */
  mode: number;
  /** Default 0. */
  size?: number | bigint;
  /** Owner uid (default 501, "mobile"). */
  uid?: number;
  /** Group gid (default 501). */
  gid?: number;
  lastModified: number;
  /** Default: lastModified. */
  lastStatusChange?: number;
  /** Default: lastModified. */
  birth?: number;
  /** Default 0. */
  inode?: number;
  /** Data protection class (default 0 for directories/symlinks, 3 for files). */
  protectionClass?: number;
  /** Default 0. */
  flags?: number;
  /** Symlink target (MBFile.Target). */
  target?: string;
  /** SHA-1 digest (MBFile.Digest), as older backups carry. */
  digest?: Uint8Array;
  /** Wrapped per-file key of an encrypted backup (MBFile.EncryptionKey, archived as NSMutableData). */
  encryptionKey?: Uint8Array;
  /** Extended attributes as a binary plist (MBFile.ExtendedAttributes). */
  extendedAttributes?: Uint8Array;
}

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;

function unixSeconds(v: number, what: string): number {
  if (typeof v !== "number" || !Number.isFinite(v)) throw new PlistError(`MBFile ${what} must be a finite number of Unix seconds`);
  return Math.floor(v);
}

/** The MBFile object graph (for buildKeyedArchive/archiveKeyed). */
export function mbFileObject(init: MBFileInit): ArchivedObject {
  const lastModified = unixSeconds(init.lastModified, "lastModified");
  const isFile = (init.mode & S_IFMT) === S_IFREG;
  const fields: { [k: string]: ArchiveInput | undefined } = {
    LastModified: lastModified,
    Flags: init.flags ?? 0,
    GroupID: init.gid ?? 501,
    LastStatusChange: init.lastStatusChange === undefined ? lastModified : unixSeconds(init.lastStatusChange, "lastStatusChange"),
    RelativePath: init.relativePath,
    Birth: init.birth === undefined ? lastModified : unixSeconds(init.birth, "birth"),
    Size: init.size ?? 0,
    InodeNumber: init.inode ?? 0,
    Mode: init.mode,
    UserID: init.uid ?? 501,
    ProtectionClass: init.protectionClass ?? (isFile ? 3 : 0),
    Target: init.target,
    Digest: init.digest,
    EncryptionKey: init.encryptionKey === undefined ? undefined : nsMutableData(init.encryptionKey),
    ExtendedAttributes: init.extendedAttributes,
  };
  return new ArchivedObject(["MBFile", "NSObject"], fields);
}

/** An NSKeyedArchiver MBFile blob like the `file` column of a real iOS backup's Manifest.db. */
export function makeMBFile(init: MBFileInit): Uint8Array {
  return archiveKeyed(mbFileObject(init));
}
