// sms.json as SQLite renders it must be byte for byte what the JavaScript serialiser writes for the whole
// message (the record a detection embeds, read again by ROWID): checked on every message of a generated
// sms.db with the values that differ between the two renderers' rules.

import { describe, expect, it } from "vitest";
import { sms } from "../../../src/core/artifacts/ios/sms.js";
import { wholeRecord } from "../../../src/core/artifacts/module.js";
import { scan } from "../../../src/core/analysis/engine.js";
import { IosBackup } from "../../../src/core/formats/ios-backup.js";
import { recordJson, toJson } from "../../../src/core/report/json.js";
import { DirectoryEvidence } from "../../../src/node/evidence-dir.js";
import { NodeSqliteOpener } from "../../../src/node/sqlite.js";
import { generateSms, macNanos } from "../../../src/node/generate/ios/sms.js";
import { makeBackup } from "../../helpers/backup-comms.js";
import type Database from "better-sqlite3";
import initSqlJs from "sql.js";
import { SqlJsOpener } from "../../../src/core/formats/sqljs.js";
import type { SqliteOpener } from "../../../src/core/formats/sqlite.js";

/** [written JSON, JSON of the whole record] per message, and the scan's warnings. */
async function renderBoth(dir: string, engine: "better-sqlite3" | "sql.js" = "better-sqlite3"): Promise<{ pairs: [string, string][]; warnings: string[] }> {
  const evidence = await DirectoryEvidence.open(dir);
  const node = new NodeSqliteOpener();
  const sqlite: SqliteOpener = engine === "sql.js" ? new SqlJsOpener(await initSqlJs()) : node;
  const backup = await IosBackup.open(evidence, sqlite);
  const pairs: [string, string][] = [];
  try {
    const summary = await scan({
      acquisition: backup,
      modules: [sms],
      matcher: null,
      sqlite,
      sink: { record: (_m, r) => void pairs.push([recordJson(r), toJson(wholeRecord(r), 0)]) },
    });
    return { pairs, warnings: summary.coverage.flatMap((c) => c.warnings) };
  } finally {
    backup.close();
    node.dispose();
  }
}

/** Messages whose values test the renderers' differences: empty, numeric and binary text, bytes in and out of
 *  the binary columns, control characters, non-BMP text, integers beyond 2^53, an untyped column. */
function oddMessages(db: Database.Database): void {
  db.exec("ALTER TABLE message ADD COLUMN extra_untyped");
  db.exec("ALTER TABLE message ADD COLUMN extra_blob BLOB");
  const ins = db.prepare(
    "INSERT INTO message (guid, text, handle_id, service, date, date_read, is_from_me, attributedBody, payload_data, extra_untyped, extra_blob, version) VALUES (?, ?, 1, 'iMessage', ?, ?, ?, ?, ?, ?, ?, ?)",
  );
  const t = macNanos(1_700_000_000);
  const rows: unknown[][] = [
    ["odd-null-text", null, t, 0, 0, null, null, null, null, 0],
    ["odd-empty-text", "", t, null, 1, Buffer.alloc(0), "plain text in a blob column", 7, null, 0],
    ["odd-zero-text", 0, t, t, 0, Buffer.from([1, 2, 3, 4]), Buffer.from("bplist00"), "text", Buffer.from([255]), 0],
    ["odd-number-text", 42, 9_223_372_036_854_775_807n, -1, 1, null, null, Buffer.from([0, 1]), "x", -9_007_199_254_740_993n],
    ["odd-blob-text", Buffer.from("https://blob.example/x"), t, 0, 0, null, null, null, null, 0],
    ["odd-fraction", "third", t, 0, 0, null, null, 0.5, null, 1 / 3],
    ["odd-control", 'quote " backslash \\ tab \t nl \n cr \r nul \u0000 bell \u0007 del \u007f ls \u2028 😀 é https://evil.example/path?q=1', t, 0, 1, null, null, null, null, 0],
  ];
  for (const r of rows) ins.run(...r);
}

/** A backup whose sms.db holds `rows` generated messages, then whatever `change` does to it. */
function smsBackup(rows: number, change: (db: Database.Database) => void): string {
  return makeBackup([
    {
      domain: "HomeDomain",
      relativePath: "Library/SMS/sms.db",
      sqlite: (db, g) => {
        generateSms(db, { ...g, rows });
        change(db);
      },
    },
  ]);
}

describe.each(["better-sqlite3", "sql.js"] as const)("sms: SQLite-rendered record JSON (%s)", (engine) => {
  it("is byte-identical to the whole record's JSON on every message", async () => {
    const dir = smsBackup(300, oddMessages);
    const { pairs, warnings } = await renderBoth(dir, engine);
    expect(pairs.length).toBeGreaterThan(300);
    expect(warnings).toEqual([]);
    for (const [written, whole] of pairs) {
      // A fractional REAL in an INTEGER column keeps SQLite's 17 digits: the same number (documented).
      if (written.includes('"guid":"odd-fraction"')) {
        expect(written).toContain('"version":0.33333333333333332,');
        expect(JSON.parse(written)).toEqual(JSON.parse(whole));
      } else expect(written).toBe(whole);
    }
    const odd = pairs.map(([w]) => w).filter((w) => w.includes('"guid":"odd-'));
    expect(odd).toHaveLength(7);
    expect(odd[2]).toContain('"text":"0.0","replace":0'); // TEXT affinity stored the number as text: truthy, kept
    expect(odd[1]).toContain('"payload_data":"plain text in a blob column"');
    expect(odd[1]).toContain('"extra_untyped":7,'); // bound as a double: a REAL, written as JavaScript does
    expect(odd[2]).toContain('"attributedBody":"AQIDBA==","version":0');
    expect(odd[3]).toContain('"date":9223372036854775807,');
    expect(odd[4]).toContain('"text":"aHR0cHM6Ly9ibG9iLmV4YW1wbGUveA=="');
    expect(odd[6]).toContain('"links":["https://evil.example/path?q=1"]}');
  });

  it("renders the messages after a BLOB in an INTEGER column without SQLite, none lost or repeated", async () => {
    const dir = smsBackup(200, (db) => db.prepare("UPDATE message SET version = ? WHERE ROWID = 50").run(Buffer.from([9, 9])));
    const { pairs, warnings } = await renderBoth(dir, engine);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^sms\.db: messages after ROWID 49 rendered without SQLite JSON \(.*BLOB/);
    const rowids = pairs.map(([w]) => Number(/"ROWID":(\d+)/.exec(w)![1]));
    expect(new Set(rowids).size).toBe(rowids.length);
    expect(rowids.length).toBeGreaterThanOrEqual(190);
    for (const [written, whole] of pairs) expect(written).toBe(whole);
    expect(pairs.find(([w]) => w.includes('"ROWID":50,'))![0]).toContain('"version":"CQk="');
  });
});
