// End to end on MVT's real iOS backup fixture: every MVT alert reproduced, record counts equal to MVT's
// JSON files, the output folder in MVT's layout, the evidence untouched, and the built CLI's exit codes.

import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { runCheckBackup } from "../../src/node/check-backup.js";
import type { CheckResult } from "../../src/node/run-check.js";
import { Progress } from "../../src/cli/progress.js";
import { EXPECTED_IOS, IOS_BACKUP, TEST_STIX } from "../helpers/scan.js";
import { hashTree } from "../helpers/hash.js";

const run = promisify(execFile);
const CLI = path.resolve("dist/cli/main.js");

const readJson = (p: string) => JSON.parse(readFileSync(p, "utf8"));
const canon = (v: unknown) => JSON.parse(JSON.stringify(v));

describe("check-backup on MVT's iOS backup fixture", () => {
  let out: string;
  let result: CheckResult;
  let before: Map<string, string>;

  beforeAll(async () => {
    before = hashTree(IOS_BACKUP);
    out = mkdtempSync(path.join(os.tmpdir(), "spyscope-e2e-"));
    result = await runCheckBackup({ target: IOS_BACKUP, output: out, iocs: [TEST_STIX] });
  });

  it("leaves every evidence byte unchanged and creates no -wal/-shm/-journal files", () => {
    const after = hashTree(IOS_BACKUP);
    expect([...after.keys()]).toEqual([...before.keys()]);
    for (const [f, h] of before) expect(after.get(f), f).toBe(h);
    expect([...after.keys()].filter((f) => /-(wal|shm|journal)$/.test(f))).toEqual([]);
  });

  it("produces every alert MVT produces (same level, module, record and indicator)", () => {
    const expected = readJson(path.join(EXPECTED_IOS, "alerts.json"));
    const ours = readJson(path.join(out, "alerts.json"));
    for (const e of expected) {
      const found = ours.find(
        (a: any) =>
          a.level === e.level &&
          a.module === e.module &&
          JSON.stringify(canon(a.event)) === JSON.stringify(canon(e.event)) &&
          JSON.stringify(a.matched_indicator) === JSON.stringify(e.matched_indicator),
      );
      expect(found, `${e.level} ${e.module}: ${e.message}`).toBeTruthy();
      // Indicator alerts word for word; a heuristic's MVT sentence comes first, then what to do.
      if (e.matched_indicator) expect(found.message).toBe(e.message);
      else expect(found.message.startsWith(e.message), found.message).toBe(true);
    }
    expect(result.summary.counts.critical).toBeGreaterThanOrEqual(3);
    expect(result.exitCode).toBe(1);
  });

  it("writes as many records per module as MVT", () => {
    const files = readdirSync(EXPECTED_IOS).filter((f) => f.endsWith(".json") && !f.endsWith("_detected.json") && !["alerts.json", "urls.json"].includes(f));
    for (const f of files) {
      const expected = readJson(path.join(EXPECTED_IOS, f));
      expect(existsSync(path.join(out, f)), f).toBe(true);
      const ours = readJson(path.join(out, f));
      if (Array.isArray(expected)) expect(ours.length, f).toBe(expected.length);
      else expect(Object.keys(ours).sort(), f).toEqual(Object.keys(expected).sort());
    }
  });

  it("writes urls.json, alerts_timeline.csv and a time-sorted timeline.csv with MVT's rows", () => {
    const urls = readJson(path.join(out, "urls.json"));
    for (const u of readJson(path.join(EXPECTED_IOS, "urls.json"))) {
      expect(urls.find((x: any) => x.url === u.url && x.source === u.source && x.timestamp === u.timestamp), u.url).toBeTruthy();
    }
    const lines = readFileSync(path.join(out, "timeline.csv"), "utf8").trimEnd().split("\n");
    expect(lines[0]).toBe('"UTC Timestamp","Plugin","Event","Description"');
    const body = lines.slice(1);
    const times = body.map((l) => l.slice(1, 27));
    expect([...times].sort()).toEqual(times);
    const expected = readFileSync(path.join(EXPECTED_IOS, "timeline.csv"), "utf8").trimEnd().split("\n").slice(1);
    const ourSet = new Set(body);
    const missing = expected.filter((l) => !ourSet.has(l.replace(/\r$/, "")));
    expect(missing.slice(0, 5)).toEqual([]);
    expect(readFileSync(path.join(out, "alerts_timeline.csv"), "utf8").split("\n")[0]).toBe('"Event Time","Module","Message","Event"');
  });

  it("records in info.json the indicator file hashes, every input file's SHA-256 and the coverage", () => {
    const info = readJson(path.join(out, "info.json"));
    expect(info.indicators[0].sha256).toBe(createHash("sha256").update(readFileSync(TEST_STIX)).digest("hex"));
    expect(info.input_files["3d/3d0d7e5fb2ce288813306e4d4636395e047a3d28"]).toBe(before.get("3d/3d0d7e5fb2ce288813306e4d4636395e047a3d28"));
    expect(info.input_files["Manifest.db"]).toBe(before.get("Manifest.db"));
    expect(info.coverage.ran).toContain("sms");
    expect(info.coverage.modules.length).toBe(29);
    expect(info.date).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/);
  });
});

