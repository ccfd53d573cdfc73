// Zip archives read in place, never extracted: our own central-directory reader (ZIP64 included) and fflate's
// streaming inflate, so the core runs in the browser. Archives are untrusted: names that climb out ("../x"),
// absolute names, symlink entries and entries whose data overlaps another's are flagged and never served;
// declared sizes are bounded and the ACTUAL expansion is checked against the declared size while inflating
// (a lying header cannot make us inflate more than it promised); truncation gives a clear error.

import { Inflate } from "fflate";
import { DEFAULT_MAX_READ, EvidenceError, type Evidence, type EvidenceStat } from "../evidence/evidence.js";
import { crc32 } from "./crc32.js";
import { sha256Hasher, type HasherFactory } from "../util/sha256.js";
import { readExactly, type ByteSource } from "./byte-source.js";

export interface ZipLimits {
  /** Most entries the central directory may list. */
  maxEntries: number;
  /** Largest central directory, in bytes (it is read whole). */
  maxCentralDirectoryBytes: number;
  /** Largest declared uncompressed size of one entry. */
  maxEntryBytes: number;
  /** Largest sum of declared uncompressed sizes. */
  maxTotalBytes: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxEntries: 500_000,
  maxCentralDirectoryBytes: 128 * 1024 * 1024,
  maxEntryBytes: 8 * 1024 * 1024 * 1024,
  maxTotalBytes: 64 * 1024 * 1024 * 1024,
};

export interface ZipEntry {
  /** The name as stored ("\" turned into "/"). */
  name: string;
  /** Declared uncompressed size. */
  size: number;
  compressedSize: number;
  isDirectory: boolean;
  isSymlink: boolean;
  /** Compression method (0 stored, 8 deflate; others are refused when read). */
  method: number;
  crc32: number;
  encrypted: boolean;
  /** Modification time as stored (DOS local time, no zone), "YYYY-MM-DD HH:MM:SS"; null when invalid. */
  modified: string | null;
  /** Why this entry is never served (zip-slip, absolute, symlink, overlap, size); null when it is fine. */
  problem: string | null;
  /** Offset of the local header. */
  offset: number;
}

/** CRC-32 continuing from `previous` (0 to start); Node can plug in zlib's native one. */
export type Crc32 = (data: Uint8Array, previous?: number) => number;

/** Raw-deflate inflater: compressed chunks in, inflated chunks out, taking at most INFLATE_SLICE compressed
 *  bytes at a time and handing out what each slice expands to before taking the next (so the size check of
 *  the caller bounds what a bomb can claim). Node plugs in zlib's, several times faster here than the
 *  WHATWG DecompressionStream. Errors are reported as corrupt deflate data. */
export type RawInflater = (compressed: AsyncIterable<Uint8Array>) => AsyncIterable<Uint8Array>;

export interface ZipOptions {
  crc32?: Crc32;
  inflateRaw?: RawInflater;
}

export class ZipError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ZipError";
  }
}

const SIG_EOCD = 0x06054b50;
const SIG_EOCD64 = 0x06064b50;
const SIG_EOCD64_LOCATOR = 0x07064b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_LOCAL = 0x04034b50;
const EOCD_MIN = 22;
const MAX_COMMENT = 0xffff;
/** Compressed bytes handed to the inflater at a time: deflate expands at most ~1032:1, so one push can never
 *  produce more than ~17 MB however the data was crafted. */
export const INFLATE_SLICE = 16 * 1024;
const READ_CHUNK = 1024 * 1024;
/** The best ratio deflate can reach; a declared size beyond it is a lie about the data. */
const MAX_DEFLATE_RATIO = 1033;

const CP437_HIGH =
  "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0";

function decodeName(bytes: Uint8Array, utf8: boolean): string {
  if (utf8) return new TextDecoder("utf-8").decode(bytes);
  let s = "";
  for (const b of bytes) s += b < 0x80 ? String.fromCharCode(b) : CP437_HIGH[b - 0x80];
  return s;
}

function dosTime(date: number, time: number): string | null {
  const y = 1980 + (date >>> 9);
  const mo = (date >>> 5) & 15;
  const d = date & 31;
  const h = time >>> 11;
  const mi = (time >>> 5) & 63;
  const s = (time & 31) * 2;
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return null;
  const p = (n: number) => String(n).padStart(2, "0");
  return `${y}-${p(mo)}-${p(d)} ${p(h)}:${p(mi)}:${p(s)}`;
}

