// Hostile archives: every trick is flagged or bounded with a clear message, nothing is served from outside
// the archive, and a lying header cannot make us inflate more than it declared.

import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { deflateRawSync } from "node:zlib";
import { Deflate } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BytesSource } from "../../src/core/formats/byte-source.js";
import { useNativeInflate, ZipArchive, ZipEvidence, type ZipOptions } from "../../src/core/formats/zip.js";
import { NODE_ZIP_OPTIONS } from "../../src/node/zip-native.js";
import { crc32 } from "../../src/core/formats/crc32.js";
import { craftZip } from "../helpers/zip-craft.js";

const enc = (s: string) => new TextEncoder().encode(s);
/** The zip options of the inflater under test (Node's zlib, or none: DecompressionStream / fflate). */
let zipOptions: ZipOptions = {};

/** Every inflater a zip entry can go through: the runtime's DecompressionStream, fflate, Node's zlib. */
const INFLATERS: [string, boolean, ZipOptions][] = [
  ["native inflate", true, {}],
  ["fflate", false, {}],
  ["node zlib", true, NODE_ZIP_OPTIONS],
];

/** Run the enclosing describe's tests through one inflater. */
function useInflater(native: boolean, options: ZipOptions): void {
  beforeAll(() => {
    useNativeInflate(native);
    zipOptions = options;
  });
  afterAll(() => {
    useNativeInflate(null);
    zipOptions = {};
  });
}
const open = (bytes: Uint8Array, limits = {}) => ZipArchive.open(new BytesSource(bytes), "hostile.zip", limits, zipOptions);

/** `mib` MiB of zeros deflated in one stream (about 1 KiB per MiB), with the CRC of the zeros. */
function deflatedZeros(mib: number): { data: Uint8Array; crc: number; size: number } {
  const parts: Uint8Array[] = [];
  const d = new Deflate({ level: 9 }, (chunk) => parts.push(chunk));
  const zeros = new Uint8Array(1 << 20);
  let crc = 0;
  for (let i = 0; i < mib; i++) {
    d.push(zeros, i === mib - 1);
    crc = crc32(zeros, crc);
  }
  return { data: Buffer.concat(parts), crc, size: mib << 20 };
}

describe("hostile zip names", () => {
  it("flags zip-slip, absolute and drive-letter names, never lists them and refuses to read them", async () => {
    const zip = await open(
      craftZip([
        { name: "../evil.sh", data: enc("rm -rf ~") },
        { name: "FS/../../etc/cron.d/x", data: enc("x") },
        { name: "/etc/passwd", data: enc("root") },
        { name: "C:/Windows/evil.dll", data: enc("MZ") },
        { name: "..\\..\\win.ini", data: enc("w") },
        { name: "ok/main_entry.txt", data: enc("fine") },
      ]),
    );
    const problems = Object.fromEntries(zip.entries().map((e) => [e.name, e.problem]));
    expect(problems).toEqual({
      "../evil.sh": "path climbs out of the archive (zip-slip)",
      "FS/../../etc/cron.d/x": "path climbs out of the archive (zip-slip)",
      "/etc/passwd": "absolute path",
      "C:/Windows/evil.dll": "absolute path",
      "../../win.ini": "path climbs out of the archive (zip-slip)",
      "ok/main_entry.txt": null,
    });
    expect(zip.problems).toHaveLength(5);
    await expect(zip.read("../evil.sh")).rejects.toThrow(/hostile.zip: \.\.\/evil\.sh: refused: path climbs out/);
    const ev = new ZipEvidence(zip);
    expect(await ev.list("")).toEqual(["ok"]);
    expect(await ev.stat("../evil.sh")).toBeNull();
    await expect(ev.read("../evil.sh")).rejects.toThrow(/missing from the archive/);
    expect(new TextDecoder().decode(await ev.read("ok/main_entry.txt"))).toBe("fine");
  });

  it("flags a symlink entry crafted with a Unix mode and keeps the first of duplicate names", async () => {
    const zip = await open(
      craftZip([
        { name: "link", data: enc("/etc/shadow"), unixMode: 0o120777 },
        { name: "dup.txt", data: enc("first") },
        { name: "dup.txt", data: enc("second") },
      ]),
    );
    expect(zip.entries()[0].problem).toBe("symbolic link entry (links are never followed)");
    expect(zip.problems).toContain("dup.txt: duplicate entry name; the first one is used");
    expect(new TextDecoder().decode(await zip.read("dup.txt"))).toBe("first");
  });
});

