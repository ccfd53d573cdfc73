// Streaming tar reader: one pass over chunks (e.g. gunzip's output), nothing extracted, nothing followed.
// ustar, POSIX pax (path, linkpath, size, mtime; global and per-entry) and GNU long names/links.
// Unsafe names (absolute, `..`) and links are reported on the entry, never resolved; sizes are bounded.
// The input is read to its end, past the end-of-archive marker, so a gzip source gets to check its trailer.

export type TarEntryType = "file" | "directory" | "symlink" | "hardlink" | "other";

export interface TarEntry {
  /** Entry name with a leading "./" and repeated slashes removed; otherwise as recorded (check `unsafe`). */
  name: string;
  /** Data bytes that follow the header (0 for links and directories). */
  size: number;
  type: TarEntryType;
  /** Target of a symlink or hardlink, as recorded ("" otherwise). Never followed. */
  linkName: string;
  /** Modification time, seconds since the Unix epoch. */
  mtime: number;
  mode: number;
  /** Why the entry must not be trusted as a path inside the archive: "absolute path", "parent directory (..)",
   *  "symlink", "hardlink". Empty when none applies. */
  unsafe: string[];
  /** The entry's data. Read it before asking for the next entry, or it is skipped unread. Throws TarError when
   *  the entry exceeds `maxEntryBytes`. */
  body(): AsyncIterable<Uint8Array>;
}

export interface TarLimits {
  /** Largest entry whose body may be read (bigger ones are still skipped over). Default 4 GiB. */
  maxEntryBytes?: number;
  /** Most data bytes in the whole archive before reading stops with a TarError. Default 64 GiB. */
  maxTotalBytes?: number;
  /** Most entries before reading stops. Default 5 million. */
  maxEntries?: number;
  /** Largest pax header or GNU long name/link record. Default 1 MiB. */
  maxMetaBytes?: number;
}

export class TarError extends Error {
  override name = "TarError";
}

const BLOCK = 512;
const DEFAULTS: Required<TarLimits> = {
  maxEntryBytes: 4 * 1024 ** 3,
  maxTotalBytes: 64 * 1024 ** 3,
  maxEntries: 5_000_000,
  maxMetaBytes: 1024 * 1024,
};