/** Why a stored name must not be used as a path, or null. */
export function unsafeNameReason(name: string): string | null {
  if (name.includes("\0")) return "name contains a NUL byte";
  if (name.startsWith("/") || /^[A-Za-z]:/.test(name)) return "absolute path";
  if (name.split("/").includes("..")) return "path climbs out of the archive (zip-slip)";
  return null;
}

function u64(dv: DataView, at: number): number {
  const v = dv.getBigUint64(at, true);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipError("a ZIP64 size or offset is too large");
  return Number(v);
}

export class ZipArchive {
  /** Problems found while reading the directory (flagged entries, duplicates), one sentence each. */
  readonly problems: string[] = [];
  private readonly byName = new Map<string, ZipEntry>();

  private constructor(
    readonly source: ByteSource,
    readonly label: string,
    private readonly list: ZipEntry[],
    readonly limits: ZipLimits,
    private readonly crc: Crc32,
    private readonly inflateRaw: RawInflater | undefined,
  ) {}

  static async open(source: ByteSource, label: string, limits: Partial<ZipLimits> = {}, options: ZipOptions = {}): Promise<ZipArchive> {
    const lim = { ...DEFAULT_ZIP_LIMITS, ...limits };
    try {
      const entries = await readCentralDirectory(source, lim);
      const zip = new ZipArchive(source, label, entries, lim, options.crc32 ?? crc32, options.inflateRaw);
      zip.index();
      return zip;
    } catch (e) {
      if (e instanceof ZipError || e instanceof RangeError) throw new ZipError(`${label}: ${e.message}`);
      throw e;
    }
  }

  /** Every entry, flagged ones included (see `problem`). */
  entries(): ZipEntry[] {
    return this.list;
  }

  /** A servable entry by name, or undefined (flagged entries are not returned). */
  entry(name: string): ZipEntry | undefined {
    return this.byName.get(name);
  }

  /** Whole entry content, at most maxBytes (default 256 MiB) by declared and by actual size. */
  async read(name: string, opts: { maxBytes?: number } = {}): Promise<Uint8Array> {
    const e = this.servable(name);
    const max = opts.maxBytes ?? DEFAULT_MAX_READ;
    if (e.size > max) throw new ZipError(`${this.label}: ${name}: entry is ${e.size} bytes, over the ${max}-byte limit for whole reads`);
    const out = new Uint8Array(e.size);
    let n = 0;
    for await (const chunk of this.inflate(e)) {
      out.set(chunk, n);
      n += chunk.length;
    }
    return out;
  }

  /** Entry content as it inflates; the CRC and the size are checked at the end. */
  stream(name: string): AsyncIterable<Uint8Array> {
    return this.inflate(this.servable(name));
  }

  private servable(name: string): ZipEntry {
    const e = this.byName.get(name);
    if (e) return e;
    const flagged = this.list.find((x) => x.name === name && x.problem);
    if (flagged) throw new ZipError(`${this.label}: ${name}: refused: ${flagged.problem}`);
    throw new ZipError(`${this.label}: ${name}: no such entry in the archive`);
  }

  private index(): void {
    const lim = this.limits;
    let total = 0;
    for (const e of this.list) {
      if (!e.problem && e.size > lim.maxEntryBytes) e.problem = `declared size ${e.size} is over the ${lim.maxEntryBytes}-byte limit`;
      if (!e.problem && !e.isDirectory && e.method === 8 && e.size > e.compressedSize * MAX_DEFLATE_RATIO + 1024) {
        e.problem = `declared size ${e.size} is impossible for ${e.compressedSize} deflated bytes`;
      }
      if (!e.problem && !e.isDirectory) {
        total += e.size;
        if (total > lim.maxTotalBytes) e.problem = `archive expands past the ${lim.maxTotalBytes}-byte total limit`;
      }
      if (e.problem) {
        this.problems.push(`${e.name}: ${e.problem}`);
        continue;
      }
      if (this.byName.has(e.name)) {
        this.problems.push(`${e.name}: duplicate entry name; the first one is used`);
        continue;
      }
      this.byName.set(e.name, e);
    }
  }

