// The one line splitter behind the dumpstate and intrusion-log readers: lines across chunk edges, CRLF, and a
// line past MAX_LINE dropped (with its number) while the lines around it come through.

import { describe, expect, it } from "vitest";
import { lineBatches, MAX_LINE } from "../../src/core/util/line-batches.js";
import { textLines } from "../../src/core/artifacts/android/parsers/lines.js";

const enc = new TextEncoder();

async function* chunksOf(text: string, size: number): AsyncIterable<Uint8Array> {
  const bytes = enc.encode(text);
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function* repeated(prefix: string, fill: number, count: number, suffix: string): AsyncIterable<Uint8Array> {
  yield enc.encode(prefix);
  const block = new Uint8Array(fill).fill(0x41);
  for (let i = 0; i < count; i++) yield block;
  yield enc.encode(suffix);
}

async function collect<T>(it: AsyncIterable<T[]>): Promise<T[]> {
  const out: T[] = [];
  for await (const b of it) out.push(...b);
  return out;
}

describe("lineBatches and textLines", () => {
  it("splits lines across chunk edges, multi-byte characters included, and strips CR in textLines", async () => {
    const text = "first\r\nsecond é line\n\nthird — last";
    for (const size of [1, 2, 3, 7, 1000]) {
      expect(await collect(lineBatches(chunksOf(text, size)))).toEqual(["first\r", "second é line", "", "third — last"]);
      expect(await collect(textLines(chunksOf(text, size)))).toEqual(["first", "second é line", "", "third — last"]);
    }
  });

  it("drops a line longer than MAX_LINE, however it is cut, and names its number", async () => {
    // 40 MiB without a newline between two ordinary lines, in 64 KiB chunks.
    const long: number[] = [];
    const lines = await collect(textLines(repeated("before\nDUMP OF SERVICE x:\n", 64 * 1024, 640, "\nafter\n"), (n) => long.push(n)));
    expect(lines).toEqual(["before", "DUMP OF SERVICE x:", "after"]);
    expect(long).toEqual([3]);
    // lineBatches keeps its place as null; a line of exactly MAX_LINE characters is kept.
    const exact = "B".repeat(MAX_LINE);
    expect(await collect(lineBatches(chunksOf(`${exact}\n${exact}B\nz`, 4096)))).toEqual([exact, null, "z"]);
    // A long last line without a newline.
    expect(await collect(lineBatches(repeated("a\n", 1 << 20, 3, "")))).toEqual(["a", null]);
  });
});
