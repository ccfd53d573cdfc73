import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, it, expect } from "vitest";
import { bundledIocsDir, dataDir, loadIndicators, packageRoot, updatedIndicatorsDir } from "../../src/node/iocs.js";

const ROOT = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");
const STIX_FIXTURES = new URL("../../../shared/data/fixtures/mvt/stix2/", import.meta.url).pathname;
const TEST_STIX = STIX_FIXTURES + "test_indicators.stix2";

const tmp = () => mkdtempSync(path.join(os.tmpdir(), "spyscope-iocs-"));
/** An environment with no $SPYSCOPE_IOCS and an empty data folder: only the bundled indicators. */
const cleanEnv = (): NodeJS.ProcessEnv => ({ SPYSCOPE_DATA_DIR: tmp() });

function miniBundle(name: string, domain: string): string {
  return JSON.stringify({
    type: "bundle",
    id: "bundle--1",
    objects: [
      { type: "malware", id: "malware--1", name },
      { type: "indicator", id: "indicator--1", pattern: `[domain-name:value='${domain}']`, pattern_type: "stix" },
    ],
  });
}

describe("loadIndicators", () => {
  it("finds the package root and its bundled iocs folder", () => {
    expect(packageRoot()).toBe(ROOT);
    expect(bundledIocsDir()).toBe(path.join(ROOT, "iocs"));
    expect(dataDir({ XDG_DATA_HOME: "/xdg" })).toBe("/xdg/spyscope");
    expect(updatedIndicatorsDir({ SPYSCOPE_DATA_DIR: "/data/s", XDG_DATA_HOME: "/xdg" })).toBe("/data/s/indicators");
    expect(updatedIndicatorsDir({})).toBe(path.join(os.homedir(), ".local", "share", "spyscope", "indicators"));
  });

  it("loads every bundled file by default", async () => {
    const loaded = await loadIndicators(undefined, cleanEnv());
    expect(loaded.files).toHaveLength(16);
    const total = loaded.files.reduce((n, f) => n + f.indicators, 0);
    expect(total).toBe(5713);
    // Predator is published twice (Amnesty's cytrox.stix2 and mvt-indicators' predator.stix2): counted once.
    expect(loaded.set.size).toBe(5370);
    const pegasus = loaded.files.find((f) => f.path.endsWith("pegasus.stix2"))!;
    expect(pegasus).toEqual({
      path: path.join(ROOT, "iocs/amnesty/2021-07-18_nso/pegasus.stix2"),
      sha256: createHash("sha256").update(readFileSync(pegasus.path)).digest("hex"),
      indicators: 1549,
      collections: ["Pegasus"],
    });
    expect(loaded.warnings).toEqual(['coruna.stix2: domain indicator "fgr1w2gnsdvsb.xyz/x" is not a bare host; matched by its host fgr1w2gnsdvsb.xyz']);
    expect(loaded.loadMs).toBeGreaterThan(0);
    expect(loaded.set.match({ type: "process", value: "bh" })[0]?.indicator.collection).toBe("Pegasus");
  });

  it("loads explicit files and folders, and paths from $SPYSCOPE_IOCS", async () => {
    const dir = tmp();
    mkdirSync(path.join(dir, "nested"));
    writeFileSync(path.join(dir, "nested", "one.stix2"), miniBundle("One", "one.example"));
    writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "not-a-bundle" }));
    writeFileSync(path.join(dir, "notes.txt"), "ignored");
    const viaEnv = path.join(tmp(), "two.json");
    writeFileSync(viaEnv, miniBundle("Two", "two.example"));
    const loaded = await loadIndicators([dir, TEST_STIX], { ...cleanEnv(), SPYSCOPE_IOCS: ["", viaEnv].join(path.delimiter) });
    expect(loaded.files.map((f) => [path.basename(f.path), f.indicators, f.collections])).toEqual([
      ["one.stix2", 1, ["One"]],
      ["test_indicators.stix2", 9, ["TestMalware"]],
      ["two.json", 1, ["Two"]],
    ]);
    // A folder's other JSON files are not indicator files and are skipped quietly.
    expect(loaded.warnings).toEqual([]);
    expect(loaded.set.size).toBe(11);
  });

  it("follows links to files, not to folders, and loads a file once", async () => {
    const dir = tmp();
    symlinkSync(TEST_STIX, path.join(dir, "linked.stix2"));
    symlinkSync(dir, path.join(dir, "loop"));
    const loaded = await loadIndicators([dir, TEST_STIX], cleanEnv());
    expect(loaded.files.map((f) => path.basename(f.path))).toEqual(["linked.stix2"]);
    expect(loaded.set.size).toBe(9);
  });

  it("reports a broken file by name and still loads the others", async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, "a-broken.stix2"), '{"type": "bundle", "objects": [');
    writeFileSync(path.join(dir, "b-empty.stix2"), "");
    writeFileSync(path.join(dir, "c-not-bundle.stix2"), "[1, 2]");
    copyFileSync(TEST_STIX, path.join(dir, "d-good.stix2"));
    const missing = path.join(dir, "missing.stix2");
    const loaded = await loadIndicators([dir, missing], cleanEnv());
    expect(loaded.files.map((f) => path.basename(f.path))).toEqual(["d-good.stix2"]);
    expect(loaded.set.size).toBe(9);
    expect(loaded.warnings).toHaveLength(4);
    expect(loaded.warnings[0]).toContain(path.join(dir, "missing.stix2"));
    expect(loaded.warnings[1]).toMatch(/a-broken\.stix2: not loaded: /);
    expect(loaded.warnings[2]).toMatch(/b-empty\.stix2: not loaded: /);
    expect(loaded.warnings[3]).toMatch(/c-not-bundle\.stix2: not loaded: not a STIX bundle/);
  });

  it("prefers updated feeds over the bundled copies they supersede", async () => {
    const env = cleanEnv();
    const updated = path.join(updatedIndicatorsDir(env), "AmnestyTech", "investigations", "2021-07-18_nso");
    mkdirSync(updated, { recursive: true });
    writeFileSync(path.join(updated, "pegasus.stix2"), miniBundle("Pegasus", "newer.example"));
    const loaded = await loadIndicators(undefined, env);
    expect(loaded.files).toHaveLength(16);
    const pegasus = loaded.files.filter((f) => f.path.endsWith("pegasus.stix2"));
    expect(pegasus.map((f) => [f.path, f.indicators])).toEqual([[path.join(updated, "pegasus.stix2"), 1]]);
    expect(loaded.set.match({ type: "domain", value: "newer.example" })).toHaveLength(1);
  });
});