  private async dataStart(e: ZipEntry): Promise<number> {
    const h = await readExactly(this.source, e.offset, 30, `${e.name}: local header`);
    const dv = new DataView(h.buffer, h.byteOffset, h.byteLength);
    if (dv.getUint32(0, true) !== SIG_LOCAL) throw new ZipError(`${this.label}: ${e.name}: no local header where the directory says (corrupt zip)`);
    const start = e.offset + 30 + dv.getUint16(26, true) + dv.getUint16(28, true);
    if (start + e.compressedSize > this.source.size) {
      throw new ZipError(`${this.label}: ${e.name}: data runs past the end of the archive (truncated zip)`);
    }
    return start;
  }

  private async *inflate(e: ZipEntry): AsyncIterable<Uint8Array> {
    const where = `${this.label}: ${e.name}`;
    if (e.isDirectory) throw new ZipError(`${where}: is a directory`);
    if (e.encrypted) throw new ZipError(`${where}: entry is encrypted (not supported)`);
    if (e.method !== 0 && e.method !== 8) throw new ZipError(`${where}: unsupported compression method ${e.method}`);
    if (e.method === 0 && e.compressedSize !== e.size) throw new ZipError(`${where}: stored entry with mismatched sizes (corrupt zip)`);
    const start = await this.dataStart(e);
    const compressed = this.compressedChunks(e, start, where);
    const chunks =
      e.method === 0
        ? compressed
        : this.inflateRaw && !fflateForced
          ? reportingCorrupt(this.inflateRaw(compressed), where)
          : nativeInflateAvailable()
            ? inflateNative(compressed, where)
            : inflateFflate(compressed, where);
    let produced = 0;
    let crc = 0;
    for await (const chunk of chunks) {
      produced += chunk.length;
      if (produced > e.size) throw new ZipError(`${where}: expands beyond its declared size of ${e.size} bytes (zip bomb?); refused`);
      crc = this.crc(chunk, crc);
      yield chunk;
    }
    if (produced !== e.size) throw new ZipError(`${where}: ${produced} bytes instead of the declared ${e.size} (corrupt or truncated entry)`);
    if (crc !== e.crc32) throw new ZipError(`${where}: CRC-32 mismatch (corrupt entry)`);
  }

  private async *compressedChunks(e: ZipEntry, start: number, where: string): AsyncIterable<Uint8Array> {
    for (let pos = 0; pos < e.compressedSize; ) {
      const want = Math.min(READ_CHUNK, e.compressedSize - pos);
      const raw = await this.source.read(start + pos, want);
      if (raw.length !== want) throw new ZipError(`${where}: data runs past the end of the archive (truncated zip)`);
      pos += want;
      yield raw;
    }
  }
}

let nativeInflate: boolean | null = null;

/** Force the fflate inflater (false), even over a plugged-in one, or go back to detection (null): tests run
 *  every path. */
export function useNativeInflate(on: boolean | null): void {
  nativeInflate = on === true ? null : on;
  fflateForced = on === false;
}
let fflateForced = false;

/** Browsers and Node 18+ inflate natively (DecompressionStream "deflate-raw"), several times faster than
 *  fflate; fflate is the fallback where it is missing. */
function nativeInflateAvailable(): boolean {
  if (nativeInflate === null) {
    try {
      new DecompressionStream("deflate-raw" as CompressionFormat);
      nativeInflate = true;
    } catch {
      nativeInflate = false;
    }
  }
  return nativeInflate;
}

const corrupt = (where: string, err: unknown) =>
  err instanceof ZipError ? err : new ZipError(`${where}: corrupt deflate data (${err instanceof Error ? err.message : String(err)})`);

async function* reportingCorrupt(chunks: AsyncIterable<Uint8Array>, where: string): AsyncIterable<Uint8Array> {
  try {
    yield* chunks;
  } catch (err) {
    throw corrupt(where, err);
  }
}

/** Both inflaters take the input INFLATE_SLICE bytes at a time and hand out what each slice expands to
 *  before taking the next, so the caller's size check bounds the memory a bomb can claim. */
