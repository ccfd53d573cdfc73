// Node's zlib under the core's zip reader: native CRC-32 and raw inflate, several times faster than the
// portable CRC and the WHATWG DecompressionStream (a 16 MB dumpstate: ~25 ms instead of ~75 ms).

import zlib from "node:zlib";
import { INFLATE_SLICE, type Crc32, type RawInflater, type ZipOptions } from "../core/formats/zip.js";

/** zlib's CRC-32 (Node 20.15+). */
const nativeCrc32: Crc32 | undefined =
  typeof (zlib as { crc32?: unknown }).crc32 === "function"
    ? (data, previous = 0) => (zlib as unknown as { crc32(d: Uint8Array, v: number): number }).crc32(data, previous)
    : undefined;

/** Output chunks of 256 KiB: fewer, larger chunks through the async layers above than zlib's 16 KiB (a 16 MB
 *  dumpstate inflates and hashes in ~30 ms instead of ~42 ms with 64 KiB). */
const OUT_CHUNK = 256 * 1024;

/** zlib's raw inflate as a RawInflater. Each INFLATE_SLICE of input is written only once the previous one was
 *  taken in (backpressure), so what waits to be read is what one slice expands to at most. */
export const nodeInflateRaw: RawInflater = async function* (compressed) {
  const z = zlib.createInflateRaw({ chunkSize: OUT_CHUNK });
  const drained = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        z.off("drain", done);
        z.off("close", done);
        resolve();
      };
      z.on("drain", done);
      z.on("close", done);
    });
  const pump = (async () => {
    try {
      for await (const raw of compressed) {
        for (let s = 0; s < raw.length; s += INFLATE_SLICE) {
          if (z.destroyed) return;
          if (!z.write(raw.subarray(s, s + INFLATE_SLICE))) await drained();
        }
      }
      if (!z.destroyed) z.end();
    } catch (err) {
      z.destroy(err as Error); // the reader below throws it
    }
  })();
  try {
    for await (const out of z as AsyncIterable<Buffer>) yield out;
  } finally {
    z.destroy();
    await pump;
  }
};

/** Zip options for Node: native CRC-32 (where available) and inflate. */
export const NODE_ZIP_OPTIONS: ZipOptions = { crc32: nativeCrc32, inflateRaw: nodeInflateRaw };
