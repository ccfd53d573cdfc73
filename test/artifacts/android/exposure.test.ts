// The Android exposure module on MVT's androidqf fixture and on an androidqf-format collection written here
// (getprop.txt, dumpsys.txt package section, packages.json, settings_secure.txt).

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { scan } from "../../../src/core/analysis/engine.js";
import { androidExposure } from "../../../src/core/artifacts/android/exposure.js";
import { AndroidQF } from "../../../src/core/formats/androidqf.js";
import { AndroidBugreport } from "../../../src/core/formats/android-bugreport.js";
import type { Acquisition } from "../../../src/core/artifacts/module.js";
import type { Detection, RecordData } from "../../../src/core/types.js";
import { DirectoryEvidence } from "../../../src/node/evidence-dir.js";
import { NodeSqliteOpener } from "../../../src/node/sqlite.js";
import { FIXTURES } from "../../helpers/scan.js";
import { hashTree } from "../../helpers/hash.js";

async function scanCollection(dir: string, open: (e: DirectoryEvidence) => Promise<Acquisition> = (e) => AndroidQF.open(e)) {
  const acquisition = await open(await DirectoryEvidence.open(dir));
  const records: RecordData[] = [];
  const detections: Detection[] = [];
  const sqlite = new NodeSqliteOpener();
  const summary = await scan({
    acquisition,
    modules: [androidExposure],
    matcher: null,
    sqlite,
    sink: { record: (_m, r) => void records.push(r), detection: (d) => void detections.push(d) },
  });
  sqlite.dispose();
  return { records: records as any[], detections, coverage: summary.coverage[0] };
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function packageBlock(name: string, versionName: string): string {
  return [
    `  Package [${name}] (4be8eeb):`,
    "    userId=10245",
    `    pkg=Package{1660fe6 ${name}}`,
    `    codePath=/data/app/~~x/${name}-y`,
    "    versionCode=221334004 minSdk=21 targetSdk=33",
    `    versionName=${versionName}`,
    "    flags=[ HAS_CODE ALLOW_CLEAR_USER_DATA ]",
    "    timeStamp=2024-11-02 10:11:12",
    "    lastUpdateTime=2024-11-02 10:11:40",
    "    installerPackageName=com.android.vending",
  ].join("\n");
}

function collection(opts: { patch: string; release: string; apps: [string, string][]; listed: string[]; protection?: string }): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "spyscope-aqf-exposure-"));
  dirs.push(dir);
  writeFileSync(
    path.join(dir, "getprop.txt"),
    [
      "[persist.sys.timezone]: [Europe/Belgrade]",
      "[ro.build.display.id]: [UP1A.231005.007]",
      `[ro.build.version.release]: [${opts.release}]`,
      `[ro.build.version.security_patch]: [${opts.patch}]`,
      "[ro.product.manufacturer]: [Xiaomi]",
      "[ro.product.model]: [Redmi Note 10S]",
    ].join("\n") + "\n",
  );
  writeFileSync(
    path.join(dir, "dumpsys.txt"),
    [
      "DUMP OF SERVICE package:",
      "Database versions:",
      "  Internal:",
      "    sdkVersion=34 databaseVersion=3",
      "",
      "Packages:",
      ...opts.apps.map(([n, v]) => packageBlock(n, v)),
      "",
      "--------- 0.5s was the duration of dumpsys package, ending at: 2025-03-01 10:00:00",
      "-".repeat(79),
      "DUMP OF SERVICE appops:",
      "  Package [com.whatsapp] (ffff):",
      "    versionName=0.0.1",
      "",
    ].join("\n"),
  );
  writeFileSync(path.join(dir, "packages.json"), JSON.stringify(opts.listed.map((name) => ({ name, files: [], installer: "com.android.vending", system: false }))));
  if (opts.protection !== undefined) writeFileSync(path.join(dir, "settings_secure.txt"), `android_id=abc\nadvanced_protection_mode=${opts.protection}\n`);
  return dir;
}

describe("exposure on MVT's androidqf fixture", () => {
  it("reports that the patch level and WhatsApp's version are not recorded, never a clean bill", async () => {
    const dir = FIXTURES + "mvt/androidqf";
    const before = hashTree(dir);
    const r = await scanCollection(dir);
    expect(hashTree(dir)).toEqual(before);
    expect(r.records.map((x) => [x.product, x.app_id, x.version, x.status])).toEqual([
      ["android", null, null, "unknown-version"],
      ["whatsapp-android", "com.whatsapp", null, "unknown-version"],
    ]);
    expect(r.detections.every((d) => d.level === "info")).toBe(true);
    expect(r.coverage).toMatchObject({ status: "ran", gaps: [] });
  });
});

