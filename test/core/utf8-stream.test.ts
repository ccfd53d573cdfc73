import { afterEach, describe, expect, it } from "vitest";
import { setAsciiDecoder, Utf8Stream } from "../../src/core/util/utf8-stream.js";
import { useNodeAsciiDecoding } from "../../src/node/ascii-text.js";

const enc = (s: string) => new TextEncoder().encode(s);

function decodeAll(bytes: Uint8Array, size: number): string {
  const d = new Utf8Stream();
  let out = "";
  for (let i = 0; i < bytes.length; i += size) out += d.decode(bytes.subarray(i, i + size));
  return out + d.end();
}

describe("Utf8Stream", () => {
  afterEach(() => setAsciiDecoder(null));

  const text = "\ufeffplain ascii line\nünïcødé ✓ 😀 then ascii again\n\ufeffinner mark\nend";
  const bytes = enc(text);
  const reference = new TextDecoder().decode(bytes); // the leading mark dropped, the inner one kept

  it("decodes as TextDecoder does, whatever the chunking, with and without Node's ASCII path", () => {
    for (const fast of [false, true]) {
      if (fast) useNodeAsciiDecoding();
      for (let size = 1; size <= 23; size++) expect(decodeAll(bytes, size), `fast=${fast} size=${size}`).toBe(reference);
    }
  });

  it("keeps a byte order mark that starts a later chunk after ASCII chunks took the fast path", () => {
    useNodeAsciiDecoding();
    const later = enc("ascii first\n\ufeffafter");
    expect(decodeAll(later, 12)).toBe("ascii first\n\ufeffafter");
    expect(decodeAll(enc("\ufeffstart"), 3)).toBe("start");
  });

  it("ends a character cut short with U+FFFD, as TextDecoder does", () => {
    useNodeAsciiDecoding();
    const cut = enc("abc ✓").subarray(0, 5);
    expect(decodeAll(cut, 2)).toBe("abc \ufffd");
  });

  it("takes the fast path only for pure ASCII chunks", () => {
    const seen: number[] = [];
    setAsciiDecoder((b) => {
      seen.push(b.length);
      return b.every((x) => x < 0x80) ? String.fromCharCode(...b) : null;
    });
    expect(decodeAll(enc("abcdé fgh"), 4)).toBe("abcdé fgh");
    // "abcd" fast; "é f" (4 bytes) refused, so TextDecoder; it ends in ASCII, so "gh" is fast again.
    expect(seen).toEqual([4, 4, 2]);
    seen.length = 0;
    // A chunk ending inside "é" leaves TextDecoder holding half of it: the next chunk must go to it too.
    expect(decodeAll(enc("abcé gh"), 4)).toBe("abcé gh");
    expect(seen).toEqual([4]);
  });
});
