// readTar + gunzip on archives written by GNU tar and gzip in every header format they produce.

import { describe, it, expect, beforeAll } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, writeFileSync, symlinkSync, linkSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { gunzip } from "../../src/core/formats/gzip.js";
import { chunked, collectBytes, readAll } from "./tar-helpers.js";

const LONG_DIR = "private/var/mobile/Library/Logs/CrashReporter/" + "sub-directory-with-a-long-name/".repeat(7);
const LONG_NAME = LONG_DIR + "ExcUserFault_com.apple.WebKit.WebContent-2026-11-23-093357.ips";
const USTAR_NAME = "private/var/mobile/Library/Logs/CrashReporter/sub-directory-with-a-long-name/" + "x".repeat(90) + ".ips";

let base: string;
const content = new Map<string, Uint8Array>();

function pseudoRandom(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

function tarOf(format: string, names: string[], gz = false): Uint8Array {
  const args = [gz ? "-czf" : "-cf", "-", `--format=${format}`, "--owner=0", "--group=0", "--mtime=2026-11-23 09:00:00Z", "-C", path.join(base, "src"), ...names];
  return new Uint8Array(execFileSync("tar", args, { maxBuffer: 64 * 1024 * 1024 }));
}

beforeAll(() => {
  base = mkdtempSync(path.join(os.tmpdir(), "spyscope-tar-"));
  const src = path.join(base, "src");
  const put = (name: string, data: Uint8Array) => {
    mkdirSync(path.dirname(path.join(src, name)), { recursive: true });
    writeFileSync(path.join(src, name), data);
    content.set(name, data);
  };
  put("sysdiagnose/shutdown.log", new TextEncoder().encode("SIGTERM: [1700000000] (\"com.apple.x\")\n"));
  put("sysdiagnose/empty.txt", new Uint8Array(0));
  put("sysdiagnose/exact-512.bin", pseudoRandom(512, 1));
  put("sysdiagnose/big.bin", pseudoRandom(300_001, 2));
  put("sysdiagnose/résumé ünïcode.txt", new TextEncoder().encode("ü"));
  put(LONG_NAME, new TextEncoder().encode("long"));
  put(USTAR_NAME, new TextEncoder().encode("ustar prefix"));
  mkdirSync(path.join(src, "sysdiagnose/empty-dir"));
  symlinkSync("/etc/passwd", path.join(src, "sysdiagnose/link-out"));
  linkSync(path.join(src, "sysdiagnose/shutdown.log"), path.join(src, "sysdiagnose/hard"));
});

describe("readTar on GNU tar output", () => {
  for (const format of ["gnu", "pax", "ustar"] as const) {
    it(`reads every entry of a ${format} archive, names, types, links and bytes`, async () => {
      const names = ["sysdiagnose", ...(format === "ustar" ? [USTAR_NAME] : [LONG_NAME, USTAR_NAME])];
      const tar = tarOf(format, names);
      for (const chunk of [1, 511, 513, 65536, tar.length]) {
        const entries = await readAll(chunked(tar, chunk));
        const byName = new Map(entries.map((e) => [e.name, e]));
        for (const [name, data] of content) {
          if (name === LONG_NAME && format === "ustar") continue;
          const e = byName.get(name);
          expect(e, `${format}/${chunk}: ${name}`).toBeDefined();
          // GNU tar stores the second name of a hard-linked pair as a link to the first, whichever it meets first.
          if (e!.type === "hardlink") continue;
          expect(e!.type).toBe("file");
          expect(e!.size).toBe(data.length);
          expect(Buffer.from(e!.data).equals(Buffer.from(data))).toBe(true);
          expect(e!.mtime).toBe(Date.parse("2026-11-23T09:00:00Z") / 1000);
          expect(e!.unsafe).toEqual([]);
        }
        const link = byName.get("sysdiagnose/link-out")!;
        expect(link).toMatchObject({ type: "symlink", linkName: "/etc/passwd", size: 0, unsafe: ["symlink"] });
        expect(link.data.length).toBe(0);
        const hard = entries.filter((e) => e.type === "hardlink");
        expect(hard).toHaveLength(1);
        expect(hard[0].unsafe).toEqual(["hardlink"]);
        expect(["sysdiagnose/hard", "sysdiagnose/shutdown.log"]).toContain(hard[0].linkName);
        expect(byName.get("sysdiagnose/empty-dir/")).toMatchObject({ type: "directory", size: 0 });
      }
    });
  }

  it("streams a tar.gz written by tar -z through gunzip, in odd chunk sizes", async () => {
    const tgz = tarOf("pax", ["sysdiagnose", LONG_NAME]);
    const gz = new Uint8Array(execFileSync("gzip", ["-c", "-n"], { input: tgz }));
    for (const chunk of [97, 4096, 65536]) {
      const entries = await readAll(gunzip(chunked(gz, chunk)));
      const big = entries.find((e) => e.name === "sysdiagnose/big.bin")!;
      expect(Buffer.from(big.data).equals(Buffer.from(content.get("sysdiagnose/big.bin")!))).toBe(true);
      expect(entries.find((e) => e.name === LONG_NAME)!.data).toEqual(new TextEncoder().encode("long"));
    }
    const direct = tarOf("gnu", ["sysdiagnose"], true);
    expect((await readAll(gunzip(chunked(direct, 8192)))).map((e) => e.name)).toContain("sysdiagnose/résumé ünïcode.txt");
  });

  it("decompresses multi-member gzip (a tar split across two gzip members)", async () => {
    const tar = tarOf("gnu", ["sysdiagnose"]);
    const cut = 100_003;
    const a = execFileSync("gzip", ["-c", "-n"], { input: tar.subarray(0, cut) });
    const b = execFileSync("gzip", ["-c", "-n", "-9"], { input: tar.subarray(cut) });
    const both = new Uint8Array(Buffer.concat([a, b]));
    const out = await collectBytes(gunzip(chunked(both, 1000)));
    expect(Buffer.from(out).equals(Buffer.from(tar))).toBe(true);
    const entries = await readAll(gunzip(chunked(both, 777)));
    expect(entries.find((e) => e.name === "sysdiagnose/big.bin")!.size).toBe(300_001);
  });

  it("gunzip output equals gzip -d output for a file gzip wrote with its name in the header", async () => {
    const file = path.join(base, "named.bin");
    writeFileSync(file, pseudoRandom(200_000, 9));
    execFileSync("gzip", ["-k", "-f", file]);
    const gz = new Uint8Array(readFileSync(file + ".gz"));
    expect(gz[3] & 0x08).toBe(0x08); // FNAME set
    const out = await collectBytes(gunzip(chunked(gz, 5000)));
    expect(Buffer.from(out).equals(readFileSync(file))).toBe(true);
  });
});