/** Read tar entries from a byte stream. `label` names the archive in errors. */
export async function* readTar(
  chunks: AsyncIterable<Uint8Array>,
  limits: TarLimits = {},
  label = "tar archive",
): AsyncIterable<TarEntry> {
  const lim = { ...DEFAULTS, ...limits };
  const input = new ChunkReader(chunks[Symbol.asyncIterator](), label);
  const globalPax: Record<string, string> = {};
  let localPax: Record<string, string> = {};
  let longName: string | null = null;
  let longLink: string | null = null;
  let entries = 0;
  let total = 0;

  const readMeta = async (size: number, what: string): Promise<Uint8Array> => {
    if (size > lim.maxMetaBytes) throw new TarError(`${label}: ${what} of ${size} bytes exceeds the ${lim.maxMetaBytes}-byte limit`);
    const data = await input.readExact(size, what);
    await input.skip(padding(size), what);
    return data;
  };

  for (;;) {
    const header = await input.readExact(BLOCK, "header", true);
    if (header === null) throw new TarError(`${label}: ends without the end-of-archive marker (truncated?)`);
    if (isZeroBlock(header)) {
      // The end marker is two zero blocks; accept one followed by end of data (some writers stop there).
      const next = await input.readExact(BLOCK, "end-of-archive marker", true);
      if (next === null || isZeroBlock(next)) {
        // Consume the record padding after the marker: a gzip source verifies its CRC only at its very end.
        await input.drain();
        return;
      }
      throw new TarError(`${label}: zero block followed by data at byte ${input.offset - BLOCK} (corrupt archive)`);
    }
    const at = input.offset - BLOCK;
    verifyChecksum(header, label, at);
    const flag = String.fromCharCode(header[156] || 0x30);
    const declared = numeric(header, 124, 12, `${label}: size of the header at byte ${at}`);
    total += declared;
    if (total > lim.maxTotalBytes) throw new TarError(`${label}: more than ${lim.maxTotalBytes} bytes of data (archive bomb?)`);

    if (flag === "x" || flag === "g") {
      const pax = parsePax(await readMeta(declared, "pax header"), label, at);
      if (flag === "g") Object.assign(globalPax, pax);
      else localPax = { ...localPax, ...pax };
      continue;
    }
    if (flag === "L" || flag === "K") {
      const value = cString(await readMeta(declared, flag === "L" ? "GNU long name" : "GNU long link name"));
      if (flag === "L") longName = value;
      else longLink = value;
      continue;
    }

    if (++entries > lim.maxEntries) throw new TarError(`${label}: more than ${lim.maxEntries} entries`);
    const pax = { ...globalPax, ...localPax };
    const type = entryType(flag);
    const hasData = type === "file" || type === "other";
    let size = declared;
    if (pax.size !== undefined) {
      if (!/^\d+$/.test(pax.size)) throw new TarError(`${label}: pax size "${pax.size}" at byte ${at} is not a number`);
      size = Number(pax.size);
      if (!Number.isSafeInteger(size)) throw new TarError(`${label}: pax size ${pax.size} at byte ${at} is too large`);
      total += size - declared;
      if (total > lim.maxTotalBytes) throw new TarError(`${label}: more than ${lim.maxTotalBytes} bytes of data (archive bomb?)`);
    }
    if (!hasData) size = 0;
    const rawName = longName ?? pax.path ?? ustarName(header);
    const linkName = longLink ?? pax.linkpath ?? cString(header.subarray(157, 257));
    const mtime = pax.mtime !== undefined && Number.isFinite(Number(pax.mtime))
      ? Math.floor(Number(pax.mtime))
      : numeric(header, 136, 12, `${label}: mtime of the header at byte ${at}`);
    localPax = {};
    longName = longLink = null;

    const name = normalizeName(rawName);
    const unsafe = nameProblems(name);
    if (type === "symlink") unsafe.push("symlink");
    if (type === "hardlink") unsafe.push("hardlink");

    let remaining = size;
    let current = true;
    let started = false;
    const entry: TarEntry = {
      name,
      size,
      type,
      linkName,
      mtime,
      mode: numeric(header, 100, 8, `${label}: mode of the header at byte ${at}`),
      unsafe,
      body: () => {
        if (!current) throw new Error(`${label}: ${name}: body requested after the reader moved to the next entry`);
        if (started) throw new Error(`${label}: ${name}: body can be read only once`);
        started = true;
        if (size > lim.maxEntryBytes) {
          throw new TarError(`${label}: ${name}: ${size} bytes exceeds the ${lim.maxEntryBytes}-byte entry limit`);
        }
        return (async function* () {
          while (remaining > 0) {
            const part = await input.take(remaining, `data of ${name}`);
            remaining -= part.length;
            yield part;
          }
        })();
      },
    };
    yield entry;
    current = false;
    await input.skip(remaining, `data of ${name}`);
    await input.skip(padding(size), `data of ${name}`);
  }
}

function padding(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK;
}

function entryType(flag: string): TarEntryType {
  switch (flag) {
    case "0":
    case "7":
      return "file";
    case "1":
      return "hardlink";
    case "2":
      return "symlink";
    case "5":
      return "directory";
    default:
      return "other";
  }
}

function isZeroBlock(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] !== 0) return false;
  return true;
}

function verifyChecksum(h: Uint8Array, label: string, at: number): void {
  const field = cString(h.subarray(148, 156)).trim();
  if (!/^[0-7]+$/.test(field)) throw new TarError(`${label}: no valid tar header at byte ${at} (corrupt or not a tar archive)`);
  const recorded = parseInt(field, 8);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const v = i >= 148 && i < 156 ? 0x20 : h[i];
    unsigned += v;
    signed += v > 127 ? v - 256 : v;
  }
  if (recorded !== unsigned && recorded !== signed) {
    throw new TarError(`${label}: header checksum mismatch at byte ${at} (corrupt archive)`);
  }
}

/** Octal, or GNU base-256 when the first byte has its high bit set. */
function numeric(h: Uint8Array, offset: number, length: number, what: string): number {
  const field = h.subarray(offset, offset + length);
  if (field[0] & 0x80) {
    if (field[0] === 0xff) throw new TarError(`${what} is negative`);
    let v = field[0] & 0x7f;
    for (let i = 1; i < field.length; i++) {
      v = v * 256 + field[i];
      if (!Number.isSafeInteger(v)) throw new TarError(`${what} is too large`);
    }
    return v;
  }
  const text = cString(field).trim();
  if (!text) return 0;
  if (!/^[0-7]+$/.test(text)) throw new TarError(`${what} is not an octal number ("${text}")`);
  return parseInt(text, 8);
}

const utf8 = new TextDecoder("utf-8");

