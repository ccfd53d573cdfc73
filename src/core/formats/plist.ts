// Property-list reader for untrusted input: binary ("bplist00") and XML plists.
//
// Everything here is browser-safe (no node:* imports, no Buffer). Both parsers are written for hostile
// files: every offset is bounds-checked, reference cycles are errors (not stack overflows), object
// count and nesting depth are capped, and anything malformed throws a PlistError naming the problem.
//
// The XML parser is a small string scanner on purpose: the `plist` npm package relies on the Node
// `Buffer` global for <data> (so it breaks in a browser) and rounds integers beyond 2^53.

import { APPLE_EPOCH_OFFSET, decodeBase64, guardStack, PlistError, setOwn } from "./plist-internal.js";

export { PlistError };

/** A value read from a property list. Integers beyond Number.MAX_SAFE_INTEGER come back as bigint. */
export type PlistValue =
  | string
  | number
  | bigint
  | boolean
  | Date
  | Uint8Array
  | PlistUid
  | PlistValue[]
  | { [k: string]: PlistValue }
  | null;

/** A CF$UID (binary marker 0x8): an object reference inside an NSKeyedArchiver archive. */
export class PlistUid {
  constructor(readonly UID: number) {}
}

export interface PlistParseOptions {
  /** Refuse plists with more objects than this (default 10,000,000). */
  maxObjects?: number;
  /** Refuse containers nested deeper than this (default 512). */
  maxDepth?: number;
}

const DEFAULT_MAX_OBJECTS = 10_000_000;
const DEFAULT_MAX_DEPTH = 512;

/** Parse a binary (bplist00) or XML property list. Throws PlistError on malformed input. */
export function parsePlist(bytes: Uint8Array, opts: PlistParseOptions = {}): PlistValue {
  const isU8 = bytes instanceof Uint8Array || Object.prototype.toString.call(bytes) === "[object Uint8Array]";
  if (!isU8) throw new PlistError("parsePlist expects a Uint8Array");
  // A plain view over subclasses (e.g. Node's Buffer) or other realms' arrays, so <data> values come back
  // as plain Uint8Array copies.
  if (bytes.constructor !== Uint8Array) bytes = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const limits = {
    maxObjects: positiveLimit(opts.maxObjects, DEFAULT_MAX_OBJECTS, "maxObjects"),
    maxDepth: positiveLimit(opts.maxDepth, DEFAULT_MAX_DEPTH, "maxDepth"),
  };
  if (bytes.length === 0) throw new PlistError("empty input is not a property list");
  if (startsWithAscii(bytes, "bplist")) {
    if (!startsWithAscii(bytes, "bplist00")) {
      const version = asciiPrefix(bytes, 8);
      throw new PlistError(`unsupported binary property list version "${version}" (only bplist00 is supported)`);
    }
    const reader = new BinaryPlistReader(bytes, limits);
    return guardStack(() => reader.read());
  }
  const encoding = sniffXmlEncoding(bytes);
  if (encoding === null) {
    throw new PlistError("not a property list: neither a binary plist (bplist00) nor XML");
  }
  const text = decodeText(bytes, encoding);
  return guardStack(() => new XmlPlistReader(text, limits).read());
}

/** Why bytes are not a structurally sound binary plist (bad header, trailer or offset table), or null when
 *  they are: a check that costs no decoding, for callers that decode only some of many plists. */
