// End to end on MVT's bugreport fixture (the extracted folder, and a zip of it made by Info-ZIP): every MVT
// alert reproduced, record counts equal to MVT's JSON files, the evidence untouched.

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ANDROID_BUGREPORT_MODULES } from "../../src/core/artifacts/android/bugreport/index.js";
import { runCheckBugreport } from "../../src/node/check-bugreport.js";
import type { CheckResult } from "../../src/node/run-check.js";
import { hashTree } from "../helpers/hash.js";
import { FIXTURES, TEST_STIX } from "../helpers/scan.js";

const BUGREPORT = FIXTURES + "mvt/android_data/bugreport";
const EXPECTED = FIXTURES + "mvt/expected-mvt/android_bugreport";
const readJson = (p: string) => JSON.parse(readFileSync(p, "utf8"));

/** MVT's event without the fields that depend on the copy of the fixture (file mtimes) or that we add. */
function comparable(event: Record<string, unknown>): string {
  const { file_timestamp: _f, timestamp_utc: _u, timezone: _t, ...rest } = event;
  return JSON.stringify(rest);
}

function checkAgainstMvt(out: string, result: CheckResult): void {
  const expected = readJson(path.join(EXPECTED, "alerts.json"));
  const ours = readJson(path.join(out, "alerts.json"));
  for (const e of expected) {
    const found = ours.find(
      (a: any) => a.level === e.level && a.module === e.module && a.message.startsWith(e.message) && comparable(a.event) === comparable(e.event),
    );
    expect(found, `${e.module}: ${e.message}`).toBeTruthy();
  }
  for (const m of ANDROID_BUGREPORT_MODULES) {
    const mvt = path.join(EXPECTED, `${m.id}.json`);
    const count = existsSync(mvt) ? readJson(mvt).length : 0;
    const cov = result.summary.coverage.find((c) => c.module === m.id)!;
    expect(cov.records, m.id).toBe(count);
  }
}

describe("check-bugreport on MVT's bugreport fixture", () => {
  let before: Map<string, string>;
  let out: string;
  let result: CheckResult;

  beforeAll(async () => {
    before = hashTree(BUGREPORT);
    out = mkdtempSync(path.join(os.tmpdir(), "spyscope-bugreport-"));
    result = await runCheckBugreport({ target: BUGREPORT, output: out, iocs: [TEST_STIX] });
  });

  it("leaves every evidence byte unchanged", () => {
    const after = hashTree(BUGREPORT);
    expect([...after.entries()]).toEqual([...before.entries()]);
  });

  it("produces every MVT alert and MVT's record count for every module", () => {
    checkAgainstMvt(out, result);
    expect(result.summary.counts).toMatchObject({ critical: 0, high: 0, medium: 3 });
    expect(result.exitCode).toBe(0);
  });

  it("writes MVT's records: packages with installer and system flag, appops entries on the phone's clock", () => {
    const packages = readJson(path.join(out, "dumpsys_packages.json"));
    expect(packages.map((p: any) => [p.package_name, p.installer, p.system, p.first_install_time])).toEqual([
      ["com.samsung.android.provider.filterprovider", "", true, "2008-12-31 16:00:00"],
      ["com.instagram.android", "com.android.vending", false, "2020-06-12 00:41:34"],
    ]);
    const mvtPackages = readJson(path.join(EXPECTED, "dumpsys_packages.json"));
    expect(packages.map(({ disabled: _d, ...p }: any) => p)).toEqual(mvtPackages);
    expect(readJson(path.join(out, "dumpsys_appops.json"))).toEqual(readJson(path.join(EXPECTED, "dumpsys_appops.json")));
    expect(readJson(path.join(out, "dumpsys_platform_compat.json"))).toEqual(readJson(path.join(EXPECTED, "dumpsys_platform_compat.json")));
  });

  it("records the SHA-256 of every file it read in info.json", () => {
    const info = readJson(path.join(out, "info.json"));
    const sha = (p: string) => createHash("sha256").update(readFileSync(path.join(BUGREPORT, p))).digest("hex");
    expect(info.input_files["dumpstate.txt"]).toBe(sha("dumpstate.txt"));
    expect(info.input_files["FS/data/tombstones/tombstone_00"]).toBe(sha("FS/data/tombstones/tombstone_00"));
    expect(info.bugreport.dumpstate).toBe("dumpstate.txt");
  });

  it("gives the same results on a zip of the bugreport, read in place", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "spyscope-bugreport-zip-"));
    const zip = path.join(dir, "bugreport.zip");
    execFileSync("zip", ["-q", "-r", zip, "."], { cwd: BUGREPORT });
    const zout = path.join(dir, "out");
    const r = await runCheckBugreport({ target: zip, output: zout, iocs: [TEST_STIX] });
    checkAgainstMvt(zout, r);
    const stamps = readJson(path.join(zout, "bugreport_timestamps.json"));
    expect(stamps.map((s: any) => s.path).sort()).toEqual(["FS/data/tombstones/tombstone_00", "FS/data/tombstones/tombstone_01"]);
    expect(stamps[0].modified_time).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.000000$/);
    const info = readJson(path.join(zout, "info.json"));
    expect(info.archive.sha256).toBe(createHash("sha256").update(readFileSync(zip)).digest("hex"));
  });
});