describe("exposure on an androidqf collection", () => {
  it("patch level 2025-02-01 and WhatsApp 2.19.133 are exposed; WhatsApp Business 2.19.44 is not", async () => {
    const r = await scanCollection(
      collection({
        patch: "2025-02-01",
        release: "14",
        apps: [["com.whatsapp", "2.19.133"], ["com.whatsapp.w4b", "2.19.44"], ["com.example.notes", "1.0"]],
        listed: ["com.whatsapp", "com.whatsapp.w4b", "com.example.notes"],
        protection: "0",
      }),
    );
    const by = new Map(r.records.map((x) => [x.product, x]));
    expect(by.get("android")).toMatchObject({ os_name: "Android", os_version: "14", version: "2025-02-01", build: "UP1A.231005.007", status: "exposed", update_to: "2025-04-05", advanced_protection: false });
    expect(by.get("android").exposed_to.map((e: any) => [e.cve, e.fixed_in])).toEqual([
      ["CVE-2024-53104", "2025-02-05"],
      ["CVE-2024-50302", "2025-03-05"],
      ["CVE-2024-53197", "2025-04-05"],
    ]);
    expect(by.get("whatsapp-android")).toMatchObject({ version: "2.19.133", status: "exposed", update_to: "2.19.134" });
    expect(by.get("whatsapp-business-android")).toMatchObject({ version: "2.19.44", status: "not-exposed" });
    expect(r.records).toHaveLength(3);
    const android = r.detections.find((d) => d.level === "medium" && (d.record as any).product === "android")!;
    expect(android.message).toMatch(/^Android 14 \(security patch level 2025-02-01\) is open to CVE-2024-53104.*security patch level of 2025-02-05 or later.*turn on Advanced Protection/);
  });

  it("patch level 2025-04-05 with Advanced Protection on is not exposed to the listed bugs", async () => {
    const r = await scanCollection(collection({ patch: "2025-04-05", release: "16", apps: [["com.whatsapp", "2.25.30.1"]], listed: [], protection: "1" }));
    expect(r.records.map((x) => [x.product, x.status, x.advanced_protection])).toEqual([
      ["android", "not-exposed", true],
      ["whatsapp-android", "not-exposed", true],
    ]);
  });
});

describe("exposure on a bugreport", () => {
  const openBugreport = (e: DirectoryEvidence) => AndroidBugreport.open(e);

  it("MVT's bugreport records no patch level and no listed app: the patch level is reported unknown", async () => {
    const r = await scanCollection(FIXTURES + "mvt/android_data/bugreport", openBugreport);
    expect(r.records.map((x) => [x.product, x.status])).toEqual([["android", "unknown-version"]]);
  });

  it("reads the dumpstate's SYSTEM PROPERTIES and package sections", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "spyscope-br-exposure-"));
    dirs.push(dir);
    writeFileSync(path.join(dir, "main_entry.txt"), "dumpstate-2025-03-10-10-00-00.txt");
    writeFileSync(
      path.join(dir, "dumpstate-2025-03-10-10-00-00.txt"),
      [
        "========================================================",
        "== dumpstate: 2025-03-10 10:00:00",
        "========================================================",
        "------ SYSTEM PROPERTIES (getprop) ------",
        "[ro.build.version.release]: [15]",
        "[ro.build.version.security_patch]: [2025-03-05]",
        "[ro.product.model]: [Pixel 7]",
        "------ 0.047s was the duration of 'SYSTEM PROPERTIES' ------",
        "------",
        "-".repeat(78),
        "DUMP OF SERVICE package:",
        "Packages:",
        packageBlock("com.whatsapp.w4b", "2.19.43"),
        "",
        "-".repeat(78),
        "",
      ].join("\n"),
    );
    const r = await scanCollection(dir, openBugreport);
    expect(r.records.map((x) => [x.product, x.version, x.status, x.update_to])).toEqual([
      ["android", "2025-03-05", "exposed", "2025-04-05"],
      ["whatsapp-business-android", "2.19.43", "exposed", "2.19.44"],
    ]);
    expect(r.records[0]).toMatchObject({ os_version: "15", advanced_protection: null });
    expect(r.records[0].exposed_to.map((e: any) => e.cve)).toEqual(["CVE-2024-53197"]);
  });
});
