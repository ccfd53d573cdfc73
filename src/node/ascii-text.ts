// Node's fast path for decoding pure-ASCII chunks of large texts (see core/util/utf8-stream.ts): a SIMD check
// and a byte copy instead of UTF-8 decoding (a 330 MB files.json: ~55 ms instead of ~210 ms).

import { isAscii } from "node:buffer";
import { setAsciiDecoder } from "../core/util/utf8-stream.js";

const latin1 = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("latin1");

/** Install the fast path (idempotent). */
export function useNodeAsciiDecoding(): void {
  setAsciiDecoder((bytes) => (isAscii(bytes) ? latin1(bytes) : null));
}
