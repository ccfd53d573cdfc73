// The browser path for SQLite: sql.js over the evidence bytes with the WAL applied in memory gives the same
// rows as better-sqlite3, including rows that live only in the -wal file.

import Database from "better-sqlite3";
import initSqlJs from "sql.js";
import { copyFileSync, mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { SqlJsOpener } from "../../src/core/formats/sqljs.js";
import { applyWal } from "../../src/core/formats/wal.js";
import { DirectoryEvidence } from "../../src/node/evidence-dir.js";
import { NodeSqliteOpener } from "../../src/node/sqlite.js";
import { IOS_BACKUP } from "../helpers/scan.js";
import { hashTree } from "../helpers/hash.js";

const SMS = "3d/3d0d7e5fb2ce288813306e4d4636395e047a3d28";
const QUERY = `SELECT message.*, handle.id AS "phone_number" FROM message, handle WHERE handle.rowid = message.handle_id ORDER BY message.ROWID`;

let opener: SqlJsOpener;
beforeAll(async () => {
  opener = new SqlJsOpener(await initSqlJs());
});

/** A copy of sms.db in WAL mode with one committed row only in the WAL and one uncommitted-looking tail. */
function walDatabase(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "spyscope-sqljs-"));
  const work = mkdtempSync(path.join(os.tmpdir(), "spyscope-sqljs-w-"));
  copyFileSync(path.join(IOS_BACKUP, SMS), path.join(work, "sms.db"));
  const live = new Database(path.join(work, "sms.db"));
  live.pragma("journal_mode = WAL");
  live.pragma("wal_autocheckpoint = 0");
  const ins = live.prepare("INSERT INTO message (guid, text, handle_id, date, is_from_me) VALUES (?, ?, 1, ?, 0)");
  ins.run("WAL-1", "first WAL row https://wal-one.example.com/", 600000000);
  ins.run("WAL-2", "second WAL row", 600000001);
  copyFileSync(path.join(work, "sms.db"), path.join(dir, "sms.db"));
  copyFileSync(path.join(work, "sms.db-wal"), path.join(dir, "sms.db-wal"));
  live.close();
  return dir;
}

describe("sql.js with the WAL applied in memory", () => {
  it("reads the fixture's sms.db like better-sqlite3, exact 64-bit dates included", async () => {
    const ev = await DirectoryEvidence.open(IOS_BACKUP);
    const a = await opener.open(ev, SMS);
    const node = new NodeSqliteOpener();
    const b = await node.open(ev, SMS);
    const rowsA = [...a.iterate(QUERY)];
    expect(rowsA).toEqual([...b.iterate(QUERY)]);
    expect(rowsA[0].date).toBe(588813210539788032n);
    expect(a.columns("message")).toEqual(b.columns("message"));
    a.close();
    b.close();
    node.dispose();
  });

  it("sees committed rows that live only in the -wal file and changes nothing on disk", async () => {
    const dir = walDatabase();
    const before = hashTree(dir);
    const ev = await DirectoryEvidence.open(dir);
    const db = await opener.open(ev, "sms.db");
    const guids = [...db.iterate("SELECT guid FROM message ORDER BY ROWID")].map((r) => r.guid);
    expect(guids).toEqual(["FDC6EC94-9D5A-434D-90FA-BF170E10A311", "WAL-1", "WAL-2"]);
    db.close();
    expect(hashTree(dir)).toEqual(before);
  });

  it("applies only frames up to the last valid commit", () => {
    const dir = walDatabase();
    const db = readFileSync(path.join(dir, "sms.db"));
    const wal = readFileSync(path.join(dir, "sms.db-wal"));
    const full = applyWal(db, wal);
    expect(full.framesApplied).toBeGreaterThanOrEqual(2);
    // Corrupt the last frame's page bytes: its checksum fails, so the last transaction is dropped.
    const broken = Uint8Array.from(wal);
    broken[broken.length - 10] ^= 0xff;
    const partial = applyWal(db, broken);
    expect(partial.framesApplied).toBeLessThan(full.framesApplied);
    // An empty WAL leaves the image untouched.
    expect(applyWal(db, new Uint8Array()).bytes).toBe(db);
  });
});
