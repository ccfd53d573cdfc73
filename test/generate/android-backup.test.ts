// The synthetic Android backup generator round-trips through the reader: plain, compressed, encrypted
// (both header versions), deterministic, with planted indicators found by the one matcher.

import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { webBackupCrypto } from "../../src/core/formats/backup-crypto.js";
import { nodeBackupCrypto } from "../../src/node/backup-crypto.js";
import { generateAndroidBackup } from "../../src/node/generate/android-backup.js";
import { loadIndicators } from "../../src/node/iocs.js";
import { openAb, scanAb } from "../helpers/android-backup.js";
import { TEST_STIX } from "../helpers/scan.js";

const dir = mkdtempSync(path.join(os.tmpdir(), "spyscope-gen-ab-"));
const sha = (f: string) => createHash("sha256").update(readFileSync(f)).digest("hex");

describe("generate android backup", () => {
  it("plain and compressed: every message comes back, across several 1000-message files", async () => {
    const file = path.join(dir, "plain.ab");
    const g = await generateAndroidBackup({ file, messages: 2100, seed: 7 });
    expect(g).toMatchObject({ sms: 2100, mms: 210, entries: 5 }); // _manifest, 3 SMS files, 1 MMS file
    expect(readFileSync(file).subarray(0, 24).toString()).toBe("ANDROID BACKUP\n5\n1\nnone\n");
    const r = await scanAb(file);
    expect(r.backup.problem).toBeNull();
    expect(r.backup.entryCount).toBe(5);
    const recs = r.records.get("sms")!;
    expect(recs).toHaveLength(2310);
    expect(recs.filter((m) => "msg_box" in m)).toHaveLength(210);
    expect(new Set(recs.map((m) => m.direction))).toEqual(new Set(["sent", "received"]));
    // Every date falls in the 90 days before the backup (SMS in ms, MMS in s: both decoded right).
    expect(recs.every((m) => (m.isodate as string) >= "2023-08-16" && (m.isodate as string) <= "2023-11-15")).toBe(true);
  });

  it("is deterministic for a seed", async () => {
    const a = path.join(dir, "a.ab");
    const b = path.join(dir, "b.ab");
    await generateAndroidBackup({ file: a, seed: 3, messages: 300, password: "pw" });
    await generateAndroidBackup({ file: b, seed: 3, messages: 300, password: "pw" });
    expect(sha(a)).toBe(sha(b));
    const c = path.join(dir, "c.ab");
    await generateAndroidBackup({ file: c, seed: 4, messages: 300, password: "pw" });
    expect(sha(c)).not.toBe(sha(a));
  });

  for (const [version, compressed] of [
    [5, true],
    [5, false],
    [1, true],
  ] as const) {
    it(`encrypted, version ${version}, ${compressed ? "compressed" : "not compressed"}: opens with the password only`, async () => {
      const file = path.join(dir, `enc-${version}-${compressed}.ab`);
      await generateAndroidBackup({ file, messages: 120, password: "correct horse", version, compressed, rounds: 2000 });
      for (const crypto of [webBackupCrypto(), nodeBackupCrypto]) {
        const r = await scanAb(file, { password: "correct horse", crypto });
        expect(r.backup.header).toMatchObject({ version, compressed, encryption: "AES-256" });
        expect(r.backup.problem).toBeNull();
        expect(r.records.get("sms")).toHaveLength(132);
      }
      await expect(openAb(file, { password: "wrong horse" })).rejects.toThrow(/wrong password/);
    });
  }

  it("planted test-indicator links are found as critical sms alerts", async () => {
    const file = path.join(dir, "planted.ab");
    const g = await generateAndroidBackup({ file, messages: 500, password: "x", plantDomains: ["example.org"] });
    expect(g.planted).toBe(5);
    const { set } = await loadIndicators([TEST_STIX]);
    const r = await scanAb(file, { password: "x", matcher: set });
    expect(r.detections).toHaveLength(5);
    expect(r.detections.every((d) => d.level === "critical" && d.module === "sms" && d.match?.indicator.value === "example.org")).toBe(true);
  });
});
