// check-fs on damaged and hostile dumps: symbolic links that leave the dump are never followed (and say so in
// the coverage), a corrupt database is a coverage gap while the scan goes on, a container that lost its metadata
// plist is still searched, and a folder that is no dump is refused with a clear error.

import { createHash } from "node:crypto";
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCheckFs } from "../../src/node/check-fs.js";
import type { CheckResult } from "../../src/node/run-check.js";
import { generateIosFilesystem, type GenerateFsResult } from "../../src/node/generate/ios-fs.js";
import { CONTAINER_METADATA } from "../../src/core/formats/ios-fs.js";

/** Like helpers/hash.ts's hashTree, but links are hashed by their target and never followed. */
function hashTree(dir: string, out = new Map<string, string>(), rel = ""): Map<string, string> {
  for (const name of readdirSync(path.join(dir, rel)).sort()) {
    const r = rel ? `${rel}/${name}` : name;
    const st = lstatSync(path.join(dir, r));
    if (st.isDirectory()) hashTree(dir, out, r);
    else out.set(r, st.isSymbolicLink() ? `-> ${readlinkSync(path.join(dir, r))}` : createHash("sha256").update(readFileSync(path.join(dir, r))).digest("hex"));
  }
  return out;
}

const readJson = (p: string) => JSON.parse(readFileSync(p, "utf8"));

describe("check-fs on a damaged dump", () => {
  let gen: GenerateFsResult;
  let result: CheckResult;
  let out: string;
  let outside: string;
  let before: Map<string, string>;
  const cov = (id: string) => result.summary.coverage.find((c) => c.module === id)!;

  beforeAll(async () => {
    const base = mkdtempSync(path.join(os.tmpdir(), "spyscope-fs-hostile-"));
    gen = await generateIosFilesystem({ dir: path.join(base, "dump"), seed: 3, rows: 60, escapingSymlink: true });
    const v = path.join(gen.dir, "private/var");
    // The SMS folder moved out of the dump and replaced by a link to it.
    outside = path.join(base, "outside");
    mkdirSync(outside);
    renameSync(path.join(v, "mobile/Library/SMS"), path.join(outside, "SMS"));
    symlinkSync(path.join(outside, "SMS"), path.join(v, "mobile/Library/SMS"));
    // A corrupt TCC.db.
    writeFileSync(path.join(v, "mobile/Library/TCC/TCC.db"), "SQLite format 3\0" + "\xff".repeat(600));
    // WhatsApp's group container without its metadata plist.
    const groups = path.join(v, "mobile/Containers/Shared/AppGroup");
    for (const uuid of readdirSync(groups)) {
      const meta = path.join(groups, uuid, CONTAINER_METADATA);
      if (readFileSync(meta).includes(Buffer.from("group.net.whatsapp.WhatsApp.shared"))) rmSync(meta);
    }
    before = hashTree(gen.dir);
    out = path.join(base, "out");
    result = await runCheckFs({ target: gen.dir, output: out, quiet: true });
  }, 120_000);

  it("lists a link that leaves the dump but never walks or reads through it", () => {
    const paths = readJson(path.join(out, "filesystem.json")).map((r: any) => r.path);
    expect(paths).toContain("private/var/mobile/Library/escape");
    expect(paths.filter((p: string) => p.startsWith("private/var/mobile/Library/escape/"))).toEqual([]);
    expect(paths).toContain("private/var/mobile/Library/SMS");
    expect(paths.filter((p: string) => p.startsWith("private/var/mobile/Library/SMS/"))).toEqual([]);
    const info = readJson(path.join(out, "info.json"));
    expect(Object.keys(info.input_files).some((f) => f.includes("SMS/"))).toBe(false);
    expect(cov("sms").records).toBe(0);
    expect(info.coverage.complete).toBe(false);
    expect(info.coverage.manifest_problem).toContain("private/var/mobile/Library/SMS: symbolic link points outside the evidence folder");
  });

  it("reports the corrupt database as a gap of its module and goes on", () => {
    expect(cov("tcc").status).toBe("failed");
    expect(cov("tcc").gaps[0].file).toBe("HomeDomain/Library/TCC/TCC.db (private/var/mobile/Library/TCC/TCC.db)");
    expect(cov("tcc").gaps[0].reason).toMatch(/malformed|not a database|corrupt/i);
    expect(cov("calls").status).toBe("ran");
    expect(cov("calls").records).toBeGreaterThan(0);
  });

  it("still searches a container that lost its metadata plist, and says so", () => {
    expect(cov("whatsapp").status).toBe("ran");
    expect(cov("whatsapp").records).toBeGreaterThan(0);
    const info = readJson(path.join(out, "info.json"));
    expect(info.filesystem.warnings.some((w: string) => w.includes(CONTAINER_METADATA) && w.includes("AppDomainGroup-*"))).toBe(true);
  });

  it("changes nothing in the dump", () => {
    const after = hashTree(gen.dir);
    for (const [f, h] of before) expect(after.get(f), f).toBe(h);
    expect([...after.keys()].length).toBe(before.size);
  });

  it("refuses a folder that is not a filesystem dump", async () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), "spyscope-fs-empty-"));
    mkdirSync(path.join(empty, "Documents"));
    await expect(runCheckFs({ target: empty, quiet: true })).rejects.toThrow(/does not look like an iOS filesystem extraction/);
  });
});
