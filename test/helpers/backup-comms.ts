// Test helper: a temporary iOS backup folder (real Manifest.db schema, files at <id[0:2]>/<id>) built from
// generator files or hand-written SQL / bytes.

import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { Rng, type GenContext, type GeneratedFile, type PlantSet } from "../../src/node/generate/ios/types.js";

export interface TestFile {
  domain: string;
  relativePath: string;
  /** SQL script, a function filling the database, or raw bytes. */
  sql?: string;
  sqlite?: (db: Database.Database, g: GenContext) => void;
  bytes?: Uint8Array | ((g: GenContext) => Uint8Array);
}

/** The backup's file name for (domain, relativePath): one definition, the generator's. */
export { fileId } from "../../src/node/generate/ios-backup.js";
import { fileId } from "../../src/node/generate/ios-backup.js";

export function genContext(rows = 200, plant: PlantSet | null = null, seed = 7): GenContext {
  return { rng: new Rng(seed), rows, plant, now: 1_700_000_000 };
}

/** Writes a backup folder with `files` (generator files or test files) and returns its path. */
export function makeBackup(files: (TestFile | GeneratedFile)[], g: GenContext = genContext()): string {
  const dir = mkdtempSync(path.join(tmpdir(), "spyscope-comms-"));
  const manifest = new Database(path.join(dir, "Manifest.db"));
  manifest.exec("CREATE TABLE Files (fileID TEXT PRIMARY KEY, domain TEXT, relativePath TEXT, flags INTEGER, file BLOB)");
  manifest.exec("CREATE TABLE Properties (key TEXT PRIMARY KEY, value BLOB)");
  const ins = manifest.prepare("INSERT INTO Files VALUES (?, ?, ?, 1, NULL)");
  for (const f of files) {
    const id = fileId(f.domain, f.relativePath);
    mkdirSync(path.join(dir, id.slice(0, 2)), { recursive: true });
    const target = path.join(dir, id.slice(0, 2), id);
    const t = f as TestFile;
    if (t.sql !== undefined || f.sqlite) {
      const db = new Database(target);
      if (t.sql !== undefined) db.exec(t.sql);
      if (f.sqlite) f.sqlite(db, g);
      db.close();
    } else if (f.bytes) {
      writeFileSync(target, typeof f.bytes === "function" ? f.bytes(g) : f.bytes);
    }
    ins.run(id, f.domain, f.relativePath);
  }
  manifest.close();
  return dir;
}

/** Rows of MVT's timeline.csv for one Plugin, as "timestamp|module|event|data" strings (sorted). */
export async function expectedTimelineRows(plugin: string): Promise<string[]> {
  const { readFileSync } = await import("node:fs");
  const { EXPECTED_IOS } = await import("./scan.js");
  const text = readFileSync(`${EXPECTED_IOS}/timeline.csv`, "utf8");
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  if (field || row.length) rows.push([...row, field]);
  return rows.filter((r) => r[1] === plugin).map((r) => r.slice(0, 4).join("|")).sort();
}

export function timelineRows(events: { timestamp: string; module: string; event: string; data: string }[], plugin: string): string[] {
  return events.filter((e) => e.module === plugin).map((e) => [e.timestamp, e.module, e.event, e.data].join("|")).sort();
}
