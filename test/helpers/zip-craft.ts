// Test helper: hand-crafted zip archives with any field set to any value (lying sizes, hostile names, symlink
// modes, overlapping entries), laid out exactly as the zip specification lays out real ones.

import { crc32 } from "../../src/core/formats/crc32.js";

export interface CraftEntry {
  name: string;
  /** Bytes as stored in the archive (already deflated when method = 8). */
  data: Uint8Array;
  method?: 0 | 8;
  /** Declared uncompressed size (default: data length, for stored entries). */
  size?: number;
  /** CRC-32 declared (default: of `data`, right for stored entries). */
  crc?: number;
  /** Unix mode (e.g. 0o120777 for a symlink); written as made on Unix. */
  unixMode?: number;
  /** Declared compressed size (default: data length). */
  compressedSize?: number;
  /** Central directory entry points at this other entry's local header instead of its own. */
  sameOffsetAs?: number;
  /** Declare 64-bit sizes in a ZIP64 extra field. */
  zip64Size?: bigint;
}

export function craftZip(entries: CraftEntry[], opts: { prefix?: Uint8Array } = {}): Uint8Array {
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [];
  let pos = 0;
  const push = (b: Uint8Array) => {
    parts.push(b);
    pos += b.length;
  };
  if (opts.prefix) push(opts.prefix);
  const offsets: number[] = [];
  for (const e of entries) {
    const name = enc.encode(e.name);
    const h = new Uint8Array(30 + name.length);
    const dv = new DataView(h.buffer);
    dv.setUint32(0, 0x04034b50, true);
    dv.setUint16(4, 20, true);
    dv.setUint16(6, 0x800, true);
    dv.setUint16(8, e.method ?? 0, true);
    dv.setUint32(14, e.crc ?? crc32(e.data), true);
    dv.setUint32(18, e.compressedSize ?? e.data.length, true);
    dv.setUint32(22, e.size ?? e.data.length, true);
    dv.setUint16(26, name.length, true);
    h.set(name, 30);
    offsets.push(pos - (opts.prefix?.length ?? 0));
    push(h);
    push(e.data);
  }
  const cdStart = pos;
  entries.forEach((e, i) => {
    const name = enc.encode(e.name);
    const extra = e.zip64Size !== undefined ? new Uint8Array(4 + 8) : new Uint8Array(0);
    if (e.zip64Size !== undefined) {
      const x = new DataView(extra.buffer);
      x.setUint16(0, 1, true);
      x.setUint16(2, 8, true);
      x.setBigUint64(4, e.zip64Size, true);
    }
    const c = new Uint8Array(46 + name.length + extra.length);
    const dv = new DataView(c.buffer);
    dv.setUint32(0, 0x02014b50, true);
    dv.setUint16(4, e.unixMode !== undefined ? (3 << 8) | 20 : 20, true);
    dv.setUint16(6, 20, true);
    dv.setUint16(8, 0x800, true);
    dv.setUint16(10, e.method ?? 0, true);
    dv.setUint16(12, 0, true);
    dv.setUint16(14, (44 << 9) | (3 << 5) | 7, true); // 2024-03-07
    dv.setUint32(16, e.crc ?? crc32(e.data), true);
    dv.setUint32(20, e.compressedSize ?? e.data.length, true);
    dv.setUint32(24, e.zip64Size !== undefined ? 0xffffffff : (e.size ?? e.data.length), true);
    dv.setUint16(28, name.length, true);
    dv.setUint16(30, extra.length, true);
    dv.setUint32(38, e.unixMode !== undefined ? (e.unixMode << 16) >>> 0 : 0, true);
    dv.setUint32(42, offsets[e.sameOffsetAs ?? i], true);
    c.set(name, 46);
    c.set(extra, 46 + name.length);
    push(c);
  });
  const eocd = new Uint8Array(22);
  const dv = new DataView(eocd.buffer);
  dv.setUint32(0, 0x06054b50, true);
  dv.setUint16(8, entries.length, true);
  dv.setUint16(10, entries.length, true);
  dv.setUint32(12, pos - cdStart, true);
  dv.setUint32(16, cdStart - (opts.prefix?.length ?? 0), true);
  push(eocd);
  const out = new Uint8Array(pos);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
