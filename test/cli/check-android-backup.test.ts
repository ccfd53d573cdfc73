// check-android-backup end to end on MVT's .ab fixtures: output folder, info.json, passwords (option,
// environment, none), exit codes, and check-iocs re-matching Android "sms" records with the Android module.

import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { androidBackupCheck, runCheckAndroidBackup } from "../../src/node/check-android-backup.js";
import { runCheckIocs } from "../../src/node/check-iocs.js";
import { runCheck } from "../../src/node/run-check.js";
import { ANDROID_BACKUP_DIR, ANDROIDQF_ENCRYPTED_AB, EXPECTED_ANDROID_BACKUP, FIXTURE_PASSWORD } from "../helpers/android-backup.js";
import { hashTree } from "../helpers/hash.js";
import { FIXTURES, TEST_STIX } from "../helpers/scan.js";

const readJson = (p: string) => JSON.parse(readFileSync(p, "utf8"));
const tmp = () => mkdtempSync(path.join(os.tmpdir(), "spyscope-ab-cli-"));

describe("check-android-backup", () => {
  it("scans an encrypted backup with --password into an MVT-layout folder", async () => {
    const before = hashTree(FIXTURES + "mvt");
    const out = path.join(tmp(), "out");
    const r = await runCheckAndroidBackup({ target: path.join(ANDROID_BACKUP_DIR, "backup2.ab"), output: out, iocs: [TEST_STIX] }, { password: FIXTURE_PASSWORD, prompt: null, env: {} });
    expect(r.exitCode).toBe(0);
    expect(r.summary.records).toBe(1);
    const sms = readJson(path.join(out, "sms.json"));
    expect(sms).toHaveLength(readJson(path.join(EXPECTED_ANDROID_BACKUP, "backup2.ab", "sms.json")).length);
    expect(sms[0].body).toBe("Hi this is a test message to https://google.com/");
    expect(readJson(path.join(out, "urls.json"))).toEqual(readJson(path.join(EXPECTED_ANDROID_BACKUP, "backup2.ab", "urls.json")));
    const info = readJson(path.join(out, "info.json"));
    expect(info).toMatchObject({
      command: "check-android-backup",
      acquisition: "android-backup",
      target: path.join(ANDROID_BACKUP_DIR, "backup2.ab"),
      android_backup: { version: 5, compressed: false, encryption: "AES-256", entries: 2, apps: ["com.android.providers.telephony"] },
      backup_encryption: { encrypted: true, key_source: "password" },
      coverage: { complete: true, ran: ["sms"] },
    });
    expect(Object.keys(info.input_files)).toEqual(["backup2.ab", "backup2.ab::apps/com.android.providers.telephony/d_f/000000_sms_backup"]);
    // The password is never written anywhere in the output.
    for (const f of ["info.json", "sms.json", "timeline.csv", "alerts.json"]) expect(readFileSync(path.join(out, f), "utf8")).not.toContain(FIXTURE_PASSWORD);
    expect(hashTree(FIXTURES + "mvt")).toEqual(before);
  });

  it("takes the password from SPYSCOPE_BACKUP_PASSWORD", async () => {
    const r = await runCheckAndroidBackup({ target: ANDROIDQF_ENCRYPTED_AB }, { env: { SPYSCOPE_BACKUP_PASSWORD: FIXTURE_PASSWORD }, prompt: null });
    expect(r.summary.records).toBe(1);
    expect(r.info.backup_encryption).toEqual({ encrypted: true, key_source: "environment" });
  });

  it("fails cleanly: wrong password, no password and no terminal, not a file, not a backup", async () => {
    const target = path.join(ANDROID_BACKUP_DIR, "backup2.ab");
    await expect(runCheckAndroidBackup({ target }, { password: "nope", prompt: null, env: {} })).rejects.toThrow(`${target}: wrong password`);
    await expect(runCheckAndroidBackup({ target }, { prompt: null, env: {} })).rejects.toThrow(/encrypted \(AES-256\): give its password/);
    await expect(runCheckAndroidBackup({ target: ANDROID_BACKUP_DIR })).rejects.toThrow(/not a file/);
    await expect(runCheckAndroidBackup({ target: path.join(ANDROID_BACKUP_DIR, "nothing.ab") })).rejects.toThrow(/no such file/);
    await expect(runCheckAndroidBackup({ target: TEST_STIX })).rejects.toThrow(/not an Android backup/);
  });

  it("a prompt is asked only for encrypted backups", async () => {
    let asked = 0;
    const prompt = async () => {
      asked++;
      return FIXTURE_PASSWORD;
    };
    await runCheck(androidBackupCheck({ prompt, env: {} }), { target: path.join(ANDROID_BACKUP_DIR, "backup3.ab") });
    expect(asked).toBe(0);
    const r = await runCheck(androidBackupCheck({ prompt, env: {} }), { target: path.join(ANDROID_BACKUP_DIR, "backup2.ab") });
    expect(asked).toBe(1);
    expect(r.info.backup_encryption).toEqual({ encrypted: true, key_source: "prompt" });
  });

  it("check-iocs re-matches MVT's Android sms.json with the Android module, and ours", async () => {
    const dir = tmp();
    // An MVT-layout (indented) Android sms.json whose message links to a test-indicator domain.
    const mvtDir = path.join(dir, "mvt");
    mkdirSync(mvtDir);
    const records = readJson(path.join(EXPECTED_ANDROID_BACKUP, "backup.ab", "sms.json"));
    records[0].body = "Update now: https://www.example.org/login";
    records[0].links = ["https://www.example.org/login"];
    writeFileSync(path.join(mvtDir, "sms.json"), JSON.stringify(records, null, 4));
    const again = await runCheckIocs({ dir: mvtDir, iocs: [TEST_STIX] });
    expect(again.summary.counts.critical).toBe(1);
    const alerts = readJson(path.join(again.outputDir!, "alerts.json"));
    expect(alerts[0]).toMatchObject({ module: "sms", matched_indicator: { value: "example.org", type: "domains" } });
    expect(alerts[0].event.address).toBe("06543219");

    // Our own output of the fixture: re-matched without error, nothing found.
    const ours = path.join(dir, "ours");
    await runCheckAndroidBackup({ target: path.join(ANDROID_BACKUP_DIR, "backup.ab"), output: ours });
    const again2 = await runCheckIocs({ dir: ours, iocs: [TEST_STIX] });
    expect(again2.summary.coverage).toEqual([expect.objectContaining({ module: "sms", status: "ran", records: 2 })]);
    expect(existsSync(path.join(again2.outputDir!, "alerts.json"))).toBe(true);
  });
});