describe.each(INFLATERS)("zip bombs (%s)", (_name, native, options) => {
  useInflater(native, options);

  it("refuses an entry whose declared size is over the limit or impossible for deflate", async () => {
    const bomb = deflatedZeros(4);
    const zip = await open(
      craftZip([
        { name: "honest-4MiB", data: bomb.data, method: 8, size: bomb.size, crc: bomb.crc },
        { name: "claims-1TiB", data: bomb.data, method: 8, zip64Size: 1n << 40n, crc: bomb.crc },
      ]),
      { maxEntryBytes: 1 << 20 },
    );
    const byName = Object.fromEntries(zip.entries().map((e) => [e.name, e]));
    expect(byName["honest-4MiB"].problem).toBe(`declared size ${4 << 20} is over the ${1 << 20}-byte limit`);
    expect(byName["claims-1TiB"].size).toBe(2 ** 40);
    expect(byName["claims-1TiB"].problem).toMatch(/over the 1048576-byte limit/);
    await expect(zip.read("honest-4MiB")).rejects.toThrow(/refused: declared size/);

    const roomy = await open(craftZip([{ name: "claims-1TiB", data: bomb.data, method: 8, zip64Size: 1n << 40n, crc: bomb.crc }]));
    expect(roomy.entries()[0].problem).toMatch(/over the \d+-byte limit|impossible for \d+ deflated bytes/);
  });

  it("stops inflating as soon as a small declared size is exceeded: 160 MiB of zeros declared as 1000 bytes", async () => {
    const bomb = { data: deflateRawSync(Buffer.alloc(160 << 20), { level: 9 }), crc: 0 };
    expect(bomb.data.length).toBeLessThan(512 * 1024);
    const zip = await open(craftZip([{ name: "liar.txt", data: bomb.data, method: 8, size: 1000, crc: bomb.crc }]));
    expect(zip.entries()[0].problem).toBeNull(); // 1000 bytes is a plausible claim: only inflating shows the lie
    global.gc?.();
    const before = process.memoryUsage();
    await expect(zip.read("liar.txt")).rejects.toThrow(/liar\.txt: expands beyond its declared size of 1000 bytes \(zip bomb\?\); refused/);
    let streamed = 0;
    await expect(
      (async () => {
        for await (const c of zip.stream("liar.txt")) streamed += c.length;
      })(),
    ).rejects.toThrow(/expands beyond its declared size/);
    expect(streamed).toBeLessThanOrEqual(1000);
    const after = process.memoryUsage();
    // One 16 KiB slice of compressed zeros inflates to ~16 MiB at most before the check stops it.
    expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(64 << 20);
  });

  it("flags entries whose data overlaps another entry (non-recursive bomb layout)", async () => {
    const zip = await open(
      craftZip([
        { name: "kernel", data: enc("x".repeat(100)) },
        { name: "alias", data: enc("y"), sameOffsetAs: 0 },
        { name: "stretched", data: enc("z".repeat(10)), compressedSize: 5000 },
        { name: "after", data: enc("after") },
      ]),
    );
    const problems = Object.fromEntries(zip.entries().map((e) => [e.name, e.problem]));
    expect(problems.stretched).toBe("entry data overlaps another entry (zip bomb construction)");
    expect([problems.kernel, problems.alias].filter(Boolean)).toEqual(["entry data overlaps another entry (zip bomb construction)"]);
    expect(problems.after).toBeNull();
  });
});

describe.each(INFLATERS)("truncated and corrupt zips (%s)", (_name, native, options) => {
  useInflater(native, options);

  const dir = mkdtempSync(path.join(tmpdir(), "spyscope-zipcut-"));
  const text = Array.from({ length: 20000 }, (_, i) => `line ${i * 31}\n`).join("");
  writeFileSync(path.join(dir, "dumpstate.txt"), text);
  execFileSync("zip", ["-q", "z.zip", "dumpstate.txt"], { cwd: dir });
  const whole = readFileSync(path.join(dir, "z.zip"));
  rmSync(dir, { recursive: true, force: true });

  it("inflates the intact archive to the original text, whole and streamed", async () => {
    const zip = await open(whole);
    expect(zip.entries()[0].method).toBe(8);
    expect(new TextDecoder().decode(await zip.read("dumpstate.txt"))).toBe(text);
    const parts: Uint8Array[] = [];
    for await (const c of zip.stream("dumpstate.txt")) parts.push(c);
    expect(Buffer.concat(parts).toString("utf8")).toBe(text);
  });

  it("says an archive cut short is truncated, wherever it was cut", async () => {
    for (const keep of [10, 100, Math.floor(whole.length / 2), whole.length - 1, whole.length - 30]) {
      await expect(open(whole.subarray(0, keep)), `cut at ${keep}`).rejects.toThrow(/hostile\.zip: .*(truncated|too short)/);
    }
  });

  it("says entry data running past the end is truncated, and catches a corrupt byte by its CRC", async () => {
    const cut = craftZip([{ name: "big.bin", data: enc("abc"), compressedSize: 3 }]);
    // Declared compressed size 1 MiB for 3 stored bytes: the data would run past the end.
    const lying = craftZip([{ name: "big.bin", data: enc("abc"), compressedSize: 1 << 20, size: 1 << 20 }]);
    expect(new TextDecoder().decode(await (await open(cut)).read("big.bin"))).toBe("abc");
    await expect((await open(lying)).read("big.bin")).rejects.toThrow(/data runs past the end of the archive \(truncated zip\)/);

    const flipped = craftZip([{ name: "a.txt", data: enc("hello world") }]);
    flipped[30 + "a.txt".length + 2] ^= 0xff;
    await expect((await open(flipped)).read("a.txt")).rejects.toThrow(/a\.txt: CRC-32 mismatch/);

    const deflated = new Uint8Array(whole);
    const mid = Math.floor(whole.length / 3); // inside the deflated data, past the local header's extra fields
    deflated[mid] ^= 0x55;
    deflated[mid + 1] ^= 0x55;
    await expect((await open(deflated)).read("dumpstate.txt")).rejects.toThrow(/dumpstate\.txt: (corrupt deflate data|CRC-32 mismatch|\d+ bytes instead)/);
  });

  it("refuses what is not a zip at all", async () => {
    await expect(open(enc("PK"))).rejects.toThrow(/too short/);
    await expect(open(new Uint8Array(5000).fill(7))).rejects.toThrow(/no end-of-central-directory record/);
  });
});