function cString(b: Uint8Array): string {
  const nul = b.indexOf(0);
  return utf8.decode(nul < 0 ? b : b.subarray(0, nul));
}

function ustarName(h: Uint8Array): string {
  const name = cString(h.subarray(0, 100));
  // POSIX ustar ("ustar\0") splits long names into prefix + name; GNU ("ustar  ") uses that area for times.
  const posix = h[257] === 0x75 && h[258] === 0x73 && h[259] === 0x74 && h[260] === 0x61 && h[261] === 0x72 && h[262] === 0;
  if (!posix) return name;
  const prefix = cString(h.subarray(345, 500));
  return prefix ? `${prefix}/${name}` : name;
}

function parsePax(data: Uint8Array, label: string, at: number): Record<string, string> {
  const out: Record<string, string> = {};
  let pos = 0;
  while (pos < data.length) {
    if (data[pos] === 0) break;
    const space = data.indexOf(0x20, pos);
    const lenText = space < 0 ? "" : utf8.decode(data.subarray(pos, space));
    const len = Number(lenText);
    if (!/^\d+$/.test(lenText) || len <= space - pos || pos + len > data.length || data[pos + len - 1] !== 0x0a) {
      throw new TarError(`${label}: malformed pax record in the header at byte ${at}`);
    }
    const record = utf8.decode(data.subarray(space + 1, pos + len - 1));
    const eq = record.indexOf("=");
    if (eq < 0) throw new TarError(`${label}: malformed pax record in the header at byte ${at}`);
    out[record.slice(0, eq)] = record.slice(eq + 1);
    pos += len;
  }
  return out;
}

function normalizeName(raw: string): string {
  let name = raw.replace(/\/{2,}/g, "/");
  while (name.startsWith("./")) name = name.slice(2);
  return name;
}

/** Why a name cannot be taken as a path inside the archive. */
export function nameProblems(name: string): string[] {
  const problems: string[] = [];
  if (name.startsWith("/") || /^[A-Za-z]:[\\/]/.test(name) || name.startsWith("\\")) problems.push("absolute path");
  if (name.split(/[\\/]/).includes("..")) problems.push("parent directory (..)");
  if (name.includes("\0")) problems.push("NUL in name");
  return problems;
}

/** Pull-style reader over an async chunk iterator. */
class ChunkReader {
  private buf: Uint8Array = new Uint8Array(0);
  private pos = 0;
  offset = 0;

  constructor(
    private readonly it: AsyncIterator<Uint8Array>,
    private readonly label: string,
  ) {}

  private async fill(): Promise<boolean> {
    while (this.pos >= this.buf.length) {
      const r = await this.it.next();
      if (r.done) return false;
      this.buf = r.value;
      this.pos = 0;
    }
    return true;
  }

  private truncated(what: string): TarError {
    return new TarError(`${this.label}: truncated in the ${what} at byte ${this.offset}`);
  }

  /** Exactly n bytes; with `eofOk`, null when the data ends before the first byte. */
  async readExact(n: number, what: string, eofOk: true): Promise<Uint8Array | null>;
  async readExact(n: number, what: string): Promise<Uint8Array>;
  async readExact(n: number, what: string, eofOk = false): Promise<Uint8Array | null> {
    if (!(await this.fill())) {
      if (eofOk) return null;
      if (n === 0) return new Uint8Array(0);
      throw this.truncated(what);
    }
    if (this.buf.length - this.pos >= n) {
      const out = this.buf.subarray(this.pos, this.pos + n);
      this.pos += n;
      this.offset += n;
      return out;
    }
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      if (!(await this.fill())) throw this.truncated(what);
      const k = Math.min(n - filled, this.buf.length - this.pos);
      out.set(this.buf.subarray(this.pos, this.pos + k), filled);
      this.pos += k;
      this.offset += k;
      filled += k;
    }
    return out;
  }

  /** Up to n (> 0) bytes from the current chunk. */
  async take(n: number, what: string): Promise<Uint8Array> {
    if (!(await this.fill())) throw this.truncated(what);
    const k = Math.min(n, this.buf.length - this.pos);
    const out = this.buf.subarray(this.pos, this.pos + k);
    this.pos += k;
    this.offset += k;
    return out;
  }

  /** Read (and drop) whatever is left of the input. */
  async drain(): Promise<void> {
    this.pos = this.buf.length;
    while (await this.fill()) this.pos = this.buf.length;
  }

  async skip(n: number, what: string): Promise<void> {
    while (n > 0) n -= (await this.take(n, what)).length;
  }
}
