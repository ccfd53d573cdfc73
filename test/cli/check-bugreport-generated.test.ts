// A generated bugreport with planted indicators: every module reads its section, every heuristic and
// indicator fires once where it should, and the zip and its extracted folder give the same results.

import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { generateBugreport } from "../../src/node/generate/android-bugreport.js";
import { runCheckBugreport } from "../../src/node/check-bugreport.js";
import type { CheckResult } from "../../src/node/run-check.js";

const PLANT = { appId: "com.planted.spy", process: "planted_daemon", property: "persist.planted.flag" };

function stix(dir: string): string {
  const ind = (id: string, pattern: string) => ({
    type: "indicator",
    spec_version: "2.1",
    id: `indicator--${id}`,
    created: "2024-01-01T00:00:00.000Z",
    modified: "2024-01-01T00:00:00.000Z",
    pattern,
    pattern_type: "stix",
    valid_from: "2024-01-01T00:00:00Z",
  });
  const bundle = {
    type: "bundle",
    id: "bundle--00000000-0000-4000-8000-000000000000",
    objects: [
      { type: "malware", spec_version: "2.1", id: "malware--00000000-0000-4000-8000-000000000001", created: "2024-01-01T00:00:00.000Z", modified: "2024-01-01T00:00:00.000Z", name: "PlantedSpy", is_family: false },
      ind("00000000-0000-4000-8000-000000000002", `[app:id='${PLANT.appId}']`),
      ind("00000000-0000-4000-8000-000000000003", `[process:name='${PLANT.process}']`),
      ind("00000000-0000-4000-8000-000000000004", `[android-property:name='${PLANT.property}']`),
      ...["2", "3", "4"].map((n) => ({
        type: "relationship",
        spec_version: "2.1",
        id: `relationship--00000000-0000-4000-8000-00000000010${n}`,
        created: "2024-01-01T00:00:00.000Z",
        modified: "2024-01-01T00:00:00.000Z",
        relationship_type: "indicates",
        source_ref: `indicator--00000000-0000-4000-8000-00000000000${n}`,
        target_ref: "malware--00000000-0000-4000-8000-000000000001",
      })),
    ],
  };
  const file = path.join(dir, "planted.stix2");
  writeFileSync(file, JSON.stringify(bundle));
  return file;
}

const readJson = (p: string) => JSON.parse(readFileSync(p, "utf8"));

