// Broken evidence: each broken artifact becomes a named coverage gap or module failure; the scan goes on.
// Rows that live only in a -wal file are seen, and no -wal/-shm is created beside the evidence.

import Database from "better-sqlite3";
import { copyFileSync, mkdtempSync, readdirSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { IOS_BACKUP_MODULES } from "../../src/core/artifacts/ios/index.js";
import { IOS_BACKUP, scanBackup } from "../helpers/scan.js";
import { writeXmlPlist } from "../../src/core/formats/bplist-writer.js";
import { runCheckBackup } from "../../src/node/check-backup.js";
import { EncryptedBackupError } from "../../src/core/formats/ios-backup.js";
import { hashTree } from "../helpers/hash.js";
import { copyFixtureBackup } from "../helpers/backup.js";

const SMS = "3d/3d0d7e5fb2ce288813306e4d4636395e047a3d28";
const TCC = "64/64d0019cb3d46bfc8cce545a8ba54b93e7ea9347";
const GLOBAL_PREFS = "0d/0dc926a1810f7aee4e8f38793ed788701f93bf9d";

describe("corrupt and missing artifacts", () => {
  it("reports a truncated SQLite, a garbage plist and a missing file per artifact and completes the scan", async () => {
    const dir = copyFixtureBackup();
    truncateSync(path.join(dir, SMS), 3000);
    writeFileSync(path.join(dir, GLOBAL_PREFS), "this is not a property list at all");
    rmSync(path.join(dir, TCC));
    const r = await scanBackup(dir, IOS_BACKUP_MODULES);
    const sms = r.coverage.get("sms")!;
    expect(sms.status).toBe("failed");
    expect(sms.reason).toMatch(/sms\.db/);
    const prefs = r.coverage.get("global_preferences")!;
    expect(prefs.status).toBe("failed");
    expect(prefs.reason).toMatch(/GlobalPreferences/);
    const tcc = r.coverage.get("tcc")!;
    expect(tcc.status).toBe("failed");
    expect(tcc.reason).toMatch(/missing/);
    // The rest still ran, with MVT's record counts.
    expect(r.coverage.get("datausage")!.status).toBe("ran");
    expect(r.records.get("datausage")!.length).toBe(42);
    expect(r.records.get("whatsapp")!.length).toBe(6);
    expect(r.summary.coverage.length).toBe(29);
  });

  it("with an empty Manifest.db, modules that need it fail with the reason and backup_info still runs", async () => {
    const dir = copyFixtureBackup();
    truncateSync(path.join(dir, "Manifest.db"), 0);
    const r = await scanBackup(dir, IOS_BACKUP_MODULES);
    expect(r.coverage.get("backup_info")!.status).toBe("ran");
    const sms = r.coverage.get("sms")!;
    expect(sms.status).toBe("failed");
    expect(sms.reason).toMatch(/Manifest\.db/);
  });

  it("sees rows that live only in a -wal file and creates nothing beside the evidence", async () => {
    const dir = copyFixtureBackup();
    const work = mkdtempSync(path.join(os.tmpdir(), "spyscope-wal-"));
    copyFileSync(path.join(IOS_BACKUP, SMS), path.join(work, "sms.db"));
    const live = new Database(path.join(work, "sms.db"));
    live.pragma("journal_mode = WAL");
    live.pragma("wal_autocheckpoint = 0");
    live
      .prepare("INSERT INTO message (guid, text, handle_id, date, is_from_me) VALUES (?, ?, 1, ?, 0)")
      .run("WAL-ONLY-GUID", "Only in the WAL https://wal-only.example.com/x", 600000000);
    // Copy the database and its WAL while the writer still holds them (as an acquisition would).
    copyFileSync(path.join(work, "sms.db"), path.join(dir, SMS));
    copyFileSync(path.join(work, "sms.db-wal"), path.join(dir, SMS + "-wal"));
    live.close();
    const before = hashTree(dir);
    const r = await scanBackup(dir, IOS_BACKUP_MODULES.filter((m) => m.id === "sms"));
    const texts = r.records.get("sms")!.map((m) => m.text);
    expect(texts).toContain("Only in the WAL https://wal-only.example.com/x");
    const after = hashTree(dir);
    expect([...after.keys()]).toEqual([...before.keys()]);
    for (const [f, h] of before) expect(after.get(f)).toBe(h);
    expect(r.hashes.get(SMS + "-wal")).toBe(before.get(SMS + "-wal"));
  });

  it("recognises an encrypted backup (Manifest.plist IsEncrypted) and refuses it with a clear message", async () => {
    const dir = copyFixtureBackup();
    writeFileSync(path.join(dir, "Manifest.plist"), writeXmlPlist({ IsEncrypted: true, Version: "10.0" }));
    const out = mkdtempSync(path.join(os.tmpdir(), "spyscope-enc-out-"));
    const err = await runCheckBackup({ target: dir, output: out }).catch((e) => e);
    expect(err).toBeInstanceOf(EncryptedBackupError);
    expect(err.message).toMatch(/encrypted iOS backup .*IsEncrypted/);
    expect(readdirSync(out)).toEqual([]);
  });
});
