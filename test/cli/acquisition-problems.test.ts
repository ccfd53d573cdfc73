// What is wrong with an acquisition as a whole reaches the person reading the summary, not only info.json:
// entries a zip refused, dumpstate lines too long to keep, a dumpstate refused as a zip bomb, a Manifest.db
// that cannot be read on the two-thread path. Each is named, coverage is marked incomplete everywhere, and
// the rest of the scan completes.

import { chmodSync, cpSync, mkdtempSync, readFileSync, truncateSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { runCheckBugreport } from "../../src/node/check-bugreport.js";
import { runCheckIntrusionLogs } from "../../src/node/check-intrusion-logs.js";
import { runCheckAndroidqf } from "../../src/node/check-androidqf.js";
import { coverageLines, summaryJson, summaryText } from "../../src/cli/summary.js";
import type { CheckResult } from "../../src/node/run-check.js";
import { craftZip } from "../helpers/zip-craft.js";
import { CLI, runCli } from "../helpers/cli.js";
import { FIXTURES, IOS_BACKUP, TEST_STIX } from "../helpers/scan.js";
import { copyFixtureBackup } from "../helpers/backup.js";

const enc = new TextEncoder();
const tmp = () => mkdtempSync(path.join(os.tmpdir(), "spyscope-problems-"));
const BUGREPORT = FIXTURES + "mvt/android_data/bugreport";
const stored = (name: string, text: string | Uint8Array) => ({ name, data: typeof text === "string" ? enc.encode(text) : text });
const input = (target: string, r: CheckResult) => ({
  target,
  summary: r.summary,
  outputDir: r.outputDir,
  indicatorCount: r.indicatorCount,
  problem: r.problem,
  exitCode: r.exitCode,
});
const counts = (r: CheckResult) => Object.fromEntries(r.summary.coverage.filter((c) => c.module.startsWith("dumpsys_")).map((c) => [c.module, c.records]));

describe("problems with the acquisition as a whole", () => {
  it("check-bugreport: refused zip entries and over-long dumpstate lines are named once; coverage incomplete; the modules still read the rest", async () => {
    const dumpstate = readFileSync(path.join(BUGREPORT, "dumpstate.txt"), "utf8").split("\n");
    // 3 MiB lines: inside the appops section (line 21 of the file), at the end of platform_compat, and in a
    // batterystats section after "Daily stats:" (read by two modules, one of them from that line on).
    const long = "X".repeat(3 << 20);
    const lines = [...dumpstate.slice(0, 20), long, ...dumpstate.slice(20), long, "-".repeat(78)];
    const dailyLine = lines.length + 5; // after the header, "Battery History…", "Daily stats:" and the start time
    lines.push("DUMP OF SERVICE batterystats:", "Battery History (0% used, 0 used of 256KB):", "Daily stats:", "  Current start time: 2024-01-01-10-00-00", long, "-".repeat(78));
    const dir = tmp();
    const zip = path.join(dir, "bugreport.zip");
    writeFileSync(zip, craftZip([stored("main_entry.txt", "dumpstate.txt"), stored("dumpstate.txt", lines.join("\n")), stored("../escape.txt", "x")]));
    const baseline = await runCheckBugreport({ target: BUGREPORT, iocs: [TEST_STIX] });
    const r = await runCheckBugreport({ target: zip, iocs: [TEST_STIX], output: path.join(dir, "out") });
    expect(counts(r)).toEqual({ ...counts(baseline), dumpsys_battery_daily: 0, dumpsys_battery_history: 0 });
    expect(counts(r).dumpsys_appops).toBeGreaterThan(0);
    // Each dropped line named once, by its number in the file, however many modules read it.
    const skipped = (n: number) => `dumpstate.txt: line ${n} is longer than 1,048,576 characters and was skipped`;
    expect(r.problem!.split("; ").sort()).toEqual(
      ["../escape.txt: path climbs out of the archive (zip-slip)", skipped(21), skipped(dumpstate.length + 2), skipped(dailyLine)].sort(),
    );
    const info = JSON.parse(readFileSync(path.join(dir, "out", "info.json"), "utf8"));
    expect(info.coverage.complete).toBe(false);
    expect(info.coverage.manifest_problem).toBe(r.problem);
    const json = summaryJson(input(zip, r)) as any;
    expect(json.coverage.complete).toBe(false);
    expect(json.coverage.acquisition_problem).toBe(r.problem);
    const text = summaryText(input(zip, r));
    expect(text).toContain("Coverage is incomplete");
    expect(text).toContain("  - the acquisition: ");
    expect(text).toContain("../escape.txt");
    expect(text).not.toContain("This does not mean the device is clean"); // the incomplete-coverage wording instead
  });

  it("check-androidqf: an over-long line in dumpsys.txt is named once and marks coverage incomplete; exposure names its gap", async () => {
    const dir = tmp();
    const qf = path.join(dir, "collection");
    cpSync(FIXTURES + "mvt/androidqf", qf, { recursive: true });
    chmodSync(qf, 0o755);
    const file = path.join(qf, "dumpsys.txt");
    chmodSync(file, 0o644);
    const bytes = readFileSync(file);
    const header = Buffer.from("DUMP OF SERVICE package:\n");
    const at = bytes.indexOf(header) + header.length; // line 53 of the file
    writeFileSync(file, Buffer.concat([bytes.subarray(0, at), Buffer.from("Y".repeat(3 << 20) + "\n"), bytes.subarray(at)]));
    const r = await runCheckAndroidqf({ target: qf, iocs: [TEST_STIX] }, { prompt: null, env: {} });
    expect(r.problem).toBe("dumpsys.txt: line 53 is longer than 1,048,576 characters and was skipped");
    expect(r.info.coverage).toMatchObject({ complete: false });
    const exposure = r.summary.coverage.find((c) => c.module === "exposure")!;
    expect(exposure.gaps).toEqual([{ file: "dumpsys.txt", reason: "line 53 is longer than 1,048,576 characters and was skipped" }]);
    expect(r.summary.coverage.find((c) => c.module === "dumpsys_packages")!.records).toBeGreaterThan(0);
  });

  it("check-bugreport: a dumpstate refused as a zip bomb is named as the reason, not 'no main_entry.txt'", async () => {
    const dir = tmp();
    const zip = path.join(dir, "bomb.zip");
    // Deflated bytes that declare 3 GB: impossible for their size.
    const data = new Uint8Array([0x03, 0x00]);
    writeFileSync(zip, craftZip([stored("main_entry.txt", "dumpstate.txt"), { name: "dumpstate.txt", data, method: 8, size: 3_000_000_000, crc: 0 }]));
    await expect(runCheckBugreport({ target: zip, iocs: [TEST_STIX] })).rejects.toThrow(
      /no dumpstate text .*main_entry\.txt names "dumpstate\.txt", which is not in the bugreport.*entries refused in the zip: dumpstate\.txt: declared size 3000000000/,
    );
  });

  it("check-intrusion-logs: the outer zip's refused entries are named, and are the reason when nothing else is left", async () => {
    const line = `{"dns_event":{"event_id":0,"event_time":1700000000000,"package_name":"com.example.app","hostname":"example.com","ip_addresses":["/192.0.2.1"],"ip_addresses_count":1}}\n`;
    const dir = tmp();
    const only = path.join(dir, "only.zip");
    writeFileSync(only, craftZip([stored("../day.ndjson", line)]));
    await expect(runCheckIntrusionLogs({ target: only, iocs: [TEST_STIX] })).rejects.toThrow(/no intrusion log files .*\.\.\/day\.ndjson: path climbs out/);
    const mixed = path.join(dir, "mixed.zip");
    writeFileSync(mixed, craftZip([stored("../day.ndjson", line), stored("logs/day.ndjson", line)]));
    const r = await runCheckIntrusionLogs({ target: mixed, iocs: [TEST_STIX], output: path.join(dir, "out") });
    expect(r.summary.coverage.find((c) => c.module === "dns_event")!.records).toBe(1);
    expect(r.problem).toContain("../day.ndjson: path climbs out of the archive");
    expect(JSON.parse(readFileSync(path.join(dir, "out", "info.json"), "utf8")).coverage.complete).toBe(false);
  });

  it("check-backup on two threads: an empty Manifest.db fails the modules that need it, not the whole scan", async () => {
    const dir = copyFixtureBackup();
    truncateSync(path.join(dir, "Manifest.db"), 0);
    const r = await runCli(["check-backup", dir, "-i", TEST_STIX, "--json"], { SPYSCOPE_THREADS: "2" });
    expect(r.stderr).not.toContain("cannot resolve backup files");
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.coverage.complete).toBe(false);
    expect(json.coverage.failed.map((f: any) => f.module)).toContain("sms");
    expect(json.coverage.failed.find((f: any) => f.module === "sms").reason).toMatch(/Manifest\.db/);
  });

  it("the summary names a failed module once, not again for its gap", async () => {
    const r = await runCli(["check-backup", IOS_BACKUP, "-i", TEST_STIX]);
    expect(r.code).toBe(1);
    const calls = r.stderr.split("\n").filter((l) => l.startsWith("  - calls: "));
    expect(calls).toEqual(["  - calls: HomeDomain/Library/CallHistoryDB/CallHistory.storedata (5a/5a4935c78a5255723f707230a451d79c540d2741): database file is missing from the evidence"]);
    expect(r.stderr).toContain("Warnings from the modules:\n  - sms_attachments: sms.db has no attachment tables");
  });

  it("coverage lines: a module's gaps stand for its failure; a failure without gaps or reason is still listed", () => {
    const mod = (module: string, reason: string, gaps: { file: string; reason: string }[]) =>
      ({ module, status: "failed" as const, reason, records: 0, detections: 0, ms: 0, gaps, warnings: [] });
    expect(
      coverageLines(
        [
          mod("two", "a (1): 1: gone; b (2): 2: gone", [
            { file: "a (1)", reason: "1: gone" },
            { file: "b (2)", reason: "2: gone" },
          ]),
          mod("none", "", []),
        ],
        "x.zip: refused; y: bad",
      ),
    ).toEqual(["the acquisition: x.zip: refused", "the acquisition: y: bad", "two: a (1): gone", "two: b (2): gone", "none: failed (no reason given)"]);
  });

  it("a reader that closes stdout early (| head) ends the command quietly", async () => {
    const child = spawn(process.execPath, [CLI, "check-backup", "x", "--list-modules"], { stdio: ["ignore", "pipe", "pipe"] });
    // Closed before the child has started: its first write meets a closed pipe.
    child.stdout.destroy();
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(stderr).toBe("");
    expect(code).toBe(0);
  });
});
