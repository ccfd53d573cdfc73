// The built CLI on a generated encrypted backup: check-backup with --password, the environment variable and
// --key-file; exit codes and messages for a missing or wrong password; decrypt-backup. The password never
// appears in what the CLI prints. (SPYSCOPE_CLI points at another build of cli/main.js than dist/.)

import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encryptBackup } from "../../src/node/generate/encrypt-backup.js";
import { BUNDLED_PEGASUS_STIX, generateIosBackup, projectRoot } from "../../src/node/generate/ios-backup.js";
import { runCli } from "../helpers/cli.js";
import { hashTree } from "../helpers/hash.js";

const STIX = path.join(projectRoot(), BUNDLED_PEGASUS_STIX);
const PASSWORD = "cli-password-7731";

describe("spyscope CLI on an encrypted iOS backup", () => {
  let base: string;
  let plain: string;
  let enc: string;
  let before: Map<string, string>;

  beforeAll(async () => {
    base = mkdtempSync(path.join(os.tmpdir(), "spyscope-cli-enc-"));
    plain = (await generateIosBackup({ dir: path.join(base, "plain"), rows: 200, seed: 9, plant: true })).dir;
    enc = (await encryptBackup({ source: plain, dest: path.join(base, "enc"), password: PASSWORD, iterations: 1000, dpIterations: 20_000 })).dest;
    before = hashTree(enc);
  });
  afterAll(() => {
    expect([...hashTree(enc)]).toEqual([...before]);
    rmSync(base, { recursive: true, force: true });
  });

  it("check-backup --password finds the planted indicators like on the plain twin (exit 1)", async () => {
    const a = await runCli(["check-backup", plain, "-i", STIX, "--json"]);
    const b = await runCli(["check-backup", enc, "-i", STIX, "--json", "--password", PASSWORD]);
    expect(a.code).toBe(1);
    expect(b.code).toBe(1);
    const sa = JSON.parse(a.stdout);
    const sb = JSON.parse(b.stdout);
    expect(sb.alerts).toEqual(sa.alerts);
    expect(sa.alerts.critical).toBeGreaterThan(0);
    expect(sb.records).toBe(sa.records);
    expect(b.stdout + b.stderr).not.toContain(PASSWORD);
  });

  it("takes the password from SPYSCOPE_BACKUP_PASSWORD", async () => {
    const r = await runCli(["check-backup", enc, "-i", STIX, "-m", "sms", "--json"], { SPYSCOPE_BACKUP_PASSWORD: PASSWORD });
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).not.toContain(PASSWORD);
  });

  it("without a password and without a terminal: exit 2 and how to give one", async () => {
    const r = await runCli(["check-backup", enc, "-i", STIX]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is an encrypted iOS backup .*--password, the SPYSCOPE_BACKUP_PASSWORD environment variable .*--key-file/);
  });

  it("a wrong password: exit 2 with a clear message, in about the time of one key derivation", async () => {
    const right = await runCli(["check-backup", enc, "-i", STIX, "-m", "backup_info", "--password", PASSWORD]);
    const wrong = await runCli(["check-backup", enc, "-i", STIX, "--password", "wrong"]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/spyscope: error: wrong backup password/);
    expect(wrong.stderr).not.toContain("at ");
    // The full check with the right password on a single module is the same work plus one module.
    expect(wrong.ms).toBeLessThan(right.ms * 1.5 + 500);
  });

  it("--key-file saves the derived key once and reuses it; decrypt-backup takes it too", async () => {
    const keyFile = path.join(base, "case.key");
    const first = await runCli(["check-backup", enc, "-i", STIX, "-m", "sms", "--password", PASSWORD, "--key-file", keyFile]);
    expect(first.code).toBe(1);
    expect(JSON.parse(readFileSync(keyFile, "utf8")).format).toBe("spyscope-ios-backup-key");
    const again = await runCli(["check-backup", enc, "-i", STIX, "-m", "sms", "--key-file", keyFile, "--json"]);
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stdout).records).toBeGreaterThan(0);

    const dest = path.join(base, "decrypted");
    const d = await runCli(["decrypt-backup", enc, dest, "--key-file", keyFile]);
    expect(d.code).toBe(0);
    expect(d.stderr).toMatch(/decrypted \d+ files .* hashes in .*decrypt-hashes\.csv/);
    expect(existsSync(path.join(dest, "Manifest.db"))).toBe(true);
    const scanned = await runCli(["check-backup", dest, "-i", STIX, "--json"]);
    const original = await runCli(["check-backup", plain, "-i", STIX, "--json"]);
    expect(JSON.parse(scanned.stdout).records).toBe(JSON.parse(original.stdout).records);
  });
});
