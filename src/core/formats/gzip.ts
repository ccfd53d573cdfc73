// Streaming gunzip over fflate's Gunzip (pure JS: runs in the browser). One pass, bounded memory, every
// member's CRC-32 and length verified — fflate alone accepts a stream cut inside or just before its trailer,
// so a truncated .tar.gz would otherwise look complete.

import { Gunzip } from "fflate";
import { crc32 } from "./crc32.js";
import { errorText } from "../util/errors.js";

export class GzipError extends Error {
  override name = "GzipError";
}

export interface GunzipOptions {
  /** Names the stream in errors (e.g. the archive's file name). */
  label?: string;
  /** Stop with a GzipError once the output exceeds this many bytes (decompression bombs). */
  maxOutputBytes?: number;
}

/** Input is fed to fflate in slices this small so one push inflates to at most ~33 MB (deflate's 1032:1 cap). */
const PUSH_SLICE = 32 * 1024;
/** Input kept to read a member's trailer when the next member's header arrives (headers may carry names). */
const TRAILER_WINDOW = 256 * 1024;

interface Member {
  crc: number;
  size: number;
}

/** Decompress a gzip stream (one or more members) chunk by chunk. */
export async function* gunzip(chunks: AsyncIterable<Uint8Array>, opts: GunzipOptions = {}): AsyncIterable<Uint8Array> {
  const label = opts.label ?? "gzip stream";
  const maxOut = opts.maxOutputBytes ?? Number.POSITIVE_INFINITY;
  const recent = new RecentInput(TRAILER_WINDOW);
  const out: Uint8Array[] = [];
  let member: Member = { crc: 0, size: 0 };
  let members = 1;
  let produced = 0;
  let failure: GzipError | null = null;

  const inflater = new Gunzip((data) => {
    if (!data.length) return;
    produced += data.length;
    member.crc = crc32(data, member.crc);
    member.size = (member.size + data.length) >>> 0;
    out.push(data);
  });
  inflater.onmember = (offset) => {
    const trailer = recent.slice(offset - 8, offset);
    if (!trailer) failure ??= new GzipError(`${label}: cannot verify the trailer of gzip member ${members} (header too long)`);
    else {
      const problem = trailerMismatch(trailer, member);
      if (problem) failure ??= new GzipError(`${label}: gzip member ${members} is corrupt (${problem})`);
    }
    members++;
    member = { crc: 0, size: 0 };
  };

  let seen = 0;
  for await (const chunk of chunks) {
    for (let i = 0; i < chunk.length; i += PUSH_SLICE) {
      const slice = chunk.subarray(i, Math.min(chunk.length, i + PUSH_SLICE));
      if (seen === 0 && slice.length >= 2 && (slice[0] !== 0x1f || slice[1] !== 0x8b)) {
        throw new GzipError(`${label}: not gzip data (no 1f 8b signature)`);
      }
      recent.add(slice, seen);
      seen += slice.length;
      try {
        inflater.push(slice, false);
      } catch (e) {
        throw new GzipError(`${label}: corrupt gzip data near compressed byte ${seen} (${errorText(e)})`);
      }
      if (failure) throw failure;
      if (produced > maxOut) throw new GzipError(`${label}: expands beyond the ${maxOut}-byte limit (decompression bomb?)`);
      while (out.length) yield out.shift()!;
    }
  }
  if (seen === 0) throw new GzipError(`${label}: empty file, not gzip data`);
  try {
    inflater.push(new Uint8Array(0), true);
  } catch (e) {
    throw new GzipError(`${label}: truncated gzip data (${errorText(e)}) after ${seen} compressed bytes`);
  }
  if (failure) throw failure;
  const trailer = recent.slice(seen - 8, seen);
  const problem = trailer && seen >= 18 ? trailerMismatch(trailer, member) : "no trailer";
  if (problem) throw new GzipError(`${label}: truncated or corrupt gzip data at the end of member ${members} (${problem})`);
  while (out.length) yield out.shift()!;
}

function trailerMismatch(trailer: Uint8Array, m: Member): string | null {
  const view = new DataView(trailer.buffer, trailer.byteOffset, 8);
  const crc = view.getUint32(0, true);
  const size = view.getUint32(4, true);
  if (crc !== m.crc) return `CRC-32 ${hex(crc)} recorded, ${hex(m.crc)} computed`;
  if (size !== m.size) return `length ${size} recorded, ${m.size} (mod 2^32) decompressed`;
  return null;
}

function hex(n: number): string {
  return n.toString(16).padStart(8, "0");
}

/** The last `window` bytes of input by absolute offset (references to the pushed slices, not copies). */
class RecentInput {
  private parts: { start: number; bytes: Uint8Array }[] = [];

  constructor(private readonly window: number) {}

  add(bytes: Uint8Array, start: number): void {
    this.parts.push({ start, bytes });
    const end = start + bytes.length;
    while (this.parts.length > 1 && this.parts[0].start + this.parts[0].bytes.length < end - this.window) this.parts.shift();
  }

  slice(from: number, to: number): Uint8Array | null {
    if (from < 0 || !this.parts.length || from < this.parts[0].start) return null;
    const result = new Uint8Array(to - from);
    let filled = 0;
    for (const { start, bytes } of this.parts) {
      const a = Math.max(from, start);
      const b = Math.min(to, start + bytes.length);
      if (a >= b) continue;
      result.set(bytes.subarray(a - start, b - start), a - from);
      filled += b - a;
    }
    return filled === result.length ? result : null;
  }
}
