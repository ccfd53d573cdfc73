// check-sysdiagnose end to end on the two sysdiagnose fixtures (tracescan's demo archives), as the .tar.gz
// itself and as an extracted folder, with the bundled indicators.

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCheckSysdiagnose } from "../../src/node/check-sysdiagnose.js";
import type { CheckResult } from "../../src/node/run-check.js";
import { FIXTURES } from "../helpers/scan.js";
import { hashTree } from "../helpers/hash.js";

const DIR = FIXTURES + "sysdiagnose";
const INFECTED = path.join(DIR, "sysdiagnose_demo_infected.tar.gz");
const CLEAN = path.join(DIR, "sysdiagnose_demo_clean.tar.gz");
const FOLDER = "sysdiagnose_2026.07.07_19-00-00+0000_iPhone-OS_iPhone_23A341";
const sha = (f: string) => createHash("sha256").update(readFileSync(f)).digest("hex");
const readJson = (p: string) => JSON.parse(readFileSync(p, "utf8"));

describe("check-sysdiagnose on the fixtures", () => {
  let before: Map<string, string>;
  let infected: CheckResult;
  let clean: CheckResult;
  let out: string;

  beforeAll(async () => {
    before = hashTree(DIR);
    out = mkdtempSync(path.join(os.tmpdir(), "spyscope-sysdiag-"));
    infected = await runCheckSysdiagnose({ target: INFECTED, output: out });
    clean = await runCheckSysdiagnose({ target: CLEAN });
  });

  it("detects the infected archive: fservernetd (Pegasus) in shutdown.0.log, the crash log and ps.txt", () => {
    expect(infected.exitCode).toBe(1);
    const crit = infected.summary.detections.filter((d) => d.level === "critical");
    const byModule = new Map<string, string[]>();
    for (const d of crit) byModule.set(d.module, [...(byModule.get(d.module) ?? []), d.match!.indicator.value]);
    expect(byModule.get("shutdown_log")).toContain("fservernetd");
    expect(byModule.get("sysdiagnose_crash_logs")).toContain("fservernetd");
    expect(byModule.get("sysdiagnose_ps")).toContain("fservernetd");
    expect(crit.every((d) => d.match!.indicator.collection.toLowerCase().includes("pegasus") || d.match!.indicator.sourceFile === "pegasus.stix2")).toBe(true);
    // The staging-folder heuristic fires on its own, without indicators.
    const staged = infected.summary.detections.filter((d) => d.level === "high");
    expect(new Set(staged.map((d) => d.module))).toEqual(new Set(["shutdown_log", "sysdiagnose_ps", "sysdiagnose_crash_logs"]));
    expect(staged[0].message).toContain("/private/var/db/com.apple.xpc.roleaccountd.staging/fservernetd");
  });

  it("reports exposure from the newest crash report's iOS version, for an iPhone, noting the newer build in the folder name", () => {
    const [os] = readJson(path.join(out, "exposure.json"));
    expect(os).toMatchObject({ kind: "os", os_version: "17.2.1", build: "21C66", status: "exposed", update_to: "18.6.2" });
    expect(os.exposed_to.map((e: any) => e.cve).sort()).toEqual(["CVE-2025-43200", "CVE-2025-43300"]);
    // iPadOS-only fixes (17.7.5, 17.7.10) are not offered to an iPhone.
    expect(os.exposed_to.every((e: any) => e.basis === "no-fix-for-branch")).toBe(true);
    expect(os.note).toContain("taken on build 23A341");
    expect(infected.summary.detections.filter((d) => d.module === "exposure" && d.level === "medium")).toHaveLength(2);
  });

  it("refuses a folder with nothing of a sysdiagnose in it, rather than reporting an empty scan", async () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), "spyscope-not-sysdiag-"));
    await expect(runCheckSysdiagnose({ target: empty })).rejects.toThrow(/does not look like a sysdiagnose/);
  });

  it("reads the shutdown log's iOS 26 form with the binary UUID stripped", () => {
    const records = readJson(path.join(out, "shutdown_log.json"));
    expect(records).toHaveLength(10);
    const fs = records.filter((r: any) => r.pid === 2143);
    expect(fs).toHaveLength(4);
    expect(fs[0]).toMatchObject({
      client: "/private/var/db/com.apple.xpc.roleaccountd.staging/fservernetd",
      uuid: "AAAA1111-B896-3E7F-A6CC-577F0A547BB1",
      form: "list",
      delay: 1.26,
      file: "system_logs.logarchive/Extra/shutdown.0.log",
    });
    expect(new Set(records.map((r: any) => r.shutdown))).toEqual(new Set([0, 1, 2]));
    const ps = readJson(path.join(out, "sysdiagnose_ps.json"));
    expect(ps.map((r: any) => r.name)).toEqual(["launchd", "mediaserverd", "Music", "fservernetd"]);
    const crashes = readJson(path.join(out, "sysdiagnose_crash_logs.json"));
    expect(crashes.find((c: any) => c.proc_name === "fservernetd")).toMatchObject({
      isodate: "2026-07-06 19:03:11.000000",
      proc_path: "/private/var/db/com.apple.xpc.roleaccountd.staging/fservernetd",
      incident_id: "66666666-7777-8888-9999-000000000000",
    });
  });

  it("finds nothing critical or high in the clean archive, and every module that has input ran", () => {
    expect(clean.exitCode).toBe(0);
    expect(clean.summary.counts.critical).toBe(0);
    expect(clean.summary.counts.high).toBe(0);
    const status = Object.fromEntries(clean.summary.coverage.map((c) => [c.module, c.status]));
    expect(status).toEqual({ exposure: "ran", shutdown_log: "ran", sysdiagnose_ps: "ran", sysdiagnose_crash_logs: "ran", logarchive_processes: "skipped" });
    // nfcd held up all three shutdowns: reported at low level (a system daemon), not as a detection.
    const delayed = clean.summary.detections.filter((d) => d.heuristic === "delayed_shutdown");
    expect(delayed.map((d) => [d.level, (d.record as any).client, (d.record as any).shutdowns])).toEqual([["low", "/usr/libexec/nfcd", 3]]);
  });

  it("gives the same detections on the extracted folder", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "spyscope-sysdiag-x-"));
    execFileSync("tar", ["-xzf", INFECTED, "-C", dir]);
    for (const target of [dir, path.join(dir, FOLDER)]) {
      const r = await runCheckSysdiagnose({ target });
      const key = (res: CheckResult) => res.summary.detections.map((d) => `${d.level} ${d.module} ${d.message}`).sort();
      expect(key(r)).toEqual(key(infected));
      expect(r.info.sysdiagnose).toMatchObject({ build: "23A341", source: "folder" });
    }
  });

  it("records the archive hash and the entries read in info.json, and leaves the fixtures unchanged", () => {
    const info = readJson(path.join(out, "info.json"));
    expect(info.input_files["sysdiagnose_demo_infected.tar.gz"]).toBe(sha(INFECTED));
    expect(Object.keys(info.input_files)).toContain(`./${FOLDER}/ps.txt`.replace(/^\.\//, ""));
    expect(info.sysdiagnose).toMatchObject({ build: "23A341", device: "iPhone", source: "archive (read in one pass, nothing extracted)" });
    expect(info.coverage.complete).toBe(true);
    const after = hashTree(DIR);
    expect([...after.entries()]).toEqual([...before.entries()]);
  });
});
