// Real archives made by Info-ZIP's `zip` and by fflate, read in place.

import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { zipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BytesSource } from "../../src/core/formats/byte-source.js";
import { useNativeInflate, ZipArchive, ZipEvidence } from "../../src/core/formats/zip.js";
import { FileByteSource } from "../../src/node/file-source.js";

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

let dir: string;
let zipPath: string;
const text = Array.from({ length: 40_000 }, (_, i) => `${i * 7919} DUMP OF SERVICE package:\n`).join(""); // ~1.2 MB
const random = randomBytes(300_000);

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "spyscope-zip-"));
  const src = path.join(dir, "src");
  mkdirSync(path.join(src, "FS/data/tombstones"), { recursive: true });
  mkdirSync(path.join(src, "empty-dir"));
  writeFileSync(path.join(src, "main_entry.txt"), "bugreport-a10-2024.txt");
  writeFileSync(path.join(src, "bugreport-a10-2024.txt"), text);
  writeFileSync(path.join(src, "FS/data/tombstones/tombstone_00"), random);
  writeFileSync(path.join(src, "empty.txt"), "");
  zipPath = path.join(dir, "bugreport.zip");
  execFileSync("zip", ["-q", "-r", zipPath, "."], { cwd: src });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each([
  ["native inflate", true],
  ["fflate", false],
])("ZipArchive on a zip made by Info-ZIP (%s)", (_name, native) => {
  beforeAll(() => useNativeInflate(native));
  afterAll(() => useNativeInflate(null));

  it("lists every entry with sizes and kinds, and reads each one back byte for byte", async () => {
    const src = await FileByteSource.open(zipPath);
    try {
      const zip = await ZipArchive.open(src, "bugreport.zip");
      const byName = new Map(zip.entries().map((e) => [e.name, e]));
      expect([...byName.keys()].sort()).toEqual([
        "FS/",
        "FS/data/",
        "FS/data/tombstones/",
        "FS/data/tombstones/tombstone_00",
        "bugreport-a10-2024.txt",
        "empty-dir/",
        "empty.txt",
        "main_entry.txt",
      ]);
      const report = byName.get("bugreport-a10-2024.txt")!;
      expect(report.size).toBe(text.length);
      expect(report.method).toBe(8);
      expect(report.compressedSize).toBeLessThan(text.length / 4);
      expect(byName.get("FS/")!.isDirectory).toBe(true);
      expect(zip.problems).toEqual([]);
      expect(new TextDecoder().decode(await zip.read("main_entry.txt"))).toBe("bugreport-a10-2024.txt");
      expect(sha(await zip.read("FS/data/tombstones/tombstone_00"))).toBe(sha(random));
      expect((await zip.read("empty.txt")).length).toBe(0);
      const chunks: Uint8Array[] = [];
      for await (const c of zip.stream("bugreport-a10-2024.txt")) chunks.push(c);
      expect(chunks.length).toBeGreaterThan(1);
      expect(Buffer.concat(chunks).toString("utf8")).toBe(text);
      await expect(zip.read("bugreport-a10-2024.txt", { maxBytes: 1000 })).rejects.toThrow(/over the 1000-byte limit/);
      await expect(zip.read("nope.txt")).rejects.toThrow(/no such entry/);
    } finally {
      await src.close();
    }
  });

  it("serves the archive as Evidence: folders implied by names, content hashed as it is read", async () => {
    const src = await FileByteSource.open(zipPath);
    try {
      const ev = new ZipEvidence(await ZipArchive.open(src, zipPath));
      expect(await ev.list("")).toEqual(["FS", "bugreport-a10-2024.txt", "empty-dir", "empty.txt", "main_entry.txt"]);
      expect(await ev.list("FS/data/tombstones")).toEqual(["tombstone_00"]);
      expect(await ev.stat("FS/data")).toEqual({ size: 0, isDirectory: true });
      const st = await ev.stat("FS/data/tombstones/tombstone_00");
      expect(st).toMatchObject({ size: random.length, isDirectory: false });
      expect(new Date(st!.mtime!).toISOString().slice(0, 19).replace("T", " ")).toBe(ev.modified("FS/data/tombstones/tombstone_00"));
      expect(await ev.stat("missing")).toBeNull();
      expect(ev.modified("main_entry.txt")).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
      await ev.read("FS/data/tombstones/tombstone_00");
      for await (const _ of ev.stream("bugreport-a10-2024.txt"));
      expect(Object.fromEntries(ev.hashes())).toEqual({
        "FS/data/tombstones/tombstone_00": sha(random),
        "bugreport-a10-2024.txt": sha(Buffer.from(text)),
      });
      await expect(ev.read("FS/data")).rejects.toThrow(/missing from the archive/);
    } finally {
      await src.close();
    }
  });

  it("reads ZIP64 archives (zip -fz) and archives with data prepended (self-extractor stubs)", async () => {
    const src = path.join(dir, "src");
    const z64 = path.join(mkdtempSync(path.join(dir, "z64-")), "z64.zip");
    execFileSync("zip", ["-q", "-fz", "-r", z64, "main_entry.txt", "bugreport-a10-2024.txt"], { cwd: src });
    const bytes = readFileSync(z64);
    const zip = await ZipArchive.open(new BytesSource(bytes), "z64.zip");
    expect(new TextDecoder().decode(await zip.read("bugreport-a10-2024.txt"))).toBe(text);

    const stub = new Uint8Array(777).fill(0x4d);
    const shifted = await ZipArchive.open(new BytesSource(Buffer.concat([stub, readFileSync(zipPath)])), "sfx.zip");
    expect(new TextDecoder().decode(await shifted.read("main_entry.txt"))).toBe("bugreport-a10-2024.txt");
  });

  it("reads stored and deflated entries written by fflate", async () => {
    const files = { "a/stored.bin": [new Uint8Array(random.subarray(0, 5000)), { level: 0 }] as const, "b.txt": new TextEncoder().encode(text) };
    const zip = await ZipArchive.open(new BytesSource(zipSync(files as never)), "fflate.zip");
    expect(zip.entries().find((e) => e.name === "a/stored.bin")!.method).toBe(0);
    expect(sha(await zip.read("a/stored.bin"))).toBe(sha(random.subarray(0, 5000)));
    expect(new TextDecoder().decode(await zip.read("b.txt"))).toBe(text);
  });

  it("flags symlinks stored with zip -y and refuses encrypted entries", async () => {
    const src = mkdtempSync(path.join(dir, "links-"));
    writeFileSync(path.join(src, "real.txt"), "real");
    symlinkSync("/etc/passwd", path.join(src, "passwd-link"));
    const zl = path.join(src, "..", `${path.basename(src)}.zip`);
    execFileSync("zip", ["-q", "-y", "-r", zl, "."], { cwd: src });
    const zip = await ZipArchive.open(new BytesSource(readFileSync(zl)), "links.zip");
    const link = zip.entries().find((e) => e.name === "passwd-link")!;
    expect(link.isSymlink).toBe(true);
    expect(link.problem).toMatch(/symbolic link/);
    await expect(zip.read("passwd-link")).rejects.toThrow(/refused: symbolic link/);
    const ev = new ZipEvidence(zip);
    expect(await ev.list("")).toEqual(["real.txt"]);

    const ze = path.join(src, "..", `${path.basename(src)}-enc.zip`);
    execFileSync("zip", ["-q", "-P", "secret", ze, "real.txt"], { cwd: src });
    const enc = await ZipArchive.open(new BytesSource(readFileSync(ze)), "enc.zip");
    await expect(enc.read("real.txt")).rejects.toThrow(/encrypted/);
  });
});

describe("pluggable CRC-32", () => {
  it("uses the CRC function it is given, and still catches a mismatch with it", async () => {
    const { crc32: zlibCrc } = await import("node:zlib");
    let calls = 0;
    const crc = (d: Uint8Array, prev = 0) => (calls++, (zlibCrc as (d: Uint8Array, v: number) => number)(d, prev));
    const bytes = zipSync({ "a.txt": new TextEncoder().encode("hello zlib crc") });
    const zip = await ZipArchive.open(new BytesSource(bytes), "crc.zip", {}, { crc32: crc });
    expect(new TextDecoder().decode(await zip.read("a.txt"))).toBe("hello zlib crc");
    expect(calls).toBeGreaterThan(0);
    const liar = await ZipArchive.open(new BytesSource(bytes), "crc.zip", {}, { crc32: () => 1 });
    await expect(liar.read("a.txt")).rejects.toThrow(/CRC-32 mismatch/);
  });
});
