import { describe, it, expect } from "vitest";
import { calls } from "../../../src/core/artifacts/ios/calls.js";
import { files } from "../../../src/node/generate/ios/calls.js";
import { IOS_BACKUP, scanBackup } from "../../helpers/scan.js";
import { backupFilePath, makeBackup, tempBackupDir, truncateHalf } from "../../helpers/backup.js";

const REL = "Library/CallHistoryDB/CallHistory.storedata";

describe("calls (CallHistory.storedata)", () => {
  it("reads ≈ rows/4 generated calls with MVT's fields and timeline", async () => {
    const dir = tempBackupDir();
    makeBackup(dir, files, { rows: 400 });
    const r = await scanBackup(dir, [calls]);
    const recs = r.records.get("calls")!;
    expect(recs).toHaveLength(100);
    expect(Object.keys(recs[0])).toEqual(["isodate", "duration", "location", "number", "provider"]);
    expect(recs[0].number).toMatch(/^\+1415555\d{4}$/); // ZADDRESS blob decoded
    expect(recs[0].isodate).toMatch(/^2023-08-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
    const tl = r.timeline.filter((e) => e.module === "Calls");
    expect(tl).toHaveLength(100);
    expect(tl[0].event).toBe("call");
    expect(tl[0].data).toMatch(/^From \+1415555\d{4} using \S+ during \d+(\.\d+)? seconds$/);
    expect(r.coverage.get("calls")?.status).toBe("ran");
  });

  it("prints REAL durations as Python does (12.0) and NULL as None", async () => {
    const dir = tempBackupDir();
    makeBackup(dir, [
      {
        modules: ["calls"],
        domain: "HomeDomain",
        relativePath: REL,
        sqlite: (db) =>
          db.exec(`CREATE TABLE ZCALLRECORD (Z_PK INTEGER PRIMARY KEY, ZDATE TIMESTAMP, ZDURATION FLOAT, ZLOCATION VARCHAR, ZADDRESS BLOB, ZSERVICE_PROVIDER VARCHAR);
                   INSERT INTO ZCALLRECORD VALUES (1, 600000000.5, 12.0, 'Rome', CAST('+390612345' AS BLOB), 'com.apple.Telephony');
                   INSERT INTO ZCALLRECORD VALUES (2, 600000100, NULL, NULL, '+390699999', NULL);`),
      },
    ]);
    const r = await scanBackup(dir, [calls]);
    const recs = r.records.get("calls")!;
    expect(recs[0]).toEqual({ isodate: "2020-01-06 10:40:00.500000", duration: 12, location: "Rome", number: "+390612345", provider: "com.apple.Telephony" });
    const data = r.timeline.map((e) => e.data);
    expect(data).toEqual(["From +390612345 using com.apple.Telephony during 12.0 seconds", "From +390699999 using None during None seconds"]);
  });

  it("tolerates an older schema without ZSERVICE_PROVIDER / ZLOCATION", async () => {
    const dir = tempBackupDir();
    makeBackup(dir, [
      {
        modules: ["calls"],
        domain: "HomeDomain",
        relativePath: REL,
        sqlite: (db) =>
          db.exec(`CREATE TABLE ZCALLRECORD (Z_PK INTEGER PRIMARY KEY, ZDATE TIMESTAMP, ZDURATION FLOAT, ZADDRESS VARCHAR);
                   INSERT INTO ZCALLRECORD VALUES (1, 500000000, 3.5, '+15551234');`),
      },
    ]);
    const r = await scanBackup(dir, [calls]);
    expect(r.records.get("calls")).toEqual([{ isodate: "2016-11-05 00:53:20.000000", duration: 3.5, location: null, number: "+15551234", provider: null }]);
  });

  it("a database without ZCALLRECORD gives a warning, not an error", async () => {
    const dir = tempBackupDir();
    makeBackup(dir, [{ modules: ["calls"], domain: "HomeDomain", relativePath: REL, sqlite: (db) => db.exec("CREATE TABLE other (x)") }]);
    const r = await scanBackup(dir, [calls]);
    expect(r.records.get("calls")).toBeUndefined();
    expect(r.coverage.get("calls")?.warnings.join(" ")).toMatch(/ZCALLRECORD/);
  });

  it("a truncated database is a failed module / coverage gap, never a crash", async () => {
    const dir = tempBackupDir();
    makeBackup(dir, files, { rows: 4000 });
    truncateHalf(backupFilePath(dir, "HomeDomain", REL));
    const r = await scanBackup(dir, [calls]);
    const cov = r.coverage.get("calls")!;
    expect(cov.status === "failed" || cov.gaps.length > 0).toBe(true);
  });

  it("the MVT fixture lists CallHistory.storedata but has no file: a coverage gap", async () => {
    const r = await scanBackup(IOS_BACKUP, [calls]);
    const cov = r.coverage.get("calls")!;
    expect(cov.status).toBe("failed");
    expect(cov.gaps[0].file).toMatch(/5a4935c78a5255723f707230a451d79c540d2741/);
  });
});