async function* inflateNative(input: AsyncIterable<Uint8Array>, where: string): AsyncIterable<Uint8Array> {
  const ds = new DecompressionStream("deflate-raw" as CompressionFormat);
  const writer = ds.writable.getWriter() as WritableStreamDefaultWriter<BufferSource>;
  const reader = ds.readable.getReader();
  let inputError: unknown = null;
  const pump = (async () => {
    try {
      for await (const raw of input) {
        for (let s = 0; s < raw.length; s += INFLATE_SLICE) {
          await writer.ready;
          await writer.write(raw.subarray(s, s + INFLATE_SLICE) as BufferSource);
        }
      }
      await writer.close();
    } catch (err) {
      inputError ??= err;
      await writer.abort(err).catch(() => undefined);
    }
  })();
  let finished = false;
  try {
    for (;;) {
      let r: ReadableStreamReadResult<Uint8Array>;
      try {
        r = await reader.read();
      } catch (err) {
        await pump;
        throw inputError instanceof ZipError ? inputError : corrupt(where, inputError ?? err);
      }
      if (r.done) break;
      yield r.value;
    }
    await pump;
    if (inputError) throw corrupt(where, inputError);
    finished = true;
  } finally {
    if (!finished) await reader.cancel().catch(() => undefined);
    await pump.catch(() => undefined);
  }
}

async function* inflateFflate(input: AsyncIterable<Uint8Array>, where: string): AsyncIterable<Uint8Array> {
  const pending: Uint8Array[] = [];
  const inflater = new Inflate((chunk) => {
    if (chunk.length) pending.push(chunk);
  });
  let pushed = false;
  let last: Uint8Array | null = null;
  const push = (bytes: Uint8Array, final: boolean) => {
    try {
      inflater.push(bytes, final);
    } catch (err) {
      throw corrupt(where, err);
    }
    pushed = true;
  };
  // One chunk of look-ahead tells which slice is the final one.
  for await (const raw of input) {
    if (last) for (let s = 0; s < last.length; s += INFLATE_SLICE) {
      push(last.subarray(s, s + INFLATE_SLICE), false);
      while (pending.length) yield pending.shift()!;
    }
    last = raw;
  }
  if (last) {
    for (let s = 0; s < last.length; s += INFLATE_SLICE) {
      push(last.subarray(s, s + INFLATE_SLICE), s + INFLATE_SLICE >= last.length);
      while (pending.length) yield pending.shift()!;
    }
  }
  if (!pushed) push(new Uint8Array(0), true);
  while (pending.length) yield pending.shift()!;
}

