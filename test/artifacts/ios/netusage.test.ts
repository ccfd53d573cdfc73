// netusage on a filesystem-dump folder: datausage's streamed records, plus the binary search for processes
// without a bundle id (one walk of the dump, first path found per name).

import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { netusage } from "../../../src/core/artifacts/ios/fs/netusage.js";
import { IosFilesystem } from "../../../src/core/formats/ios-fs.js";
import { FsDumpDirectory } from "../../../src/node/fs-dump-dir.js";
import { NodeSqliteOpener } from "../../../src/node/sqlite.js";
import { scanCollect } from "../../helpers/scan.js";
import { timelineRows } from "../../helpers/backup-comms.js";
import { hashTree } from "../../helpers/hash.js";

const SCHEMA = `CREATE TABLE ZPROCESS (Z_PK INTEGER PRIMARY KEY, ZFIRSTTIMESTAMP TIMESTAMP, ZTIMESTAMP TIMESTAMP, ZBUNDLENAME VARCHAR, ZPROCNAME VARCHAR);
  CREATE TABLE ZLIVEUSAGE (Z_PK INTEGER PRIMARY KEY, ZHASPROCESS INTEGER, ZTIMESTAMP TIMESTAMP, ZWIFIIN FLOAT, ZWIFIOUT FLOAT, ZWWANIN FLOAT, ZWWANOUT FLOAT);`;

function dump(sql: string, files: string[]): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "spyscope-netusage-"));
  mkdirSync(path.join(dir, "private/var/mobile"), { recursive: true });
  mkdirSync(path.join(dir, "private/var/networkd/db"), { recursive: true });
  const db = new Database(path.join(dir, "private/var/networkd/db/netusage.sqlite"));
  db.exec(`${SCHEMA}\n${sql}`);
  db.close();
  for (const f of files) {
    mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    writeFileSync(path.join(dir, f), "\x7fELF");
  }
  return dir;
}

async function scanDump(dir: string) {
  const sqlite = new NodeSqliteOpener();
  try {
    return await scanCollect(await IosFilesystem.open(await FsDumpDirectory.open(dir)), [netusage], null, sqlite);
  } finally {
    sqlite.dispose();
  }
}

describe("netusage (networkd netusage.sqlite)", () => {
  it("flags each bundle-less process whose binary is not in the dump once, and only those", async () => {
    const dir = dump(
      `INSERT INTO ZPROCESS VALUES (1, 600000000, 600000100, NULL, 'hasbinary');
      INSERT INTO ZPROCESS VALUES (2, 600000010, 600000100, NULL, 'nobinary');
      INSERT INTO ZPROCESS VALUES (3, 600000020, 600000100, 'com.app', 'app/com.app');
      INSERT INTO ZPROCESS VALUES (5, 600000030, 600000100, NULL, 'sixteencharsname');
      INSERT INTO ZLIVEUSAGE VALUES (1, 2, 600000050, 1.0, 1.0, 1.0, 1.0);
      INSERT INTO ZLIVEUSAGE VALUES (2, 2, 600000060, 1.0, 1.0, 2.0, 2.0);
      INSERT INTO ZLIVEUSAGE VALUES (3, 8, 600000070, 1.0, 1.0, 3.0, 3.0);`,
      ["usr/libexec/hasbinary", "private/var/tmp/nobinary.txt"],
    );
    const before = hashTree(dir);
    const r = await scanDump(dir);
    const recs = r.records.get("netusage")!;
    expect(recs.map((x) => x.proc_name)).toEqual([
      "hasbinary", "nobinary", "nobinary", "app/com.app", "MISSING [follows app/com.app]", "sixteencharsname",
      "MANIPULATED [process record deleted]",
    ]);
    const missing = r.detections.filter((d) => d.heuristic === "netusage.binary_not_found");
    expect(missing.map((d) => [d.level, (d.record as any).proc_name, (d.record as any).live_id])).toEqual([
      ["medium", "nobinary", 1],
      ["medium", "sixteencharsname", null],
    ]);
    expect(missing[0].message).toMatch(/^Could not find the binary associated with the process with name nobinary: /);
    expect(missing[1].message).toMatch(/sixteencharsname \(however, the process name might have been truncated in the database\)/);
    expect(r.detections.filter((d) => d.heuristic === "datausage.missing_process").map((d) => d.message)).toEqual([
      'Missing process 4. Previous process at "2020-01-06 10:40:20.000000" (app/com.app) — a process id skipped in the usage database can mean a record was deleted: look at what ran around that time and at any deleted-process alerts.',
    ]);
    expect(r.detections.filter((d) => d.level === "high")).toHaveLength(1);
    expect(timelineRows(r.timeline, "Netusage")).toContain(
      "2020-01-06 10:40:50.000000|Netusage|live_usage|nobinary (Bundle ID: None, ID: 2) WWAN IN: 1.0, WWAN OUT: 1.0",
    );
    expect(hashTree(dir)).toEqual(before);
  });

  it("a table without the Core Data tables is a coverage gap", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "spyscope-netusage-"));
    mkdirSync(path.join(dir, "private/var/mobile"), { recursive: true });
    mkdirSync(path.join(dir, "private/var/networkd"), { recursive: true });
    const db = new Database(path.join(dir, "private/var/networkd/netusage.sqlite"));
    db.exec("CREATE TABLE ZPROCESS (Z_PK INTEGER PRIMARY KEY)");
    db.close();
    const cov = (await scanDump(dir)).coverage.get("netusage")!;
    expect(cov.status).toBe("failed");
    expect(cov.reason).toMatch(/netusage\.sqlite has no ZPROCESS\/ZLIVEUSAGE tables/);
  });
});