describe("evidence that changes while it is scanned", () => {
  it("is named in info.json and on stderr; an untouched backup lists nothing", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "spyscope-changing-"));
    const backup = path.join(dir, "backup");
    cpSync(IOS_BACKUP, backup, { recursive: true });
    const calm = await runCheckBackup({ target: backup, iocs: [TEST_STIX], output: path.join(dir, "calm"), quiet: true });
    expect(calm.info.evidence_changed_during_scan, JSON.stringify(calm.info.evidence_changed_during_scan)).toEqual([]);
    // Another process touching Info.plist (already read and hashed) once the modules are running.
    const started = Date.now();
    class Toucher extends Progress {
      touched = false;
      override update(): void {
        if (this.touched) return;
        this.touched = true;
        // Clear of the scan's first milliseconds, which the coarse file clock cannot tell from before it.
        while (Date.now() < started + 20);
        utimesSync(path.join(backup, "Info.plist"), new Date(), new Date());
      }
      override done(): void {}
    }
    const toucher = new Toucher();
    const r = await runCheckBackup({ target: backup, iocs: [TEST_STIX], output: path.join(dir, "touched"), progress: toucher });
    expect(toucher.touched).toBe(true);
    expect(r.info.evidence_changed_during_scan).toEqual(["Info.plist"]);
    expect(JSON.parse(readFileSync(path.join(dir, "touched", "info.json"), "utf8")).evidence_changed_during_scan).toEqual(["Info.plist"]);
  });
});

