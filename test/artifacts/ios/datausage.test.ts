import { describe, it, expect } from "vitest";
import { datausage } from "../../../src/core/artifacts/ios/datausage.js";
import { files } from "../../../src/node/generate/ios/datausage.js";
import { asJson, expectedMvt, IOS_BACKUP, scanBackup } from "../../helpers/scan.js";
import { expectedTimelineRows, timelineRows } from "../../helpers/backup-comms.js";
import { backupFilePath, makeBackup, observablesOf, PLANT, tempBackupDir, truncateHalf } from "../../helpers/backup.js";

const REL = "Library/Databases/DataUsage.sqlite";
const one = (sql: string) => [{ modules: ["datausage"], domain: "WirelessDomain", relativePath: REL, sqlite: (db: any) => db.exec(sql) }];
const OLD = `CREATE TABLE ZPROCESS (Z_PK INTEGER PRIMARY KEY, ZFIRSTTIMESTAMP TIMESTAMP, ZTIMESTAMP TIMESTAMP, ZBUNDLENAME VARCHAR, ZPROCNAME VARCHAR);
  CREATE TABLE ZLIVEUSAGE (Z_PK INTEGER PRIMARY KEY, ZHASPROCESS INTEGER, ZTIMESTAMP TIMESTAMP, ZWWANIN FLOAT, ZWWANOUT FLOAT);`;

describe("datausage (DataUsage.sqlite)", () => {
  it("yields MVT's 42 records (with the MISSING placeholder) and 60 timeline rows on the fixture", async () => {
    const r = await scanBackup(IOS_BACKUP, [datausage]);
    const recs = r.records.get("datausage")!;
    expect(recs).toHaveLength(42);
    expect(await asJson(recs)).toEqual(await expectedMvt("datausage"));
    const rows = timelineRows(r.timeline, "Datausage");
    expect(rows).toHaveLength(60);
    expect(rows).toEqual(await expectedTimelineRows("Datausage"));
  });

  it("raises exactly MVT's one LOW alert for the gap in process ids", async () => {
    const r = await scanBackup(IOS_BACKUP, [datausage]);
    expect(r.detections).toHaveLength(1);
    const d = r.detections[0];
    expect(d.level).toBe("low");
    expect(d.message).toBe('Missing process 5. Previous process at "2019-08-27 15:08:09.253102" (1FB47783-A2FE-47D9-B256-DF50EF44BBA4/com.apple.Fitness)');
    expect(d.eventTime).toBe("2019-08-27 15:08:09.253102");
    const expected = (await expectedMvt("datausage_detected"))[0];
    expect(await asJson(d.record)).toEqual(expected.event);
  });

  it("flags live usage of a deleted process row as HIGH and shows it as MANIPULATED (older schema without ZWIFIIN)", async () => {
    const dir = tempBackupDir();
    makeBackup(dir, one(`${OLD}
      INSERT INTO ZPROCESS VALUES (1, 600000000.5, 600000100.0, 'com.example.app', 'app/com.example.app');
      INSERT INTO ZPROCESS VALUES (2, 600000200, 600000300, NULL, 'daemon');
      INSERT INTO ZLIVEUSAGE VALUES (1, 1, 600000050, 10.0, 20.0);
      INSERT INTO ZLIVEUSAGE VALUES (2, 9, 600000500, 5.0, 6.0);`));
    const r = await scanBackup(dir, [datausage]);
    const recs = r.records.get("datausage")!;
    expect(recs).toHaveLength(3);
    const man = recs.find((x) => x.live_proc_id === 9)!;
    expect(man).toMatchObject({ proc_name: "MANIPULATED [process record deleted]", proc_id: null, first_isodate: "2020-01-06 10:48:20.000000", wifi_in: null });
    const high = r.detections.filter((d) => d.level === "high");
    expect(high).toHaveLength(1);
    expect(high[0].message).toMatch(/^Found manipulated process entry 9\. Entry on 2020-01-06 10:48:20\.000000/);
    const rows = timelineRows(r.timeline, "Datausage");
    expect(rows).toContain("2020-01-06 10:40:00.500000|Datausage|first_usage|app/com.example.app (Bundle ID: com.example.app, ID: 1)");
    expect(rows).toContain("2020-01-06 10:40:50.000000|Datausage|live_usage|app/com.example.app (Bundle ID: com.example.app, ID: 1) WWAN IN: 10.0, WWAN OUT: 20.0");
    expect(rows).toContain("2020-01-06 10:48:20.000000|Datausage|live_usage|MANIPULATED [process record deleted] (Bundle ID: None, ID: None) WWAN IN: 5.0, WWAN OUT: 6.0");
    expect(observablesOf(datausage, recs)).toEqual(["process:app/com.example.app", "process:com.example.app", "process:app", "process:daemon"]);
  });

  it("generates a real-schema database whose planted process is observed", async () => {
    const dir = tempBackupDir();
    makeBackup(dir, files, { rows: 2000, plant: PLANT });
    const r = await scanBackup(dir, [datausage]);
    const recs = r.records.get("datausage")!;
    expect(recs.length).toBeGreaterThanOrEqual(200);
    expect(Object.keys(recs[0])).toEqual(["first_isodate", "isodate", "proc_name", "bundle_id", "proc_id", "wifi_in", "wifi_out", "wwan_in", "wwan_out", "live_id", "live_proc_id", "live_isodate"]);
    expect(observablesOf(datausage, recs)).toContain("process:plantedproc");
    expect(r.detections).toEqual([]);
  });

  it("missing tables are a coverage gap and a truncated database never crashes the scan", async () => {
    const dir = tempBackupDir();
    makeBackup(dir, one("CREATE TABLE ZPROCESS (Z_PK INTEGER PRIMARY KEY);"));
    const r = await scanBackup(dir, [datausage]);
    expect(r.coverage.get("datausage")!.status).toBe("failed");
    const dir2 = tempBackupDir();
    makeBackup(dir2, files, { rows: 20000 });
    truncateHalf(backupFilePath(dir2, "WirelessDomain", REL));
    const r2 = await scanBackup(dir2, [datausage]);
    expect(r2.coverage.get("datausage")).toBeTruthy();
  });
});