async function readCentralDirectory(src: ByteSource, lim: ZipLimits): Promise<ZipEntry[]> {
  if (src.size < EOCD_MIN) throw new ZipError("too short to be a zip archive");
  const tailLen = Math.min(src.size, EOCD_MIN + MAX_COMMENT);
  const tailStart = src.size - tailLen;
  const tail = await readExactly(src, tailStart, tailLen, "end of archive");
  const tdv = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  let at = -1;
  for (let i = tailLen - EOCD_MIN; i >= 0; i--) {
    if (tdv.getUint32(i, true) === SIG_EOCD && i + EOCD_MIN + tdv.getUint16(i + 20, true) <= tailLen) {
      at = i;
      break;
    }
  }
  if (at < 0) throw new ZipError("no end-of-central-directory record: not a zip archive, or truncated");
  const eocdOffset = tailStart + at;
  let disk = tdv.getUint16(at + 4, true);
  let cdDisk = tdv.getUint16(at + 6, true);
  let count = tdv.getUint16(at + 10, true);
  let cdSize = tdv.getUint32(at + 12, true);
  let cdOffset = tdv.getUint32(at + 16, true);
  let cdEnd = eocdOffset;

  if (eocdOffset >= 20) {
    const loc = await readExactly(src, eocdOffset - 20, 20, "ZIP64 locator");
    const ldv = new DataView(loc.buffer, loc.byteOffset, 20);
    if (ldv.getUint32(0, true) === SIG_EOCD64_LOCATOR) {
      const e64Offset = u64(ldv, 8);
      const rec = await readExactly(src, e64Offset, 56, "ZIP64 end-of-central-directory record");
      const rdv = new DataView(rec.buffer, rec.byteOffset, 56);
      if (rdv.getUint32(0, true) !== SIG_EOCD64) throw new ZipError("ZIP64 locator points at no ZIP64 record (corrupt zip)");
      disk = rdv.getUint32(16, true);
      cdDisk = rdv.getUint32(20, true);
      count = u64(rdv, 32);
      cdSize = u64(rdv, 40);
      cdOffset = u64(rdv, 48);
      cdEnd = e64Offset;
    }
  }
  if (disk !== 0 || cdDisk !== 0) throw new ZipError("multi-volume (split) archives are not supported");
  if (count > lim.maxEntries) throw new ZipError(`${count} entries, over the limit of ${lim.maxEntries}`);
  if (cdSize > lim.maxCentralDirectoryBytes) throw new ZipError(`central directory of ${cdSize} bytes, over the limit`);
  // Data prepended to the archive (self-extractors) shifts every offset by the same amount.
  const shift = cdEnd - cdSize - cdOffset;
  if (cdEnd - cdSize < 0 || shift < 0) throw new ZipError("central directory lies beyond the end of the data (truncated zip)");
  const cd = await readExactly(src, cdOffset + shift, cdSize, "central directory");
  const dv = new DataView(cd.buffer, cd.byteOffset, cd.byteLength);
  const entries: ZipEntry[] = [];
  const minEnds: number[] = [];
  let p = 0;
  for (let n = 0; n < count; n++) {
    if (p + 46 > cdSize || dv.getUint32(p, true) !== SIG_CENTRAL) throw new ZipError(`central directory entry ${n} is damaged (corrupt or truncated zip)`);
    const madeBy = dv.getUint16(p + 4, true);
    const flags = dv.getUint16(p + 8, true);
    const method = dv.getUint16(p + 10, true);
    const time = dv.getUint16(p + 12, true);
    const date = dv.getUint16(p + 14, true);
    const crc = dv.getUint32(p + 16, true);
    let compressedSize = dv.getUint32(p + 20, true);
    let size = dv.getUint32(p + 24, true);
    const nameLen = dv.getUint16(p + 28, true);
    const extraLen = dv.getUint16(p + 30, true);
    const commentLen = dv.getUint16(p + 32, true);
    const entryDisk = dv.getUint16(p + 34, true);
    const external = dv.getUint32(p + 38, true);
    let offset = dv.getUint32(p + 42, true);
    const next = p + 46 + nameLen + extraLen + commentLen;
    if (next > cdSize) throw new ZipError(`central directory entry ${n} runs past the directory (corrupt zip)`);
    const rawName = decodeName(cd.subarray(p + 46, p + 46 + nameLen), (flags & 0x800) !== 0);
    for (let x = p + 46 + nameLen; x + 4 <= p + 46 + nameLen + extraLen; ) {
      const id = dv.getUint16(x, true);
      const len = dv.getUint16(x + 2, true);
      if (id === 0x0001) {
        let f = x + 4;
        const end = f + len;
        if (size === 0xffffffff && f + 8 <= end) (size = u64(dv, f)), (f += 8);
        if (compressedSize === 0xffffffff && f + 8 <= end) (compressedSize = u64(dv, f)), (f += 8);
        if (offset === 0xffffffff && f + 8 <= end) offset = u64(dv, f);
      }
      x += 4 + len;
    }
    const name = rawName.replace(/\\/g, "/");
    const host = madeBy >>> 8;
    const mode = host === 3 || host === 19 ? external >>> 16 : 0;
    const isSymlink = (mode & 0xf000) === 0xa000;
    const isDirectory = name.endsWith("/") || (mode & 0xf000) === 0x4000 || (host === 0 && (external & 0x10) !== 0);
    let problem = unsafeNameReason(name);
    if (!problem && isSymlink) problem = "symbolic link entry (links are never followed)";
    if (!problem && entryDisk !== 0 && entryDisk !== 0xffff) problem = "entry on another volume";
    entries.push({
      name: name.replace(/^(\.\/)+/, ""),
      size,
      compressedSize,
      isDirectory,
      isSymlink,
      method,
      crc32: crc,
      encrypted: (flags & 1) !== 0,
      modified: dosTime(date, time),
      problem,
      offset: offset + shift,
    });
    minEnds.push(offset + shift + 30 + nameLen + compressedSize);
    p = next;
  }
  flagOverlaps(entries, minEnds);
  return entries;
}

