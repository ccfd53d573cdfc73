import path from "node:path";
import { writeFileSync } from "node:fs";
import { describe, it, expect } from "vitest";
import { backupInfo } from "../../../src/core/artifacts/ios/backup-info.js";
import { writeBinaryPlist } from "../../../src/core/formats/bplist-writer.js";
import { asJson, expectedMvt, IOS_BACKUP, scanBackup } from "../../helpers/scan.js";
import { makeBackup, tempBackupDir } from "../../helpers/backup.js";

describe("backup_info (Info.plist)", () => {
  it("yields MVT's object on the fixture (date without microseconds, missing keys null)", async () => {
    const r = await scanBackup(IOS_BACKUP, [backupInfo]);
    const recs = r.records.get("backup_info")!;
    expect(recs).toHaveLength(1);
    expect(backupInfo.output).toBe("object");
    expect(await asJson(recs[0])).toEqual(await expectedMvt("backup_info"));
    expect(recs[0]["Last Backup Date"]).toBe("2021-12-03 19:33:13");
    expect(Object.keys(recs[0])).toEqual(Object.keys(await expectedMvt("backup_info")));
  });

  it("keeps microseconds of a binary Info.plist date as Python prints them", async () => {
    const dir = tempBackupDir();
    makeBackup(dir, []);
    writeFileSync(path.join(dir, "Info.plist"), writeBinaryPlist({ "Product Version": "17.1", "Last Backup Date": new Date(Date.UTC(2023, 9, 1, 8, 0, 0, 250)) }));
    const r = await scanBackup(dir, [backupInfo]);
    const rec = r.records.get("backup_info")![0];
    expect(rec["Last Backup Date"]).toBe("2023-10-01 08:00:00.250000");
    expect(rec["Product Version"]).toBe("17.1");
    expect(rec["Device Name"]).toBeNull();
  });

  it("fails with a clear message on a garbage Info.plist", async () => {
    const dir = tempBackupDir();
    makeBackup(dir, []);
    writeFileSync(path.join(dir, "Info.plist"), "garbage, not a plist");
    const r = await scanBackup(dir, [backupInfo]);
    const cov = r.coverage.get("backup_info")!;
    expect(cov.status).toBe("failed");
    expect(cov.reason).toMatch(/Info.plist is not a readable property list/);
  });

  it("reports an unreadable Status.plist as a coverage gap without changing the record", async () => {
    const dir = tempBackupDir();
    makeBackup(dir, []);
    writeFileSync(path.join(dir, "Status.plist"), "nope");
    const r = await scanBackup(dir, [backupInfo]);
    const cov = r.coverage.get("backup_info")!;
    expect(cov.status).toBe("ran");
    expect(cov.gaps[0].file).toBe("Status.plist");
    expect(r.records.get("backup_info")![0]["Device Name"]).toBe("Test iPhone");
  });
});
