// `spyscope exposure` and the Exposure section of scan summaries, on MVT's fixtures and a generated backup.

import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { exposureText } from "../../src/cli/exposure-command.js";
import { summaryJson, summaryText } from "../../src/cli/summary.js";
import { runCheckBackup } from "../../src/node/check-backup.js";
import { runExposure } from "../../src/node/exposure.js";
import { generateIosBackup } from "../../src/node/generate/ios-backup.js";
import { FIXTURES, IOS_BACKUP, TEST_STIX } from "../helpers/scan.js";
import { hashTree } from "../helpers/hash.js";

const run = promisify(execFile);
const CLI = process.env.SPYSCOPE_CLI ?? path.resolve("dist/cli/main.js");
const tmp: string[] = [];
afterAll(() => tmp.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("runExposure", () => {
  it("reads the MVT iOS backup's OS version, build, WhatsApp and Lockdown Mode, and exits 1 (exposed)", async () => {
    const before = hashTree(IOS_BACKUP);
    const r = await runExposure(IOS_BACKUP);
    expect(hashTree(IOS_BACKUP)).toEqual(before);
    expect(r.acquisition).toBe("ios-backup");
    expect(r.exitCode).toBe(1);
    expect(r.hashes.has("Info.plist")).toBe(true);
    const text = exposureText(r);
    expect(text).toMatch(/^spyscope exposure: .*ios_backup \(iOS backup\)$/m);
    expect(text).toMatch(/^ {2}! iOS 14\.3 \(18C66\): open to 12 spyware-exploited vulnerabilities; update to 18\.6\.2 or later$/m);
    expect(text).toMatch(/^ {6}CVE-2021-30860 FORCEDENTRY.*: fixed in 14\.8, KEV 2021-11-03 — https:\/\/support\.apple\.com\/en-us\/HT212807$/m);
    expect(text).toMatch(/^ {2}\? WhatsApp for iOS \(net\.whatsapp\.WhatsApp\): the acquisition does not record this version/m);
    expect(text).toMatch(/^ {2}Lockdown Mode: on$/m);
    expect(text).toMatch(/^ {2}Update iOS to 18\.6\.2 or later \(Settings > General > Software Update\)\./m);
  });

  it("reads an androidqf collection and says when no version could be read", async () => {
    const r = await runExposure(FIXTURES + "mvt/androidqf");
    expect(r.acquisition).toBe("androidqf");
    expect(r.exitCode).toBe(0);
    expect(exposureText(r)).toMatch(/No version could be read from this acquisition: exposure is unknown/);
  });

  it("recognises an Android bugreport folder", async () => {
    const r = await runExposure(FIXTURES + "mvt/android_data/bugreport");
    expect(r.acquisition).toBe("android_bugreport");
    expect(r.records.map((x) => [x.product, x.status])).toEqual([["android", "unknown-version"]]);
    expect(exposureText(r)).toMatch(/\(Android bugreport\)/);
  });

  it("reads a sysdiagnose archive: the iOS version of its newest crash report", async () => {
    const r = await runExposure(FIXTURES + "sysdiagnose/sysdiagnose_demo_infected.tar.gz");
    expect(r.acquisition).toBe("sysdiagnose");
    expect(r.records[0]).toMatchObject({ kind: "os", os_version: "17.2.1", build: "21C66", status: "exposed" });
  });

  it("refuses a folder that is no known acquisition", async () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), "spyscope-exp-empty-"));
    tmp.push(empty);
    await expect(runExposure(empty)).rejects.toThrow(/neither an iOS backup folder .*, an iOS filesystem dump, a sysdiagnose, an androidqf collection nor an Android bugreport/);
  });
});

describe("the scan summary", () => {
  it("has an Exposure section for MVT's backup, in text and JSON", async () => {
    const r = await runCheckBackup({ target: IOS_BACKUP, iocs: [TEST_STIX] });
    const input = { target: IOS_BACKUP, summary: r.summary, outputDir: null, indicatorCount: r.indicatorCount, exitCode: r.exitCode };
    const text = summaryText(input);
    expect(text).toMatch(/^Exposure to spyware-exploited vulnerabilities \(spyscope's list, reviewed \d{4}-\d\d-\d\d; not a sign of infection\):$/m);
    expect(text).toMatch(/^ {2}! iOS 14\.3 \(18C66\): open to 12/m);
    const json = summaryJson(input) as any;
    expect(json.exposure[0]).toMatchObject({ product: "ios", version: "14.3", build: "18C66", status: "exposed", update_to: "18.6.2", lockdown_mode: true });
    expect(json.exposure[0].exposed_to.find((e: any) => e.cve === "CVE-2023-41064")).toMatchObject({ fixed_in: "15.7.9", basis: "no-fix-for-branch" });
    expect(json.exposure[1]).toMatchObject({ product: "whatsapp-ios", app_id: "net.whatsapp.WhatsApp", status: "unknown-version" });
  });

  it("exposure alone never turns a scan's exit code to 1 (medium, not high)", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "spyscope-exp-gen-"));
    tmp.push(dir);
    await generateIosBackup({ dir: path.join(dir, "b"), rows: 20, plant: false });
    const r = await runCheckBackup({ target: path.join(dir, "b"), iocs: [TEST_STIX] });
    const exposure = r.summary.detections.filter((d) => d.module === "exposure");
    // The generator's WhatsApp 23.10.77 (App Store form of 2.23.10.77) is open to CVE-2025-55177.
    expect(exposure.some((d) => d.level === "medium" && /WhatsApp for iOS 23\.10\.77 \(= 2\.23\.10\.77\) is open to CVE-2025-55177/.test(d.message))).toBe(true);
    expect(r.summary.counts.critical + r.summary.counts.high).toBe(0);
    expect(r.exitCode).toBe(0);
  });
});

describe("the built CLI", () => {
  it("exposure --json exits 1 on the MVT backup and lists every exposed CVE with its fix and source", async () => {
    const r = await run("node", [CLI, "exposure", IOS_BACKUP, "--json"]).catch((e) => e);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(json).toMatchObject({ acquisition: "ios-backup", exit_code: 1, lockdown_mode: true });
    expect(json.products[0].exposed_to).toHaveLength(12);
    for (const e of json.products[0].exposed_to) expect(e.advisory).toMatch(/^https:\/\//);
  });
});
