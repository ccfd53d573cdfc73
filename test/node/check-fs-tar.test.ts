// check-fs on a tar of a filesystem extraction (GNU tar's own output, absolute names as forensic tools write
// them, plus a ".." entry and a link out of the dump): the same records and detections as the extracted folder,
// per-file hashes equal, the archive hashed and untouched, a truncated .tar.gz refused with a clear error.

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCheckFs } from "../../src/node/check-fs.js";
import type { CheckResult } from "../../src/node/run-check.js";
import { generateIosFilesystem, type GenerateFsResult } from "../../src/node/generate/ios-fs.js";

const readJson = (p: string) => JSON.parse(readFileSync(p, "utf8"));
const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

/** Detections as comparable strings: module, indicator or heuristic, and the record without times of the entry. */
const detectionKeys = (r: CheckResult) =>
  r.summary.detections
    .map((d) => {
      const { modified: _m, isodate: _i, folder: _f, ...rest } = d.record as Record<string, unknown>;
      const shown = JSON.stringify(rest, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
      return `${d.level} ${d.module} ${d.match?.indicator.value ?? d.heuristic} ${shown}`;
    })
    .sort();

describe("check-fs on a tar of the dump", () => {
  let gen: GenerateFsResult;
  let base: string;
  let folder: CheckResult;
  let tgz: CheckResult;
  let tarFile: string;
  let tgzFile: string;
  let tgzHash: string;

  beforeAll(async () => {
    base = mkdtempSync(path.join(os.tmpdir(), "spyscope-fs-tar-"));
    gen = await generateIosFilesystem({ dir: path.join(base, "dump"), seed: 5, rows: 60, escapingSymlink: true });
    writeFileSync(path.join(base, "evil.txt"), "outside\n");
    tarFile = path.join(base, "dump.tar");
    execFileSync("tar", ["-cf", tarFile, "-P", "-C", gen.dir, "--transform", "s,^\\./,/,", "."]);
    execFileSync("tar", ["-rf", tarFile, "-P", "-C", base, "--transform", "s,^,../../,", "evil.txt"]);
    execFileSync("gzip", ["-k", tarFile]);
    tgzFile = `${tarFile}.gz`;
    tgzHash = sha256(tgzFile);
    folder = await runCheckFs({ target: gen.dir, output: path.join(base, "out-folder"), quiet: true });
    tgz = await runCheckFs({ target: tgzFile, output: path.join(base, "out-tgz"), quiet: true });
  }, 120_000);

  it("finds the same records and detections as in the extracted folder", () => {
    const counts = (r: CheckResult) => Object.fromEntries(r.summary.coverage.map((c) => [c.module, c.records]));
    expect(counts(tgz)).toEqual(counts(folder));
    expect(tgz.summary.coverage.find((c) => c.module === "filesystem")!.records).toBeGreaterThan(100);
    expect(detectionKeys(tgz)).toEqual(detectionKeys(folder));
    expect(tgz.summary.detections.some((d) => d.module === "filesystem" && (d.record as any).path === gen.planted.stagingBinary)).toBe(true);
    expect(tgz.summary.detections.some((d) => d.module === "sms" && d.level === "critical")).toBe(true);
  });

  it("hashes the archive and every file it read, with the same hashes as the folder's files", () => {
    const info = readJson(path.join(base, "out-tgz", "info.json"));
    expect(info.filesystem.archive.sha256).toBe(tgzHash);
    expect(info.filesystem.archive.gzip).toBe(true);
    const sms = "private/var/mobile/Library/SMS/sms.db";
    expect(info.input_files[sms]).toBe(sha256(path.join(gen.dir, sms)));
    expect(sha256(tgzFile)).toBe(tgzHash);
  });

  it("ignores the '..' entry, lists the link out of the dump without following it", () => {
    const info = readJson(path.join(base, "out-tgz", "info.json"));
    expect(info.filesystem.problems).toEqual(['../../evil.txt: name leaves the archive ("..") and was ignored']);
    const paths = readJson(path.join(base, "out-tgz", "filesystem.json")).map((r: any) => r.path);
    expect(paths).toContain("private/var/mobile/Library/escape");
    expect(paths.some((p: string) => p.startsWith("private/var/mobile/Library/escape/") || p.includes("evil"))).toBe(false);
  });

  it("reads a plain .tar the same way", async () => {
    const plain = await runCheckFs({ target: tarFile, quiet: true });
    expect(detectionKeys(plain)).toEqual(detectionKeys(tgz));
    expect(plain.info.filesystem).toMatchObject({ archive: { gzip: false, sha256: sha256(tarFile) } });
  });

  it("refuses a truncated .tar.gz with a clear error", async () => {
    const cut = path.join(base, "cut.tar.gz");
    const bytes = readFileSync(tgzFile);
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    await expect(runCheckFs({ target: cut, quiet: true })).rejects.toThrow(/cut\.tar\.gz.*(truncated|ends)/i);
  });
});