/** Flag entries whose data reaches into the next local header: two entries sharing bytes is how
 *  non-recursive zip bombs expand a small file into terabytes. */
function flagOverlaps(entries: ZipEntry[], minEnds: number[]): void {
  const order = entries.map((_, i) => i).sort((a, b) => entries[a].offset - entries[b].offset);
  for (let k = 0; k + 1 < order.length; k++) {
    const e = entries[order[k]];
    if (minEnds[order[k]] > entries[order[k + 1]].offset) e.problem ??= "entry data overlaps another entry (zip bomb construction)";
  }
}

/** A zip archive as read-only Evidence: paths are entry names, folders are implied by names; flagged entries
 *  are invisible (listed in `archive.problems`). Every entry read is hashed (SHA-256 of its content). */
export class ZipEvidence implements Evidence {
  readonly label: string;
  private readonly digests = new Map<string, string>();
  private readonly files = new Map<string, ZipEntry>();
  private readonly dirs = new Map<string, Set<string>>();

  constructor(
    readonly archive: ZipArchive,
    private readonly hasher: HasherFactory = sha256Hasher,
  ) {
    this.label = archive.label;
    this.dirs.set("", new Set());
    for (const e of archive.entries()) {
      if (e.problem || archive.entry(e.name) !== e) continue;
      const parts = e.name.split("/").filter((s) => s && s !== ".");
      if (!parts.length) continue;
      for (let i = 0; i < parts.length; i++) {
        const parent = parts.slice(0, i).join("/");
        const children = this.dirs.get(parent) ?? new Set<string>();
        children.add(parts[i]);
        this.dirs.set(parent, children);
        const here = parts.slice(0, i + 1).join("/");
        if (i < parts.length - 1 || e.isDirectory) {
          if (!this.dirs.has(here)) this.dirs.set(here, new Set());
        }
      }
      if (!e.isDirectory) this.files.set(parts.join("/"), e);
    }
  }

  private norm(path: string): string {
    return path.split("/").filter((s) => s && s !== ".").join("/");
  }

  private entryFor(path: string): ZipEntry {
    const e = this.files.get(this.norm(path));
    if (!e) throw new EvidenceError(path, "file is missing from the archive");
    return e;
  }

  async stat(path: string): Promise<EvidenceStat | null> {
    const p = this.norm(path);
    const f = this.files.get(p);
    if (f) {
      const m = f.modified;
      // The stored DOS time is a local time without zone; EvidenceStat.mtime reads it as UTC.
      const mtime = m ? Date.UTC(+m.slice(0, 4), +m.slice(5, 7) - 1, +m.slice(8, 10), +m.slice(11, 13), +m.slice(14, 16), +m.slice(17, 19)) : undefined;
      return mtime === undefined ? { size: f.size, isDirectory: false } : { size: f.size, isDirectory: false, mtime };
    }
    return this.dirs.has(p) ? { size: 0, isDirectory: true } : null;
  }

  async list(dir: string): Promise<string[]> {
    return [...(this.dirs.get(this.norm(dir)) ?? [])].sort();
  }

  /** The stored modification time of a file ("YYYY-MM-DD HH:MM:SS", local time of the device that zipped). */
  modified(path: string): string | null {
    return this.files.get(this.norm(path))?.modified ?? null;
  }

  async read(path: string, opts: { maxBytes?: number } = {}): Promise<Uint8Array> {
    const e = this.entryFor(path);
    try {
      const bytes = await this.archive.read(e.name, opts);
      const h = this.hasher();
      h.update(bytes);
      this.digests.set(this.norm(path), h.digest());
      return bytes;
    } catch (err) {
      throw new EvidenceError(path, err instanceof Error ? err.message : String(err));
    }
  }

  async *stream(path: string): AsyncIterable<Uint8Array> {
    const e = this.entryFor(path);
    const h = this.hasher();
    try {
      for await (const chunk of this.archive.stream(e.name)) {
        h.update(chunk);
        yield chunk;
      }
    } catch (err) {
      throw new EvidenceError(path, err instanceof Error ? err.message : String(err));
    }
    this.digests.set(this.norm(path), h.digest());
  }

  hashes(): Map<string, string> {
    return this.digests;
  }
}
