// Shared by the tar/gzip tests: feed bytes in chunks and collect entries with their bodies.

import { readTar, type TarEntry, type TarLimits } from "../../src/core/formats/tar.js";

export async function* chunked(bytes: Uint8Array, size: number): AsyncIterable<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, Math.min(bytes.length, i + size));
}

export async function collectBytes(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let n = 0;
  for await (const c of chunks) {
    parts.push(c.slice());
    n += c.length;
  }
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export interface Collected extends Omit<TarEntry, "body"> {
  data: Uint8Array;
}

export async function readAll(chunks: AsyncIterable<Uint8Array>, limits?: TarLimits): Promise<Collected[]> {
  const out: Collected[] = [];
  for await (const e of readTar(chunks, limits, "test.tar")) {
    const { body, ...rest } = e;
    out.push({ ...rest, data: await collectBytes(body()) });
  }
  return out;
}
