import { describe, it, expect } from "vitest";
import initSqlJs from "sql.js";
import { datausage, MAX_PLACEHOLDERS } from "../../../src/core/artifacts/ios/datausage.js";
import { SqlJsOpener } from "../../../src/core/formats/sqljs.js";
import { IosBackup } from "../../../src/core/formats/ios-backup.js";
import { DirectoryEvidence } from "../../../src/node/evidence-dir.js";
import { files } from "../../../src/node/generate/ios/datausage.js";
import { asJson, expectedMvt, IOS_BACKUP, scanBackup, scanCollect } from "../../helpers/scan.js";
import { expectedTimelineRows, timelineRows } from "../../helpers/backup-comms.js";
import { backupFilePath, makeBackup, observablesOf, PLANT, tempBackupDir, truncateHalf } from "../../helpers/backup.js";

const REL = "Library/Databases/DataUsage.sqlite";
const one = (sql: string) => [{ modules: ["datausage"], domain: "WirelessDomain", relativePath: REL, sqlite: (db: any) => db.exec(sql) }];
const NEW = `CREATE TABLE ZPROCESS (Z_PK INTEGER PRIMARY KEY, ZFIRSTTIMESTAMP TIMESTAMP, ZTIMESTAMP TIMESTAMP, ZBUNDLENAME VARCHAR, ZPROCNAME VARCHAR);
  CREATE TABLE ZLIVEUSAGE (Z_PK INTEGER PRIMARY KEY, ZHASPROCESS INTEGER, ZTIMESTAMP TIMESTAMP, ZWIFIIN FLOAT, ZWIFIOUT FLOAT, ZWWANIN FLOAT, ZWWANOUT FLOAT);`;
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
    expect(d.message).toBe('Missing process 5. Previous process at "2019-08-27 15:08:09.253102" (1FB47783-A2FE-47D9-B256-DF50EF44BBA4/com.apple.Fitness) — a process id skipped in the usage database can mean a record was deleted: look at what ran around that time and at any deleted-process alerts.');
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

  it("streams in MVT's order: placeholders after the real rows of their sort key, deleted-process rows first in theirs", async () => {
    const dir = tempBackupDir();
    makeBackup(dir, one(`${NEW}
      INSERT INTO ZPROCESS VALUES (1, 600000100, 600000900, 'com.a', 'a/com.a');
      INSERT INTO ZPROCESS VALUES (3, 600000100, 600000800, NULL, 'c');
      INSERT INTO ZPROCESS VALUES (4, 600000050, 600000700, NULL, 'd');
      INSERT INTO ZPROCESS VALUES (7, 600000200, 600000600, NULL, 'g');
      INSERT INTO ZLIVEUSAGE VALUES (10, 1, 600000150, 3.0, 1.0, 1.0, 1.0);
      INSERT INTO ZLIVEUSAGE VALUES (11, 1, 600000160, 5.0, 1.0, 2.0, 2.0);
      INSERT INTO ZLIVEUSAGE VALUES (12, 9, 600000100, 1.0, 1.0, 7.0, 8.0);`));
    for (const r of [await scanBackup(dir, [datausage]), await scanSqlJs(dir)]) {
      const recs = r.records.get("datausage")!;
      // Keys: 10:40:50 (4 and its gap 5, 6), 10:41:40 (the deleted process 9 — its UNION row starts with NULL —,
      // then 3 and 1 by ZTIMESTAMP, then 1's gap 2), 10:43:20 (7).
      expect(recs.map((x) => [x.proc_id, x.live_id])).toEqual([
        [4, null], [5, null], [6, null], [null, 12], [3, null], [1, 10], [1, 11], [2, null], [7, null],
      ]);
      expect(await asJson(recs[1])).toEqual({
        first_isodate: "2020-01-06 10:40:50.000000", isodate: "2020-01-06 10:40:50.000000", proc_name: "MISSING [follows d]",
        bundle_id: null, proc_id: 5, wifi_in: null, wifi_out: null, wwan_in: null, wwan_out: null, live_id: null,
        live_proc_id: 5, live_isodate: "2020-01-06 10:40:50.000000",
      });
      // Findings as the records stream: each missing id where its placeholder is.
      expect(r.detections.map((d) => [d.level, d.message.split(": network usage")[0]])).toEqual([
        ["low", 'Missing process 5. Previous process at "2020-01-06 10:40:50.000000" (d) — a process id skipped in the usage database can mean a record was deleted: look at what ran around that time and at any deleted-process alerts.'],
        ["low", 'Missing process 6. Previous process at "2020-01-06 10:40:50.000000" (d) — a process id skipped in the usage database can mean a record was deleted: look at what ran around that time and at any deleted-process alerts.'],
        ["high", "Found manipulated process entry 9. Entry on 2020-01-06 10:41:40.000000"],
        ["low", 'Missing process 2. Previous process at "2020-01-06 10:41:40.000000" (a/com.a) — a process id skipped in the usage database can mean a record was deleted: look at what ran around that time and at any deleted-process alerts.'],
      ]);
      // MVT's alert carries the previous process's last record in UNION order: its greatest live-usage row.
      expect(r.detections[3].record).toMatchObject({ proc_id: 1, live_id: 11, wifi_in: 5 });
      expect(r.detections[0].record).toMatchObject({ proc_id: 4, live_id: null, proc_name: "d" });
    }
  });

  it("de-duplicates timeline events within a sort-key group, and again after the key changes", async () => {
    const dir = tempBackupDir();
    makeBackup(dir, one(`${NEW}
      INSERT INTO ZPROCESS VALUES (1, 600000000, 600000300, NULL, 'a');
      INSERT INTO ZPROCESS VALUES (2, 600000000, 600000300, NULL, 'b');
      INSERT INTO ZPROCESS VALUES (3, 600000500, 600000600, NULL, 'c');
      INSERT INTO ZLIVEUSAGE VALUES (1, 1, 600000010, 1.0, 1.0, 5.0, 6.0);
      INSERT INTO ZLIVEUSAGE VALUES (2, 1, 600000010, 1.0, 1.0, 5.0, 6.0);
      INSERT INTO ZLIVEUSAGE VALUES (3, 2, 600000010, 1.0, 1.0, 5.0, 6.0);
      INSERT INTO ZLIVEUSAGE VALUES (4, 3, 600000510, 2.0, 2.0, 7.0, 8.0);
      INSERT INTO ZLIVEUSAGE VALUES (5, 3, 600000510, 2.0, 2.0, 7.0, 8.0);`));
    const r = await scanBackup(dir, [datausage]);
    expect(r.records.get("datausage")!).toHaveLength(5);
    // 15 events, of which rows 2 and 5 repeat rows 1 and 4 exactly; b's events differ from a's by the ID.
    expect(timelineRows(r.timeline, "Datausage")).toEqual([
      "2020-01-06 10:40:00.000000|Datausage|first_usage|a (Bundle ID: None, ID: 1)",
      "2020-01-06 10:40:00.000000|Datausage|first_usage|b (Bundle ID: None, ID: 2)",
      "2020-01-06 10:40:10.000000|Datausage|live_usage|a (Bundle ID: None, ID: 1) WWAN IN: 5.0, WWAN OUT: 6.0",
      "2020-01-06 10:40:10.000000|Datausage|live_usage|b (Bundle ID: None, ID: 2) WWAN IN: 5.0, WWAN OUT: 6.0",
      "2020-01-06 10:45:00.000000|Datausage|current_usage|a (Bundle ID: None, ID: 1)",
      "2020-01-06 10:45:00.000000|Datausage|current_usage|b (Bundle ID: None, ID: 2)",
      "2020-01-06 10:48:20.000000|Datausage|first_usage|c (Bundle ID: None, ID: 3)",
      "2020-01-06 10:48:30.000000|Datausage|live_usage|c (Bundle ID: None, ID: 3) WWAN IN: 7.0, WWAN OUT: 8.0",
      "2020-01-06 10:50:00.000000|Datausage|current_usage|c (Bundle ID: None, ID: 3)",
    ]);
  });

  it("keeps de-duplicating when one sort-key group holds more distinct events than the remembered set", async () => {
    // 40,000 processes with the same first use, each with two identical live-usage rows: 120,000 distinct
    // events in one group, 120,000 duplicates.
    const dir = tempBackupDir();
    makeBackup(dir, [{ ...one("")[0], sqlite: (db: any) => {
      db.exec(NEW);
      const proc = db.prepare("INSERT INTO ZPROCESS VALUES (?, 600000000, 600000300, NULL, ?)");
      const live = db.prepare("INSERT INTO ZLIVEUSAGE VALUES (?, ?, 600000010, 1.0, 1.0, 5.0, 6.0)");
      db.transaction(() => {
        for (let i = 1; i <= 40_000; i++) {
          proc.run(i, `p${i}`);
          live.run(2 * i, i);
          live.run(2 * i + 1, i);
        }
      })();
    } }]);
    const r = await scanBackup(dir, [datausage]);
    expect(r.records.get("datausage")!).toHaveLength(80_000);
    const rows = timelineRows(r.timeline, "Datausage");
    // The remembered set starts over once (at 100,000 events): at most the current process's 3 events again.
    expect(rows.length).toBeGreaterThanOrEqual(120_000);
    expect(rows.length).toBeLessThanOrEqual(120_003);
    expect(new Set(rows).size).toBe(120_000);
  });

  it("caps the placeholders of a hostile gap of 10^9 process ids and reports the coverage gap", async () => {
    const dir = tempBackupDir();
    makeBackup(dir, one(`${NEW}
      INSERT INTO ZPROCESS VALUES (1, 600000000, 600000100, NULL, 'first');
      INSERT INTO ZPROCESS VALUES (1000000002, 600000500, 600000600, NULL, 'last');`));
    const t0 = performance.now();
    const r = await scanBackup(dir, [datausage]);
    expect(performance.now() - t0).toBeLessThan(20_000);
    const recs = r.records.get("datausage")!;
    expect(recs).toHaveLength(2 + MAX_PLACEHOLDERS);
    expect(recs[MAX_PLACEHOLDERS].proc_id).toBe(MAX_PLACEHOLDERS + 1);
    expect(recs[MAX_PLACEHOLDERS + 1].proc_name).toBe("last");
    const cov = r.coverage.get("datausage")!;
    expect(cov.status).toBe("ran");
    expect(cov.gaps).toHaveLength(1);
    expect(cov.gaps[0].reason).toMatch(/^1000000000 process ids are missing from ZPROCESS; only the first 100000/);
    expect(r.detections.filter((d) => d.heuristic === "datausage.missing_process")).toHaveLength(MAX_PLACEHOLDERS);
  });

  it("keeps process ids beyond 2^53 exact in placeholders and findings", async () => {
    const dir = tempBackupDir();
    makeBackup(dir, one(`${NEW}
      INSERT INTO ZPROCESS VALUES (4611686018427387900, 600000000, 600000100, NULL, 'low');
      INSERT INTO ZPROCESS VALUES (4611686018427387903, 600000500, 600000600, NULL, 'high');`));
    const r = await scanBackup(dir, [datausage]);
    expect(r.records.get("datausage")!.map((x) => x.proc_id)).toEqual([4611686018427387900n, 4611686018427387901n, 4611686018427387902n, 4611686018427387903n]);
    expect(r.detections.map((d) => d.message)).toEqual([
      'Missing process 4611686018427387901. Previous process at "2020-01-06 10:40:00.000000" (low) — a process id skipped in the usage database can mean a record was deleted: look at what ran around that time and at any deleted-process alerts.',
      'Missing process 4611686018427387902. Previous process at "2020-01-06 10:40:00.000000" (low) — a process id skipped in the usage database can mean a record was deleted: look at what ran around that time and at any deleted-process alerts.',
    ]);
    expect(r.coverage.get("datausage")!.gaps).toEqual([]);
  });

  it("gives the same records, timeline and alert through sql.js (the browser's SQLite) on the fixture", async () => {
    const r = await scanSqlJs(IOS_BACKUP);
    expect(await asJson(r.records.get("datausage")!)).toEqual(await expectedMvt("datausage"));
    expect(timelineRows(r.timeline, "Datausage")).toEqual(await expectedTimelineRows("Datausage"));
    expect(await asJson(r.detections.map((d) => d.record))).toEqual((await expectedMvt("datausage_detected")).map((d: any) => d.event));
  });
});

let sqlJs: SqlJsOpener | undefined;
/** The datausage module over a backup folder with sql.js as the SQLite engine. */
async function scanSqlJs(dir: string) {
  sqlJs ??= new SqlJsOpener(await initSqlJs());
  const backup = await IosBackup.open(await DirectoryEvidence.open(dir), sqlJs);
  try {
    return await scanCollect(backup, [datausage], null, sqlJs);
  } finally {
    backup.close();
  }
}
