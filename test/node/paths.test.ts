import { mkdirSync, mkdtempSync, realpathSync, symlinkSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { isInside, realPathOf } from "../../src/node/paths.js";
import { assertOutsideEvidence } from "../../src/node/run-check.js";

describe("evidence path checks see through symbolic links", () => {
  const base = realpathSync(mkdtempSync(path.join(os.tmpdir(), "spyscope-paths-")));
  const evidence = path.join(base, "evidence");
  mkdirSync(evidence);
  const link = path.join(base, "link-to-evidence");
  symlinkSync(evidence, link);

  it("resolves paths that do not exist yet through their nearest existing ancestor", () => {
    expect(realPathOf(path.join(link, "out", "deeper"))).toBe(path.join(evidence, "out", "deeper"));
    expect(realPathOf(path.join(base, "new"))).toBe(path.join(base, "new"));
  });

  it("refuses an output folder inside the evidence when both are named through a link", () => {
    expect(() => assertOutsideEvidence(link, path.join(link, "out"))).toThrow(/inside the evidence/);
    expect(() => assertOutsideEvidence(evidence, path.join(link, "out"))).toThrow(/inside the evidence/);
    expect(() => assertOutsideEvidence(link, path.join(base, "results"))).not.toThrow();
  });

  it("isInside compares whole path components", () => {
    expect(isInside("/a/b", "/a/b")).toBe(true);
    expect(isInside("/a/b", "/a/b/c")).toBe(true);
    expect(isInside("/a/b", "/a/bc")).toBe(false);
  });
});