describe("check-bugreport on a generated bugreport with planted indicators", () => {
  let dir: string;
  let zipResult: CheckResult;
  let dirResult: CheckResult;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "spyscope-genbr-"));
    const iocs = stix(dir);
    const common = { seed: 7, packages: 60, appopsLines: 600, batteryLines: 400, tombstones: 4, plant: PLANT, securityPatch: "2023-01-05", now: 1_706_000_000 };
    generateBugreport({ ...common, out: path.join(dir, "br.zip") });
    generateBugreport({ ...common, out: path.join(dir, "br"), folder: true });
    zipResult = await runCheckBugreport({ target: path.join(dir, "br.zip"), output: path.join(dir, "out-zip"), iocs: [iocs] });
    dirResult = await runCheckBugreport({ target: path.join(dir, "br"), output: path.join(dir, "out-dir"), iocs: [iocs] });
  });

  it("reads every module from the zip, with the phone's time zone", () => {
    const ran = zipResult.summary.coverage.filter((c) => c.status === "ran").map((c) => c.module);
    expect(ran.sort()).toEqual(
      [
        "bugreport_timestamps", "dumpsys_accessibility", "dumpsys_activities", "dumpsys_adb", "dumpsys_appops", "dumpsys_battery_daily",
        "dumpsys_battery_history", "dumpsys_dbinfo", "dumpsys_packages", "dumpsys_platform_compat", "dumpsys_receivers", "exposure", "getprop", "tombstones",
      ].sort(),
    );
    const info = readJson(path.join(dir, "out-zip", "info.json"));
    expect(info.bugreport.timezone).toBe("Europe/Berlin");
    expect(info.coverage.complete).toBe(true);
    const records = Object.fromEntries(zipResult.summary.coverage.map((c) => [c.module, c.records]));
    expect(records).toMatchObject({ dumpsys_packages: 62, tombstones: 4, dumpsys_dbinfo: 5, dumpsys_platform_compat: 4, dumpsys_adb: 1, getprop: 5 });
  });

  it("finds the planted app, process and property as critical indicator matches", () => {
    const alerts = readJson(path.join(dir, "out-zip", "alerts.json"));
    const critical = alerts.filter((a: any) => a.level === "CRITICAL").map((a: any) => a.module);
    for (const m of ["dumpsys_packages", "dumpsys_appops", "dumpsys_accessibility", "dumpsys_battery_daily", "dumpsys_receivers", "dumpsys_platform_compat", "tombstones", "getprop"]) {
      expect(critical, m).toContain(m);
    }
    expect(zipResult.exitCode).toBe(1);
  });

  it("measures the security patch's age when the bugreport was taken, not today", async () => {
    // Seven weeks old on 2024-01-23 (the generated dumpstate's time), years old today.
    const out = path.join(dir, "recent-patch.zip");
    generateBugreport({ seed: 7, packages: 5, appopsLines: 10, batteryLines: 10, tombstones: 0, securityPatch: "2023-12-05", now: 1_706_000_000, out });
    const r = await runCheckBugreport({ target: out, iocs: [stix(dir)] });
    expect(r.summary.coverage.find((c) => c.module === "getprop")!.records).toBeGreaterThan(0);
    expect(r.summary.detections.filter((d) => d.heuristic === "getprop.old_security_patch")).toEqual([]);
  });

  it("fires each heuristic with a level and an actionable sentence", () => {
    const detections = zipResult.summary.detections.filter((d) => d.heuristic);
    const by = (h: string) => detections.filter((d) => d.heuristic === h);
    expect(by("dumpsys_packages.package_installer").map((d) => (d.record as any).package_name)).toEqual([PLANT.appId]);
    expect(by("dumpsys_packages.security_disabled").map((d) => [(d.record as any).package_name, d.level])).toEqual([["com.samsung.android.securitylogagent", "high"]]);
    expect(by("dumpsys_appops.risky_permission")).toHaveLength(1);
    expect(by("dumpsys_appops.risky_permission")[0].eventTime).toBe("2024-01-18 08:53:20.000000");
    expect(by("dumpsys_accessibility.enabled_service").map((d) => (d.record as any).package_name)).toEqual(["com.google.android.marvin.talkback", PLANT.appId]);
    expect(by("dumpsys_battery_daily.uninstall").map((d) => (d.record as any).package_name)).toEqual([PLANT.appId]);
    expect(by("dumpsys_battery_daily.downgrade")).toHaveLength(1);
    expect(by("tombstones.privileged_crash").map((d) => (d.record as any).process_name)).toEqual([PLANT.process]);
    expect(by("getprop.old_security_patch")).toHaveLength(1);
    expect(by("getprop.old_security_patch")[0].message).toContain("when the acquisition was made (2024-01-23)");
    expect(by("dumpsys_adb.trusted_key").map((d) => d.level)).toEqual(["low"]);
    for (const d of detections) expect(d.message.length, d.message).toBeGreaterThan(60);
  });

  it("puts device-local times on the real clock in the timeline (Europe/Berlin is UTC+1 in January)", () => {
    const packages = readJson(path.join(dir, "out-zip", "dumpsys_packages.json"));
    const spy = packages.find((p: any) => p.package_name === PLANT.appId);
    expect(spy.timezone).toBe("Europe/Berlin");
    const timeline = readFileSync(path.join(dir, "out-zip", "timeline.csv"), "utf8");
    const [y, mo, d, h, mi, s] = spy.first_install_time.split(/[- :]/).map(Number);
    const utc = new Date(Date.UTC(y, mo - 1, d, h - 1, mi, s)).toISOString().replace("T", " ").slice(0, 19);
    expect(timeline).toContain(`"${utc}.000000","DumpsysPackages","package_first_install","Install or update of package ${PLANT.appId}"`);
    const tomb = readJson(path.join(dir, "out-zip", "tombstones.json")).find((t: any) => t.process_name === PLANT.process);
    expect(tomb.timestamp).toBe("2024-01-22 09:53:20.123456");
    expect(tomb.timestamp_utc).toBe("2024-01-22 08:53:20.123456");
  });

  it("gives the same records from the extracted folder as from the zip", () => {
    const counts = (r: CheckResult) => Object.fromEntries(r.summary.coverage.map((c) => [c.module, c.records]));
    expect(counts(dirResult)).toEqual(counts(zipResult));
    expect(dirResult.summary.counts).toEqual(zipResult.summary.counts);
  });
});
