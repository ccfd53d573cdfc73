// node:crypto's SHA-256 for the core's Hasher interface (several times faster than the portable one), and
// evidence files read whole-file-streamed for hashing or one-pass archive readers.

import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import type { Hasher, HasherFactory } from "../core/util/sha256.js";

export const nodeSha256: HasherFactory = () => {
  const h = createHash("sha256");
  return { update: (b) => void h.update(b), digest: () => h.digest("hex") };
};

/** A file's bytes, read-only, in 1 MiB chunks; `hash`, when given, sees every chunk. */
export async function* fileChunks(file: string, hash?: Hasher): AsyncIterable<Uint8Array> {
  for await (const c of createReadStream(file, { highWaterMark: 1 << 20 })) {
    hash?.update(c as Buffer);
    yield c as Buffer;
  }
}

/** SHA-256 (hex) of a whole file, streamed. */
export async function fileSha256(file: string): Promise<string> {
  const h = nodeSha256();
  for await (const _ of fileChunks(file, h)) {
    /* the hasher sees every chunk */
  }
  return h.digest();
}
