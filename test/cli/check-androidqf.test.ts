// check-androidqf end to end on MVT's androidqf fixtures (folder and zip): every MVT alert reproduced, record
// counts equal to MVT's JSON files, the evidence untouched; nested backup.ab (plain and encrypted) and
// dumpsys.txt; hostile and broken zips.

import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { zipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCheckAndroidqf } from "../../src/node/check-androidqf.js";
import type { CheckResult } from "../../src/node/run-check.js";
import { ANDROIDQF_ENCRYPTED_AB, FIXTURE_PASSWORD } from "../helpers/android-backup.js";
import { hashTree } from "../helpers/hash.js";
import { FIXTURES, TEST_STIX } from "../helpers/scan.js";

const AQF = FIXTURES + "mvt/androidqf";
const AQF_ZIP = FIXTURES + "mvt/androidqf.zip";
const EXPECTED = FIXTURES + "mvt/expected-mvt/androidqf";

const readJson = (p: string) => JSON.parse(readFileSync(p, "utf8"));
const canon = (v: unknown) => JSON.parse(JSON.stringify(v));
const sha256 = (p: string) => createHash("sha256").update(readFileSync(p)).digest("hex");
const noPassword = { prompt: null, env: {} };
const tmp = (prefix: string) => mkdtempSync(path.join(os.tmpdir(), prefix));

/** Modules MVT's expected output was made with (the dumpsys.txt modules came later to MVT's androidqf). */
const MVT_MODULES = new Set(["aqf_packages", "aqf_processes", "aqf_get_prop", "aqf_settings", "aqf_files", "aqf_log_timestamps", "root_binaries", "mounts", "sms"]);