export function binaryPlistStructureError(bytes: Uint8Array): string | null {
  if (!startsWithAscii(bytes, "bplist00")) return "not a binary plist (bplist00)";
  try {
    new BinaryPlistReader(bytes, { maxObjects: DEFAULT_MAX_OBJECTS, maxDepth: DEFAULT_MAX_DEPTH }).trailer();
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** True if the bytes start like a binary or XML property list (a cheap sniff, not a validation). */
export function looksLikePlist(bytes: Uint8Array): boolean {
  return startsWithAscii(bytes, "bplist") || sniffXmlEncoding(bytes) !== null;
}

/** Convert Apple absolute time (seconds since 2001-01-01 UTC) to a Date. */
export function dateFromAppleTime(seconds: number): Date {
  return new Date((seconds + APPLE_EPOCH_OFFSET) * 1000);
}

/** Convert a Date to Apple absolute time (seconds since 2001-01-01 UTC). */
export function appleTimeFromDate(date: Date): number {
  return date.getTime() / 1000 - APPLE_EPOCH_OFFSET;
}

function positiveLimit(v: number | undefined, dflt: number, name: string): number {
  if (v === undefined) return dflt;
  if (typeof v !== "number" || !(v > 0)) throw new PlistError(`${name} must be a positive number`);
  return v;
}

function startsWithAscii(bytes: Uint8Array, s: string): boolean {
  if (bytes.length < s.length) return false;
  for (let i = 0; i < s.length; i++) if (bytes[i] !== s.charCodeAt(i)) return false;
  return true;
}

function asciiPrefix(bytes: Uint8Array, n: number): string {
  let s = "";
  for (let i = 0; i < Math.min(n, bytes.length); i++) {
    const b = bytes[i];
    s += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : "?";
  }
  return s;
}

/** Latin-1 style byte→char decoding (for ASCII strings in bplists). */
function bytesToBinaryString(bytes: Uint8Array, start: number, end: number): string {
  // Keys and class names are short: a loop beats a subarray and an apply per string.
  if (end - start <= 24) {
    let s = "";
    for (let i = start; i < end; i++) s += String.fromCharCode(bytes[i]);
    return s;
  }
  let out = "";
  const CHUNK = 0x2000;
  for (let i = start; i < end; i += CHUNK) {
    const stop = Math.min(end, i + CHUNK);
    out += String.fromCharCode.apply(null, bytes.subarray(i, stop) as unknown as number[]);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Binary plists
// ---------------------------------------------------------------------------------------------

interface Limits {
  maxObjects: number;
  maxDepth: number;
}

const TRAILER_SIZE = 32;
const HEADER_SIZE = 8;
const IN_PROGRESS = 1;
const DONE = 2;

class BinaryPlistReader {
  private readonly view: DataView;
  private offsetSize = 0;
  private refSize = 0;
  private numObjects = 0;
  private tableOffset = 0;
  /** Objects may only live between the header and the offset table. */
  private objectsEnd = 0;
  private state!: Uint8Array;
  private cache!: PlistValue[];
  private readonly utf8 = new TextDecoder("utf-8", { fatal: false });

  constructor(
    private readonly bytes: Uint8Array,
    private readonly limits: Limits,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  read(): PlistValue {
    return this.object(this.trailer(), 0);
  }

  /** Check the header-to-trailer structure (object count, offset table, reference sizes) and set up the
   *  reader; returns the top object's index. */
  trailer(): number {
    const len = this.bytes.length;
    if (len < HEADER_SIZE + TRAILER_SIZE + 1) {
      throw new PlistError(`truncated binary plist: ${len} bytes is too short for a header, an object and a trailer`);
    }
    const t = len - TRAILER_SIZE;
    this.offsetSize = this.bytes[t + 6];
    this.refSize = this.bytes[t + 7];
    const numObjects = this.trailerU64(t + 8, "object count");
    const topObject = this.trailerU64(t + 16, "top object");
    const tableOffset = this.trailerU64(t + 24, "offset table offset");

    if (this.offsetSize < 1 || this.offsetSize > 8) {
      throw new PlistError(`corrupt binary plist trailer: offset size ${this.offsetSize} is not 1..8 (truncated or not a bplist?)`);
    }
    if (this.refSize < 1 || this.refSize > 8) {
      throw new PlistError(`corrupt binary plist trailer: object reference size ${this.refSize} is not 1..8`);
    }
    if (numObjects < 1) throw new PlistError("corrupt binary plist trailer: zero objects");
    if (numObjects > this.limits.maxObjects) {
      throw new PlistError(`binary plist declares ${numObjects} objects, more than the limit of ${this.limits.maxObjects}`);
    }
    if (topObject >= numObjects) {
      throw new PlistError(`corrupt binary plist trailer: top object ${topObject} is not below the object count ${numObjects}`);
    }
    if (tableOffset < HEADER_SIZE + 1 || tableOffset + numObjects * this.offsetSize > t) {
      throw new PlistError(
        `corrupt binary plist trailer: offset table (${numObjects} × ${this.offsetSize} bytes at ${tableOffset}) ` +
          `does not fit between the header and the trailer of a ${len}-byte file (truncated?)`,
      );
    }
    if (this.refSize < 8 && numObjects > 2 ** (8 * this.refSize)) {
      throw new PlistError(`corrupt binary plist trailer: ${numObjects} objects cannot be addressed with ${this.refSize}-byte references`);
    }
    this.numObjects = numObjects;
    this.tableOffset = tableOffset;
    this.objectsEnd = tableOffset;
    this.state = new Uint8Array(numObjects);
    this.cache = new Array<PlistValue>(numObjects);
    return topObject;
  }

  private trailerU64(pos: number, what: string): number {
    const hi = this.view.getUint32(pos);
    const lo = this.view.getUint32(pos + 4);
    if (hi >= 0x200000) throw new PlistError(`corrupt binary plist trailer: ${what} is absurdly large`);
    return hi * 0x1_0000_0000 + lo;
  }

  /** Unsigned big-endian integer of 1..8 bytes at pos; values beyond 2^53 are rejected (all uses are sizes/offsets). */
  private readUnsigned(pos: number, size: number, what: string): number {
    let v = 0;
    for (let i = 0; i < size; i++) {
      v = v * 256 + this.bytes[pos + i];
    }
    if (!Number.isSafeInteger(v)) throw new PlistError(`corrupt binary plist: ${what} at byte ${pos} is absurdly large`);
    return v;
  }

  private offsetOf(index: number): number {
    const pos = this.tableOffset + index * this.offsetSize;
    const off = this.readUnsigned(pos, this.offsetSize, "object offset");
    if (off < HEADER_SIZE || off >= this.objectsEnd) {
      throw new PlistError(`corrupt binary plist: object ${index} has offset ${off}, outside the object area [8, ${this.objectsEnd})`);
    }
    return off;
  }

  private need(pos: number, n: number, what: string): void {
    if (n < 0 || pos + n > this.objectsEnd) {
      throw new PlistError(`truncated binary plist: ${what} at byte ${pos} needs ${n} bytes, past the end of the object area`);
    }
  }

  private object(index: number, depth: number): PlistValue {
    if (this.state[index] === DONE) return this.cache[index];
    if (this.state[index] === IN_PROGRESS) {
      throw new PlistError(`binary plist has a reference cycle: object ${index} contains itself`);
    }
    if (depth > this.limits.maxDepth) {
      throw new PlistError(`binary plist nests deeper than ${this.limits.maxDepth} levels`);
    }
    this.state[index] = IN_PROGRESS;
    const value = this.decode(index, depth);
    this.cache[index] = value;
    this.state[index] = DONE;
    return value;
  }

  /** Low nibble length, or 0xF followed by an int object. Returns [count, position after the count]. */
  private count(marker: number, pos: number): [number, number] {
    const low = marker & 0x0f;
    if (low !== 0x0f) return [low, pos + 1];
    this.need(pos + 1, 1, "length marker");
    const m = this.bytes[pos + 1];
    if ((m & 0xf0) !== 0x10) {
      throw new PlistError(`corrupt binary plist: expected an integer length after marker 0x${marker.toString(16)} at byte ${pos}`);
    }
    const size = 1 << (m & 0x0f);
    if (size > 8) throw new PlistError(`corrupt binary plist: ${size}-byte length at byte ${pos}`);
    this.need(pos + 2, size, "length");
    const n = this.readUnsigned(pos + 2, size, "length");
    if (size === 8 && this.bytes[pos + 2] & 0x80) throw new PlistError(`corrupt binary plist: negative length at byte ${pos}`);
    return [n, pos + 2 + size];
  }

  private ref(pos: number): number {
    const r = this.readUnsigned(pos, this.refSize, "object reference");
    if (r >= this.numObjects) {
      throw new PlistError(`corrupt binary plist: reference to object ${r} at byte ${pos}, but there are only ${this.numObjects}`);
    }
    return r;
  }

  private decode(index: number, depth: number): PlistValue {
    const pos = this.offsetOf(index);
    const marker = this.bytes[pos];
    const high = marker >> 4;
    const low = marker & 0x0f;
    switch (high) {
      case 0x0:
        switch (marker) {
          case 0x00:
            return null;
          case 0x08:
            return false;
          case 0x09:
            return true;
          case 0x0f:
            return null; // fill byte
          default:
            throw new PlistError(`unsupported binary plist marker 0x${hex2(marker)} at byte ${pos}`);
        }
      case 0x1: {
        if (low > 4) throw new PlistError(`corrupt binary plist: ${2 ** low}-byte integer at byte ${pos}`);
        const size = 1 << low;
        this.need(pos + 1, size, "integer");
        return this.readInt(pos + 1, size);
      }
      case 0x2: {
        if (low === 2) {
          this.need(pos + 1, 4, "real");
          return this.view.getFloat32(pos + 1);
        }
        if (low === 3) {
          this.need(pos + 1, 8, "real");
          return this.view.getFloat64(pos + 1);
        }
        throw new PlistError(`corrupt binary plist: ${2 ** low}-byte real at byte ${pos}`);
      }
      case 0x3: {
        if (marker !== 0x33) throw new PlistError(`corrupt binary plist: date marker 0x${hex2(marker)} at byte ${pos}`);
        this.need(pos + 1, 8, "date");
        return dateFromAppleTime(this.view.getFloat64(pos + 1));
      }
      case 0x4: {
        const [n, start] = this.count(marker, pos);
        this.need(start, n, "data");
        return this.bytes.slice(start, start + n); // a copy, detached from the input
      }
      case 0x5: {
        const [n, start] = this.count(marker, pos);
        this.need(start, n, "ASCII string");
        return bytesToBinaryString(this.bytes, start, start + n);
      }
      case 0x6: {
        const [n, start] = this.count(marker, pos);
        this.need(start, n * 2, "UTF-16 string");
        return this.utf16be(start, n);
      }
      case 0x7: {
        const [n, start] = this.count(marker, pos);
        this.need(start, n, "UTF-8 string");
        return this.utf8.decode(this.bytes.subarray(start, start + n));
      }
      case 0x8: {
        const size = low + 1;
        this.need(pos + 1, size, "UID");
        return new PlistUid(this.readUnsigned(pos + 1, size, "UID"));
      }
      case 0xa:
      case 0xb:
      case 0xc: {
        const [n, start] = this.count(marker, pos);
        this.need(start, n * this.refSize, "array");
        this.budget(n);
        const out: PlistValue[] = new Array(n);
        for (let i = 0; i < n; i++) out[i] = this.object(this.ref(start + i * this.refSize), depth + 1);
        return out;
      }
      case 0xd: {
        const [n, start] = this.count(marker, pos);
        this.need(start, n * 2 * this.refSize, "dictionary");
        this.budget(n * 2);
        const out: { [k: string]: PlistValue } = {};
        const valuesAt = start + n * this.refSize;
        for (let i = 0; i < n; i++) {
          const k = this.object(this.ref(start + i * this.refSize), depth + 1);
          const key = dictKey(k, pos);
          const v = this.object(this.ref(valuesAt + i * this.refSize), depth + 1);
          setOwn(out, key, v);
        }
        return out;
      }
      default:
        throw new PlistError(`unsupported binary plist marker 0x${hex2(marker)} at byte ${pos}`);
    }
  }

  private elements = 0;
  /** Container entries are bounded by the file size already; this caps the total at maxObjects × 2 too. */
  private budget(n: number): void {
    this.elements += n;
    if (this.elements > this.limits.maxObjects * 2) {
      throw new PlistError(`binary plist has more container entries than the limit allows (${this.limits.maxObjects})`);
    }
  }

  private readInt(pos: number, size: number): number | bigint {
    switch (size) {
      case 1:
        return this.bytes[pos];
      case 2:
        return this.view.getUint16(pos);
      case 4:
        return this.view.getUint32(pos);
      case 8:
        return narrow(this.view.getBigInt64(pos));
      default: {
        // 16 bytes: a signed 128-bit integer (Apple writes unsigned 64-bit values this way).
        const hi = this.view.getBigInt64(pos);
        const lo = this.view.getBigUint64(pos + 8);
        return narrow((hi << 64n) | lo);
      }
    }
  }

  private utf16be(start: number, units: number): string {
    let out = "";
    const CHUNK = 0x2000;
    const codes = new Array<number>(Math.min(units, CHUNK));
    for (let i = 0; i < units; i += CHUNK) {
      const n = Math.min(CHUNK, units - i);
      codes.length = n;
      for (let j = 0; j < n; j++) codes[j] = this.view.getUint16(start + 2 * (i + j));
      out += String.fromCharCode.apply(null, codes);
    }
    return out;
  }
}

function narrow(v: bigint): number | bigint {
  return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, "0");
}

function dictKey(k: PlistValue, pos: number): string {
  if (typeof k === "string") return k;
  if (typeof k === "number" || typeof k === "bigint" || typeof k === "boolean") return String(k);
  throw new PlistError(`corrupt binary plist: dictionary at byte ${pos} has a non-string key`);
}

// ---------------------------------------------------------------------------------------------
// XML plists
// ---------------------------------------------------------------------------------------------

type TextEncodingName = "utf-8" | "utf-16be" | "utf-16le";

/** Decide whether the bytes look like XML (first non-blank char '<') and in which encoding. */
function sniffXmlEncoding(bytes: Uint8Array): TextEncodingName | null {
  const b0 = bytes[0];
  const b1 = bytes[1];
  if (bytes.length >= 2 && b0 === 0xfe && b1 === 0xff) return firstNonBlank16(bytes, 2, false) ? "utf-16be" : null;
  if (bytes.length >= 2 && b0 === 0xff && b1 === 0xfe) return firstNonBlank16(bytes, 2, true) ? "utf-16le" : null;
  let i = 0;
  if (bytes.length >= 3 && b0 === 0xef && b1 === 0xbb && bytes[2] === 0xbf) i = 3;
  else if (bytes.length >= 2 && b0 === 0x00 && b1 === 0x3c) return "utf-16be";
  else if (bytes.length >= 2 && b0 === 0x3c && b1 === 0x00) return "utf-16le";
  for (; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d) continue;
    return b === 0x3c ? "utf-8" : null;
  }
  return null;
}

function firstNonBlank16(bytes: Uint8Array, from: number, le: boolean): boolean {
  for (let i = from; i + 1 < bytes.length; i += 2) {
    const c = le ? bytes[i] | (bytes[i + 1] << 8) : (bytes[i] << 8) | bytes[i + 1];
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) continue;
    return c === 0x3c;
  }
  return false;
}

function decodeText(bytes: Uint8Array, encoding: TextEncodingName): string {
  if (encoding === "utf-8") return new TextDecoder("utf-8", { fatal: false, ignoreBOM: false }).decode(bytes);
  // Decode UTF-16 by hand: not every TextDecoder build (small-ICU) knows utf-16be.
  const le = encoding === "utf-16le";
  let start = 0;
  if (bytes.length >= 2 && ((le && bytes[0] === 0xff && bytes[1] === 0xfe) || (!le && bytes[0] === 0xfe && bytes[1] === 0xff))) start = 2;
  const units = (bytes.length - start) >> 1;
  let out = "";
  const CHUNK = 0x2000;
  const codes: number[] = [];
  for (let i = 0; i < units; i += CHUNK) {
    const n = Math.min(CHUNK, units - i);
    codes.length = n;
    for (let j = 0; j < n; j++) {
      const p = start + 2 * (i + j);
      codes[j] = le ? bytes[p] | (bytes[p + 1] << 8) : (bytes[p] << 8) | bytes[p + 1];
    }
    out += String.fromCharCode.apply(null, codes);
  }
  return out;
}

const NAME_RE = /[A-Za-z_:][-A-Za-z0-9_:.]*/y;
const XML_ENTITY_RE = /&(#x[0-9A-Fa-f]+|#[0-9]+|[A-Za-z]+);/g;
const NAMED_ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

function decodeEntities(s: string): string {
  if (s.indexOf("&") < 0) return s;
  return s.replace(XML_ENTITY_RE, (whole, body: string) => {
    if (body[0] === "#") {
      const code = body[1] === "x" || body[1] === "X" ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      if (!Number.isFinite(code) || code < 0 || code > 0x10ffff) return whole;
      return String.fromCodePoint(code);
    }
    return Object.prototype.hasOwnProperty.call(NAMED_ENTITIES, body) ? NAMED_ENTITIES[body] : whole;
  });
}

interface OpenTag {
  name: string;
  selfClosing: boolean;
  at: number;
}

class XmlPlistReader {
  private pos = 0;
  private objects = 0;

  constructor(
    private readonly s: string,
    private readonly limits: Limits,
  ) {}

  read(): PlistValue {
    this.skipProlog();
    const tag = this.openTag();
    let value: PlistValue;
    if (tag.name === "plist") {
      if (tag.selfClosing) throw new PlistError("XML plist: empty <plist/> element holds no value");
      this.skipMisc();
      if (this.s.startsWith("</plist", this.pos)) {
        throw new PlistError("XML plist: empty <plist> element holds no value");
      }
      value = this.value(this.openTag(), 1);
      this.skipMisc();
      this.closeTag("plist");
    } else {
      // Tolerate a bare value element without the <plist> wrapper.
      value = this.value(tag, 1);
    }
    this.skipMisc();
    if (this.pos < this.s.length) {
      throw new PlistError(`XML plist: unexpected content after the root element at offset ${this.pos}`);
    }
    return value;
  }

  private fail(msg: string, at = this.pos): never {
    throw new PlistError(`XML plist: ${msg} at offset ${at}`);
  }

  private skipWs(): void {
    const s = this.s;
    while (this.pos < s.length) {
      const c = s.charCodeAt(this.pos);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0xfeff) this.pos++;
      else break;
    }
  }

  /** Skip whitespace, comments and processing instructions. */
  private skipMisc(): void {
    for (;;) {
      this.skipWs();
      if (this.s.startsWith("<!--", this.pos)) this.skipPast("-->", "comment");
      else if (this.s.startsWith("<?", this.pos)) this.skipPast("?>", "processing instruction");
      else return;
    }
  }

  private skipPast(end: string, what: string): void {
    const i = this.s.indexOf(end, this.pos);
    if (i < 0) this.fail(`unterminated ${what}`);
    this.pos = i + end.length;
  }

  private skipProlog(): void {
    for (;;) {
      this.skipMisc();
      if (this.s.startsWith("<!DOCTYPE", this.pos) || this.s.startsWith("<!doctype", this.pos)) {
        const gt = this.s.indexOf(">", this.pos);
        const bracket = this.s.indexOf("[", this.pos);
        if (gt < 0) this.fail("unterminated DOCTYPE");
        if (bracket >= 0 && bracket < gt) {
          const end = this.s.indexOf("]>", bracket);
          if (end < 0) this.fail("unterminated DOCTYPE internal subset");
          this.pos = end + 2;
        } else {
          this.pos = gt + 1;
        }
      } else {
        return;
      }
    }
  }

  private openTag(): OpenTag {
    this.skipMisc();
    const at = this.pos;
    if (this.s.charCodeAt(this.pos) !== 0x3c /* < */) {
      this.fail(this.pos >= this.s.length ? "unexpected end of document (truncated?)" : "expected an element");
    }
    if (this.s.charCodeAt(this.pos + 1) === 0x2f /* / */) this.fail("unexpected closing tag");
    if (this.s.startsWith("<![CDATA[", this.pos)) this.fail("unexpected CDATA outside <string>");
    NAME_RE.lastIndex = this.pos + 1;
    const m = NAME_RE.exec(this.s);
    if (!m) this.fail("malformed element name");
    const name = m[0];
    this.pos = NAME_RE.lastIndex;
    // Attributes: skip up to the end of the tag, respecting quotes.
    const s = this.s;
    while (this.pos < s.length) {
      const c = s.charCodeAt(this.pos);
      if (c === 0x22 || c === 0x27) {
        const q = s.indexOf(c === 0x22 ? '"' : "'", this.pos + 1);
        if (q < 0) this.fail("unterminated attribute value");
        this.pos = q + 1;
      } else if (c === 0x3e /* > */) {
        this.pos++;
        return { name, selfClosing: false, at };
      } else if (c === 0x2f && s.charCodeAt(this.pos + 1) === 0x3e) {
        this.pos += 2;
        return { name, selfClosing: true, at };
      } else if (c === 0x3c) {
        this.fail(`malformed <${name}> tag`);
      } else {
        this.pos++;
      }
    }
    this.fail(`unterminated <${name}> tag`, at);
  }

  private closeTag(name: string): void {
    this.skipMisc();
    const s = this.s;
    if (!s.startsWith("</", this.pos) || !s.startsWith(name, this.pos + 2)) {
      this.fail(this.pos >= s.length ? `missing </${name}> (truncated?)` : `expected </${name}>`);
    }
    this.pos += 2 + name.length;
    this.skipWs();
    if (s.charCodeAt(this.pos) !== 0x3e) this.fail(`malformed </${name}>`);
    this.pos++;
  }

  /** Character data up to </name>: entities decoded, CDATA kept, comments dropped, no child elements. */
  private text(tag: OpenTag): string {
    if (tag.selfClosing) return "";
    const s = this.s;
    let out = "";
    for (;;) {
      const lt = s.indexOf("<", this.pos);
      if (lt < 0) this.fail(`missing </${tag.name}> (truncated?)`, tag.at);
      out += decodeEntities(s.slice(this.pos, lt));
      this.pos = lt;
      if (s.startsWith("<![CDATA[", lt)) {
        const end = s.indexOf("]]>", lt + 9);
        if (end < 0) this.fail("unterminated CDATA section");
        out += s.slice(lt + 9, end);
        this.pos = end + 3;
      } else if (s.startsWith("<!--", lt)) {
        this.skipPast("-->", "comment");
      } else if (s.startsWith("<?", lt)) {
        this.skipPast("?>", "processing instruction");
      } else if (s.startsWith("</", lt)) {
        this.closeTag(tag.name);
        return out;
      } else {
        this.fail(`unexpected element inside <${tag.name}>`);
      }
    }
  }

  private count(): void {
    if (++this.objects > this.limits.maxObjects) {
      throw new PlistError(`XML plist has more than ${this.limits.maxObjects} objects`);
    }
  }

  private value(tag: OpenTag, depth: number): PlistValue {
    this.count();
    if (depth > this.limits.maxDepth) this.fail(`nesting deeper than ${this.limits.maxDepth} levels`, tag.at);
    switch (tag.name) {
      case "dict":
        return this.dict(tag, depth);
      case "array":
        return this.array(tag, depth);
      case "string":
        return this.text(tag);
      case "key":
        return this.fail("<key> outside a <dict>", tag.at);
      case "integer":
        return parseXmlInteger(this.text(tag).trim(), tag.at);
      case "real":
        return parseXmlReal(this.text(tag).trim(), tag.at);
      case "date": {
        const t = this.text(tag).trim();
        const ms = Date.parse(t);
        if (!/^\d{4}-\d{2}-\d{2}/.test(t) || Number.isNaN(ms)) this.fail(`invalid <date> "${t.slice(0, 40)}"`, tag.at);
        return new Date(ms);
      }
      case "data":
        return decodeBase64(this.text(tag), tag.at);
      case "true":
      case "false":
        if (this.text(tag).trim() !== "") this.fail(`<${tag.name}> must be empty`, tag.at);
        return tag.name === "true";
      case "null":
        this.text(tag);
        return null;
      default:
        return this.fail(`unknown element <${tag.name.slice(0, 40)}>`, tag.at);
    }
  }

  private array(tag: OpenTag, depth: number): PlistValue[] {
    const out: PlistValue[] = [];
    if (tag.selfClosing) return out;
    for (;;) {
      this.skipMisc();
      if (this.s.startsWith("</", this.pos)) {
        this.closeTag("array");
        return out;
      }
      out.push(this.value(this.openTag(), depth + 1));
    }
  }

  private dict(tag: OpenTag, depth: number): PlistValue {
    const out: { [k: string]: PlistValue } = {};
    if (tag.selfClosing) return out;
    let n = 0;
    for (;;) {
      this.skipMisc();
      if (this.s.startsWith("</", this.pos)) {
        this.closeTag("dict");
        break;
      }
      const keyTag = this.openTag();
      if (keyTag.name !== "key") this.fail(`expected <key> in <dict>, found <${keyTag.name.slice(0, 40)}>`, keyTag.at);
      const key = this.text(keyTag);
      this.skipMisc();
      if (this.s.startsWith("</", this.pos)) this.fail(`<key>${key.slice(0, 40)}</key> has no value`);
      const v = this.value(this.openTag(), depth + 1);
      setOwn(out, key, v);
      n++;
    }
    // Apple writes UIDs in XML as <dict><key>CF$UID</key><integer>n</integer></dict>.
    if (n === 1 && typeof out["CF$UID"] === "number" && Number.isSafeInteger(out["CF$UID"]) && out["CF$UID"] >= 0) {
      return new PlistUid(out["CF$UID"]);
    }
    return out;
  }
}

function parseXmlInteger(t: string, at: number): number | bigint {
  let v: bigint;
  if (/^[+-]?\d+$/.test(t)) v = BigInt(t);
  else if (/^[+-]?0[xX][0-9A-Fa-f]+$/.test(t)) {
    const neg = t[0] === "-";
    const digits = t.replace(/^[+-]/, "");
    v = BigInt(digits);
    if (neg) v = -v;
  } else throw new PlistError(`XML plist: invalid <integer> "${t.slice(0, 40)}" at offset ${at}`);
  return narrow(v);
}

function parseXmlReal(t: string, at: number): number {
  const lower = t.toLowerCase();
  if (lower === "nan") return NaN;
  if (lower === "inf" || lower === "+inf" || lower === "infinity" || lower === "+infinity") return Infinity;
  if (lower === "-inf" || lower === "-infinity") return -Infinity;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) {
    throw new PlistError(`XML plist: invalid <real> "${t.slice(0, 40)}" at offset ${at}`);
  }
  return Number(t);
}

/** A plist dictionary (not an array, data, date or other value). */
export function isPlistDict(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === "object" && !Array.isArray(v) && !(v instanceof Uint8Array) && !(v instanceof Date);
}