describe("the built spyscope CLI", () => {
  it("exits 1 on detections and prints the JSON summary with --json", async () => {
    const out = mkdtempSync(path.join(os.tmpdir(), "spyscope-cli-"));
    const r = await run("node", [CLI, "check-backup", IOS_BACKUP, "--iocs", TEST_STIX, "-o", out, "--json"]).catch((e) => e);
    expect(r.code).toBe(1);
    const summary = JSON.parse(r.stdout);
    expect(summary.alerts.critical).toBeGreaterThanOrEqual(3);
    expect(summary.coverage.ran).toBeGreaterThan(5);
  });

  it("exits 2 when no indicator could be loaded, and names the sources it could not load when others did", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "spyscope-badiocs-"));
    const bad = path.join(dir, "broken.stix2");
    writeFileSync(bad, "{ not json\n at all");
    const none = await run("node", [CLI, "check-backup", IOS_BACKUP, "--iocs", bad, "-q"]).catch((e) => e);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain(`spyscope: error: no indicators could be loaded: ${bad}: not loaded: `);
    const some = await run("node", [CLI, "check-backup", IOS_BACKUP, "--iocs", bad, "--iocs", TEST_STIX, "-q"]).catch((e) => e);
    expect(some.code).toBe(1);
    expect(some.stderr).toContain("against 9 indicators.");
    expect(some.stderr).toContain(`  warning (indicators): ${bad}: not loaded: `);
    const json = await run("node", [CLI, "check-backup", IOS_BACKUP, "--iocs", bad, "--iocs", TEST_STIX, "--json"]).catch((e) => e);
    expect(JSON.parse(json.stdout).indicator_problems).toEqual([expect.stringMatching(new RegExp(`^${bad.replace(/[.]/g, "\\.")}: not loaded: `))]);
  });

  it("exits 2 with a clear message for a folder that is not a backup", async () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), "spyscope-empty-"));
    const r = await run("node", [CLI, "check-backup", empty]).catch((e) => e);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/does not look like an iOS backup/);
  });

  it("runs the scan again without the heap limit when the limited run runs out of memory", async () => {
    const r = await run("node", [CLI, "check-backup", IOS_BACKUP, "--iocs", TEST_STIX, "--json"], {
      env: { ...process.env, SPYSCOPE_HEAP_MB: "8" },
      maxBuffer: 64 << 20,
    }).catch((e) => e);
    expect(r.stderr).toContain("needed more than the 8 MB heap limit; running it again without the limit");
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).alerts.critical).toBe(3);
  });

  it("refuses an output folder that already holds files, or is a file, and writes into an empty one", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "spyscope-outs-"));
    writeFileSync(path.join(dir, "earlier.json"), "[]\n");
    const full = await run("node", [CLI, "check-backup", IOS_BACKUP, "--iocs", TEST_STIX, "-o", dir, "-q"]).catch((e) => e);
    expect(full.code).toBe(2);
    expect(full.stderr).toContain(`the output folder ${dir} already holds files (an earlier run's results?)`);
    expect(readdirSync(dir)).toEqual(["earlier.json"]);
    const file = path.join(dir, "earlier.json");
    const onFile = await run("node", [CLI, "check-backup", IOS_BACKUP, "--iocs", TEST_STIX, "-o", file, "-q"]).catch((e) => e);
    expect(onFile.code).toBe(2);
    expect(onFile.stderr).toContain(`the output folder ${file} exists and is not a folder`);
    const empty = mkdtempSync(path.join(os.tmpdir(), "spyscope-outs-"));
    const ok = await run("node", [CLI, "check-backup", IOS_BACKUP, "--iocs", TEST_STIX, "-o", empty, "-q"]).catch((e) => e);
    expect(ok.code).toBe(1);
    expect(existsSync(path.join(empty, "info.json"))).toBe(true);
    expect(existsSync(path.join(empty, ".spyscope-incomplete"))).toBe(false);
  });

  it("empties, with a note, the folder an interrupted run left (it holds the incomplete mark), and completes it", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "spyscope-outs-"));
    writeFileSync(path.join(dir, ".spyscope-incomplete"), "");
    writeFileSync(path.join(dir, "sms.json"), "[\n{\"half\": ");
    const r = await run("node", [CLI, "check-backup", IOS_BACKUP, "--iocs", TEST_STIX, "-o", dir, "-q"]).catch((e) => e);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`note: removed the incomplete results an interrupted run left in ${dir}`);
    expect(readFileSync(path.join(dir, "sms.json"), "utf8")).not.toContain("half");
    expect(existsSync(path.join(dir, ".spyscope-incomplete"))).toBe(false);
    expect(existsSync(path.join(dir, "info.json"))).toBe(true);
  });

  it("refuses a folder another running spyscope is writing (its incomplete mark names a live process)", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "spyscope-outs-"));
    writeFileSync(path.join(dir, ".spyscope-incomplete"), `${process.pid} ${os.hostname()}\n`);
    writeFileSync(path.join(dir, "sms.json"), "[\n");
    const r = await run("node", [CLI, "check-backup", IOS_BACKUP, "--iocs", TEST_STIX, "-o", dir, "-q"]).catch((e) => e);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`the output folder ${dir} is being written by another spyscope run`);
    expect(readFileSync(path.join(dir, "sms.json"), "utf8")).toBe("[\n");
  });

  it("leaves nothing in the temporary folder when the heap-limited child aborts and the scan runs again", async () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), "spyscope-tmpdir-"));
    const out = mkdtempSync(path.join(os.tmpdir(), "spyscope-outs-"));
    const r = await run("node", [CLI, "check-backup", IOS_BACKUP, "--iocs", TEST_STIX, "-o", out, "-q"], {
      env: { ...process.env, SPYSCOPE_HEAP_MB: "8", TMPDIR: tmp },
    }).catch((e) => e);
    expect(r.stderr).toContain("needed more than the 8 MB heap limit");
    expect(r.code).toBe(1);
    expect(readdirSync(tmp)).toEqual([]);
    expect(existsSync(path.join(out, "info.json"))).toBe(true);
  });

  it("refuses an output folder inside the evidence", async () => {
    const r = await run("node", [CLI, "check-backup", IOS_BACKUP, "-o", path.join(IOS_BACKUP, "out")]).catch((e) => e);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/inside the evidence/);
  });
});