describe("check-androidqf on MVT's androidqf folder", () => {
  let out: string;
  let result: CheckResult;
  let before: Map<string, string>;

  beforeAll(async () => {
    before = hashTree(AQF);
    out = tmp("spyscope-aqf-e2e-");
    result = await runCheckAndroidqf({ target: AQF, output: out, iocs: [TEST_STIX] }, noPassword);
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it("leaves every evidence byte unchanged and lists the SHA-256 of every file it read", () => {
    const after = hashTree(AQF);
    expect([...after.keys()]).toEqual([...before.keys()]);
    for (const [f, h] of before) expect(after.get(f), f).toBe(h);
    const inputs = readJson(path.join(out, "info.json")).input_files as Record<string, string>;
    for (const f of ["packages.json", "ps.txt", "getprop.txt", "settings_random.txt", "files.json", "root_binaries.json", "backup.ab", "dumpsys.txt"]) {
      expect(inputs[f], f).toBe(before.get(f));
    }
    expect(Object.keys(inputs).filter((k) => k.startsWith("backup.ab::"))).toHaveLength(2);
  });

  it("produces every alert MVT produces, with MVT's level, record and sentence, and nothing else from MVT's modules", () => {
    const expected = readJson(path.join(EXPECTED, "alerts.json"));
    const ours = readJson(path.join(out, "alerts.json"));
    for (const e of expected) {
      const found = ours.find((a: any) => a.level === e.level && a.module === e.module && JSON.stringify(canon(a.event)) === JSON.stringify(canon(e.event)));
      expect(found, `${e.level} ${e.module}: ${e.message}`).toBeTruthy();
      expect(found.message.startsWith(e.message), found.message).toBe(true);
      expect(found.matched_indicator).toEqual(e.matched_indicator);
    }
    const fromMvtModules = ours.filter((a: any) => MVT_MODULES.has(a.module));
    expect(fromMvtModules).toHaveLength(expected.length);
    const levels = (list: any[]) => list.map((a) => a.level).sort().join(",");
    expect(levels(fromMvtModules)).toBe("HIGH,HIGH,HIGH,HIGH,INFORMATIONAL,MEDIUM,MEDIUM,MEDIUM,MEDIUM,MEDIUM");
    // The bugreport modules read the collection's dumpsys.txt (a documented addition to MVT's output).
    const extra = ours.filter((a: any) => !MVT_MODULES.has(a.module)).map((a: any) => `${a.level} ${a.module}`);
    // Exposure: the patch level and WhatsApp's version are not recorded (two notes).
    expect(extra.sort()).toEqual(["INFORMATIONAL exposure", "INFORMATIONAL exposure", "LOW dumpsys_adb", "MEDIUM dumpsys_appops", "MEDIUM dumpsys_packages"]);
    expect(result.summary.counts).toEqual({ critical: 0, high: 4, medium: 7, low: 1, info: 3 });
    expect(result.exitCode).toBe(1);
  });

  it("writes as many records per module as MVT, the same records where MVT's are exact", () => {
    for (const f of readdirSync(EXPECTED).filter((n) => n.endsWith(".json") && !n.endsWith("_detected.json") && !["alerts.json", "urls.json"].includes(n))) {
      const expected = readJson(path.join(EXPECTED, f));
      expect(existsSync(path.join(out, f)), f).toBe(true);
      const ours = readJson(path.join(out, f));
      if (f === "aqf_settings.json") {
        // MVT writes {namespace: {key: value}}; spyscope one record per setting.
        const flat = Object.entries(expected as Record<string, Record<string, string>>).flatMap(([ns, kv]) => Object.entries(kv).map(([key, value]) => ({ namespace: ns, key, value })));
        expect(ours).toEqual(flat);
        continue;
      }
      expect(ours.length, f).toBe(expected.length);
      // sms: see docs/android-backup.md for the deliberate corrections (MMS date unit, direction).
      if (f !== "sms.json") expect(ours, f).toEqual(expected);
    }
    // Certificate serial numbers beyond 2^53 are written exactly (MVT: Python ints).
    expect(readFileSync(path.join(out, "aqf_packages.json"), "utf8")).toContain('"SerialNumber":955466096586930338769951715633687128507538251257');
  });

  it("writes MVT's timeline rows for files and root binaries, sorted by time", () => {
    const lines = readFileSync(path.join(out, "timeline.csv"), "utf8").trimEnd().split("\n");
    expect(lines[0]).toBe('"UTC Timestamp","Plugin","Event","Description"');
    const body = lines.slice(1);
    const times = body.map((l) => l.slice(1, 27));
    expect([...times].sort()).toEqual(times);
    const expected = readFileSync(path.join(EXPECTED, "timeline.csv"), "utf8").trimEnd().split(/\r?\n/).slice(1);
    for (const row of expected) expect(body, row).toContain(row);
    expect(body.filter((l) => l.includes('"AQFFiles"'))).toHaveLength(6);
  });

  it("records the collection's facts in info.json", () => {
    const info = readJson(path.join(out, "info.json"));
    expect(info.command).toBe("check-androidqf");
    expect(info.acquisition).toBe("androidqf");
    expect(info.androidqf).toEqual({ root: ".", timezone: null, problems: [], notes: [] });
    expect(info.androidqf_backup).toMatchObject({ present: true, encryption: "none" });
    expect(info.androidqf_bugreport.source).toBe("dumpsys.txt");
    expect(info.coverage.complete).toBe(true);
    expect(info.coverage.skipped.map((s: any) => s.module).sort()).toEqual(["aqf_log_timestamps", "bugreport_timestamps", "mounts", "tombstones"]);
  });
});

describe("check-androidqf on MVT's androidqf zip", () => {
  it("finds the collection in the zip's top folder and reads it in place", async () => {
    const out = tmp("spyscope-aqf-zip-");
    const zipHash = sha256(AQF_ZIP);
    try {
      const r = await runCheckAndroidqf({ target: AQF_ZIP, output: out, iocs: [TEST_STIX] }, noPassword);
      expect(readJson(path.join(out, "aqf_get_prop.json"))).toEqual(readJson(path.join(EXPECTED, "aqf_get_prop.json")));
      const info = readJson(path.join(out, "info.json"));
      expect(info.androidqf.root).toBe("androidqfzip/");
      expect(info.androidqf_archive).toEqual({ path: AQF_ZIP, sha256: zipHash, entries: 2 });
      expect(Object.keys(info.input_files)).toEqual(["androidqfzip/getprop.txt"]);
      expect(info.input_files["androidqfzip/getprop.txt"]).toBe(sha256(path.join(AQF, "getprop.txt")));
      expect(r.summary.coverage.filter((c) => c.status === "ran").map((c) => c.module)).toEqual(["aqf_get_prop", "exposure"]);
      expect(r.exitCode).toBe(0);
      expect(sha256(AQF_ZIP)).toBe(zipHash);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

describe("check-androidqf with an encrypted backup.ab inside", () => {
  let dir: string;
  beforeAll(() => {
    dir = tmp("spyscope-aqf-enc-");
    for (const f of ["getprop.txt", "packages.json"]) copyFileSync(path.join(AQF, f), path.join(dir, f));
    copyFileSync(ANDROIDQF_ENCRYPTED_AB, path.join(dir, "backup.ab"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("decrypts it with the password and reads its messages", async () => {
    const r = await runCheckAndroidqf({ target: dir, iocs: [TEST_STIX] }, { password: FIXTURE_PASSWORD, ...noPassword });
    const sms = r.summary.coverage.find((c) => c.module === "sms")!;
    expect(sms.status).toBe("ran");
    expect(sms.records).toBeGreaterThan(0);
    expect((r.info.androidqf_backup as any).key_source).toBe("password");
    expect(JSON.stringify(r.info)).not.toContain(FIXTURE_PASSWORD);
  });

  it("fails only the backup module, with the reason, without a password or with a wrong one", async () => {
    for (const [input, reason] of [
      [noPassword, /password/i],
      [{ password: "wrong-password", ...noPassword }, /wrong password/],
    ] as const) {
      const r = await runCheckAndroidqf({ target: dir, iocs: [TEST_STIX] }, input);
      const sms = r.summary.coverage.find((c) => c.module === "sms")!;
      expect(sms.status).toBe("failed");
      expect(sms.reason).toMatch(reason);
      expect(sms.reason).toContain("backup.ab");
      expect(r.summary.coverage.find((c) => c.module === "aqf_packages")!.status).toBe("ran");
      expect((r.info.coverage as any).complete).toBe(false);
    }
  });
});

describe("check-androidqf on broken and hostile input", () => {
  it("refuses a folder that is not an androidqf collection, and a file that is not a zip", async () => {
    const empty = tmp("spyscope-aqf-none-");
    try {
      writeFileSync(path.join(empty, "notes.txt"), "hello");
      await expect(runCheckAndroidqf({ target: empty, iocs: [TEST_STIX] }, noPassword)).rejects.toThrow(/does not look like an androidqf collection/);
      await expect(runCheckAndroidqf({ target: path.join(empty, "notes.txt"), iocs: [TEST_STIX] }, noPassword)).rejects.toThrow(/neither a folder nor a readable zip/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it("never serves zip-slip or absolute entries, reports them, and writes nothing outside the output folder", async () => {
    const work = tmp("spyscope-aqf-hostile-");
    try {
      const getprop = readFileSync(path.join(AQF, "getprop.txt"));
      const zip = zipSync({
        "collection/getprop.txt": getprop,
        "collection/../../escaped.json": new TextEncoder().encode('["/system/bin/su"]'),
        "/etc/root_binaries.json": new TextEncoder().encode('["/system/bin/su"]'),
      });
      const file = path.join(work, "hostile.zip");
      writeFileSync(file, zip);
      const out = path.join(work, "out");
      const r = await runCheckAndroidqf({ target: file, output: out, iocs: [TEST_STIX] }, noPassword);
      expect(r.summary.coverage.find((c) => c.module === "aqf_get_prop")!.records).toBe(10);
      expect(r.summary.coverage.find((c) => c.module === "root_binaries")!.status).toBe("skipped");
      const info = readJson(path.join(out, "info.json"));
      expect(info.coverage.complete).toBe(false);
      expect(info.androidqf.problems.join("\n")).toMatch(/zip-slip/);
      expect(info.androidqf.problems.join("\n")).toMatch(/absolute/);
      expect(readdirSync(work).sort()).toEqual(["hostile.zip", "out"]);
      expect(existsSync(path.join(os.tmpdir(), "escaped.json"))).toBe(false);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it("stops cleanly on a truncated zip, and reports a truncated files.json after reading what it holds", async () => {
    const work = tmp("spyscope-aqf-trunc-");
    try {
      const zip = zipSync({ "c/getprop.txt": readFileSync(path.join(AQF, "getprop.txt")), "c/files.json": readFileSync(path.join(AQF, "files.json")) });
      writeFileSync(path.join(work, "cut.zip"), zip.subarray(0, zip.length - 30));
      await expect(runCheckAndroidqf({ target: path.join(work, "cut.zip"), iocs: [TEST_STIX] }, noPassword)).rejects.toThrow(/zip/i);

      const folder = path.join(work, "collection");
      mkdirSync(folder);
      const files = readFileSync(path.join(AQF, "files.json"), "utf8");
      writeFileSync(path.join(folder, "files.json"), files.slice(0, files.lastIndexOf("{") + 40));
      const r = await runCheckAndroidqf({ target: folder, iocs: [TEST_STIX] }, noPassword);
      const cov = r.summary.coverage.find((c) => c.module === "aqf_files")!;
      expect(cov.records).toBe(2);
      expect(cov.gaps[0].reason).toMatch(/ends inside element 2/);
      expect((r.info.coverage as any).complete).toBe(false);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});

describe("check-androidqf on generated collections with nested archives", () => {
  let dir: string;
  let zipFile: string;
  beforeAll(async () => {
    const { generateAndroidqf } = await import("../../src/node/generate/androidqf.js");
    dir = tmp("spyscope-aqf-nested-");
    await generateAndroidqf({ dir, seed: 5, files: 200, overwrite: true, backup: { messages: 30, password: "s3cret" }, bugreport: { packages: 40 } });
    // The same collection zipped in its own top folder, as zipping androidqf's output folder gives.
    const entries: Record<string, Uint8Array> = {};
    const walk = (rel: string) => {
      for (const name of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
        const r = rel ? `${rel}/${name.name}` : name.name;
        if (name.isDirectory()) walk(r);
        else entries[`androidqf_5/${r}`] = readFileSync(path.join(dir, r));
      }
    };
    walk("");
    zipFile = path.join(tmp("spyscope-aqf-nested-zip-"), "collection.zip");
    writeFileSync(zipFile, zipSync(entries));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(path.dirname(zipFile), { recursive: true, force: true });
  });

  it("runs the bugreport modules on bugreport.zip and the backup module on backup.ab, from a folder and from a zip alike", async () => {
    const runs: CheckResult[] = [];
    const spools = () => readdirSync(os.tmpdir()).filter((n) => n.startsWith("spyscope-nested-")).length;
    const spoolsBefore = spools();
    for (const target of [dir, zipFile]) {
      const r = await runCheckAndroidqf({ target, iocs: [TEST_STIX] }, { password: "s3cret", ...noPassword });
      const cov = new Map(r.summary.coverage.map((c) => [c.module, c]));
      expect(cov.get("sms")!.records, target).toBeGreaterThanOrEqual(30);
      expect(cov.get("dumpsys_packages")!.status, target).toBe("ran");
      expect(cov.get("dumpsys_packages")!.records, target).toBeGreaterThanOrEqual(40);
      expect(cov.get("aqf_files")!.records, target).toBe(201);
      expect((r.info.androidqf_bugreport as any).source).toBe("bugreport.zip");
      const inputs = Object.keys(r.info.input_files as object);
      expect(inputs.some((k) => /bugreport\.zip::/.test(k)), target).toBe(true);
      expect(inputs.some((k) => /backup\.ab::apps\//.test(k)), target).toBe(true);
      expect((r.info.coverage as any).failed).toEqual([]);
      runs.push(r);
    }
    // Same records and alerts whether the collection is a folder or a zip.
    const shape = (r: CheckResult) => r.summary.coverage.map((c) => `${c.module}:${c.status}:${c.records}:${c.detections}`);
    expect(shape(runs[1])).toEqual(shape(runs[0]));
    expect(runs[1].summary.counts).toEqual(runs[0].summary.counts);
    // The zipped collection's bugreport.zip was spooled to a private temporary file, removed afterwards.
    expect(spools()).toBe(spoolsBefore);
  });

  it("skips (does not fail) the modules of nested archives a collection does not hold", async () => {
    const bare = tmp("spyscope-aqf-bare-");
    try {
      for (const f of ["getprop.txt", "packages.json", "ps.txt"]) copyFileSync(path.join(dir, f), path.join(bare, f));
      const r = await runCheckAndroidqf({ target: bare, iocs: [TEST_STIX] }, noPassword);
      const cov = new Map(r.summary.coverage.map((c) => [c.module, c]));
      for (const m of ["sms", "dumpsys_packages", "tombstones", "getprop"]) expect(cov.get(m)!.status, m).toBe("skipped");
      expect((r.info.coverage as any).failed).toEqual([]);
      expect((r.info.coverage as any).complete).toBe(true);
    } finally {
      rmSync(bare, { recursive: true, force: true });
    }
  });
});

describe("check-iocs on androidqf results", () => {
  it("re-matches spyscope's and MVT's androidqf output folders against new indicators", async () => {
    const { runCheckIocs } = await import("../../src/node/check-iocs.js");
    const work = tmp("spyscope-aqf-iocs-");
    try {
      const malware = "malware--00000000-0000-4000-8000-0000000000aa";
      const patterns = ["[app:id='com.whatsapp']", "[file:path='/sdcard/.profig.os']", "[app:cert.sha256='3987d043d10aefaf5a8710b3671418fe57e0e19b653c9df82558feb5ffce5d44']"];
      const objects: object[] = [{ type: "malware", id: malware, name: "Retro", is_family: false }];
      patterns.forEach((pattern, i) => {
        const id = `indicator--00000000-0000-4000-8000-0000000000${10 + i}`;
        objects.push({ type: "indicator", id, pattern, pattern_type: "stix", valid_from: "2024-01-01T00:00:00Z" });
        objects.push({ type: "relationship", id: `relationship--00000000-0000-4000-8000-0000000000${20 + i}`, relationship_type: "indicates", source_ref: id, target_ref: malware });
      });
      const stix = path.join(work, "retro.stix2");
      writeFileSync(stix, JSON.stringify({ type: "bundle", id: "bundle--00000000-0000-4000-8000-0000000000bb", objects }));
      const ours = path.join(work, "ours");
      await runCheckAndroidqf({ target: AQF, output: ours, iocs: [TEST_STIX] }, noPassword);
      for (const dir of [ours, EXPECTED]) {
        const r = await runCheckIocs({ dir, iocs: [stix], output: path.join(work, `re-${path.basename(dir)}`) });
        const found = r.summary.detections.map((d) => `${d.module} ${d.match!.indicator.kind} ${d.match!.indicator.value}`).sort();
        expect(found, dir).toEqual([
          "aqf_files file_paths /sdcard/.profig.os",
          "aqf_packages app_cert_hashes 3987d043d10aefaf5a8710b3671418fe57e0e19b653c9df82558feb5ffce5d44",
          "aqf_packages app_ids com.whatsapp",
        ]);
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});

describe("the built CLI: spyscope check-androidqf", () => {
  // `npm test` builds dist/ first; SPYSCOPE_CLI points at another build.
  const CLI = process.env.SPYSCOPE_CLI ?? path.resolve("dist/cli/main.js");
  const run = promisify(execFile);

  it("exits 1 on MVT's folder (high detections), 0 on its zip, 2 on something else, with the JSON summary", async () => {
    const folder = await run("node", [CLI, "check-androidqf", AQF, "--iocs", TEST_STIX, "--json"], { env: { ...process.env, SPYSCOPE_BACKUP_PASSWORD: "" } }).catch((e) => e);
    expect(folder.code).toBe(1);
    expect(JSON.parse(folder.stdout).alerts).toMatchObject({ high: 4, medium: 7 });
    const zip = await run("node", [CLI, "check-androidqf", AQF_ZIP, "--iocs", TEST_STIX, "--json"]).catch((e) => e);
    expect(zip.code ?? 0).toBe(0);
    const empty = tmp("spyscope-aqf-cli-");
    try {
      const bad = await run("node", [CLI, "check-androidqf", empty]).catch((e) => e);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/does not look like an androidqf collection/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it("takes an encrypted backup.ab's password from SPYSCOPE_BACKUP_PASSWORD, never from a prompt without a terminal", async () => {
    const dir = tmp("spyscope-aqf-cli-enc-");
    try {
      copyFileSync(path.join(AQF, "getprop.txt"), path.join(dir, "getprop.txt"));
      copyFileSync(ANDROIDQF_ENCRYPTED_AB, path.join(dir, "backup.ab"));
      const ok = await run("node", [CLI, "check-androidqf", dir, "--iocs", TEST_STIX, "--json"], { env: { ...process.env, SPYSCOPE_BACKUP_PASSWORD: FIXTURE_PASSWORD } }).catch((e) => e);
      expect(JSON.parse(ok.stdout).coverage.failed).toEqual([]);
      const none = await run("node", [CLI, "check-androidqf", dir, "--iocs", TEST_STIX, "--json"], { env: { ...process.env, SPYSCOPE_BACKUP_PASSWORD: "" } }).catch((e) => e);
      const failed = JSON.parse(none.stdout).coverage.failed;
      expect(failed.map((f: any) => f.module)).toEqual(["sms"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
