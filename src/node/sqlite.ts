// SQLite for Node through better-sqlite3. The evidence database (and its -wal, if any) is streamed into a
// private temporary folder and opened there, so rows that live only in the WAL are seen (SQLite replays it
// on the copy) and nothing is ever created or changed beside the evidence. The one exception: a database of
// a plain evidence folder in rollback-journal mode with no -wal or -journal beside it is opened where it lies,
// read-only (SQLite then reads it and creates nothing; a copy would only cost its size in writes).

import Database from "better-sqlite3";
import { closeSync, createWriteStream, existsSync, mkdirSync, openSync, readSync, rmSync } from "node:fs";
import { once } from "node:events";
import path from "node:path";
import type { Evidence } from "../core/evidence/evidence.js";
import { makeTempDir, removeTempDir } from "./temp-dirs.js";
import {
  BASE64_SQL_FUNCTION,
  base64SqlValue,
  NUMBER_JSON_SQL_FUNCTION,
  numberJsonSqlValue,
  exactInteger,
  isSqlite,
  SqliteDatabaseBase,
  SqliteError,
  type SqlRow,
  type SqliteDatabase,
  type SqliteOpener,
  type SqlValue,
} from "../core/formats/sqlite.js";
import { errorText } from "../core/util/errors.js";

type RowBuilder = (n: typeof exactInteger, raw: unknown[]) => SqlRow;

/** A row-object constructor compiled for one column list: objects with one shape, built from raw arrays,
 *  are about twice as fast as better-sqlite3's own row objects on wide tables (sms.db has 80+ columns). */
function compileRowBuilder(columns: string[]): RowBuilder {
  // Only bigints need the exact-integer conversion; testing for them inline skips a call per text/null value.
  const fields = columns.map((c, i) => `${JSON.stringify(c)}: typeof (x = r[${i}]) === "bigint" ? n(x) : x`).join(",\n");
  return new Function("n", "r", `let x;\nreturn {\n${fields}\n};`) as RowBuilder;
}

class BetterSqliteDatabase extends SqliteDatabaseBase {
  constructor(
    private db: Database.Database,
    private onClose: () => void,
  ) {
    super();
  }

  private prepare(sql: string): { stmt: Database.Statement; build: RowBuilder } {
    const stmt = this.db.prepare(sql).safeIntegers(true).raw(true);
    return { stmt, build: compileRowBuilder(stmt.columns().map((c) => c.name)) };
  }

  *iterate(sql: string, params: SqlValue[] = []): IterableIterator<SqlRow> {
    const { stmt, build } = this.prepare(sql);
    for (const raw of stmt.iterate(...params)) yield build(exactInteger, raw as unknown[]);
  }

  all(sql: string, params: SqlValue[] = []): SqlRow[] {
    const { stmt, build } = this.prepare(sql);
    return (stmt.all(...params) as unknown[][]).map((raw) => build(exactInteger, raw));
  }

  close(): void {
    if (this.db.open) this.db.close();
    this.onClose();
  }
}

/** One private copy of an evidence database, shared by every connection open on it. */
interface PrivateCopy {
  slot: string;
  dbPath: string;
  refs: number;
}

export class NodeSqliteOpener implements SqliteOpener {
  private dir: string | null = null;
  private seq = 0;
  /** Databases opened so far where they lie, and through a private copy. */
  readonly opened = { inPlace: 0, copied: 0 };
  // A database opened twice (Manifest.db: by the backup to resolve files, then by the manifest module) is
  // copied, and its bytes hashed, once.
  private copies = new WeakMap<Evidence, Map<string, PrivateCopy>>();

  private tempDir(): string {
    this.dir ??= makeTempDir("spyscope-sqlite-");
    return this.dir;
  }

  private async copyOut(evidence: Evidence, rel: string, dest: string): Promise<number> {
    const out = createWriteStream(dest);
    let size = 0;
    try {
      for await (const chunk of evidence.stream(rel)) {
        size += chunk.length;
        if (!out.write(chunk)) await once(out, "drain");
      }
    } finally {
      out.end();
      await once(out, "close");
    }
    return size;
  }

  /** The private copy of `rel` (database and -wal), made on first use and shared while open. */
  private async privateCopy(evidence: Evidence, rel: string): Promise<PrivateCopy> {
    let byPath = this.copies.get(evidence);
    if (!byPath) this.copies.set(evidence, (byPath = new Map()));
    const open = byPath.get(rel);
    if (open) {
      open.refs++;
      return open;
    }
    const slot = path.join(this.tempDir(), String(++this.seq));
    mkdirSync(slot);
    const dbPath = path.join(slot, "db.sqlite");
    const copy: PrivateCopy = { slot, dbPath, refs: 1 };
    try {
      await this.copyOut(evidence, rel, dbPath);
      const head = Buffer.alloc(16);
      const fd = openSync(dbPath, "r");
      readSync(fd, head, 0, 16, 0);
      closeSync(fd);
      if (!isSqlite(head)) throw new SqliteError(rel, "not a SQLite database (bad header)");
      const wal = await evidence.stat(`${rel}-wal`);
      if (wal && !wal.isDirectory && wal.size > 0) await this.copyOut(evidence, `${rel}-wal`, `${dbPath}-wal`);
    } catch (e) {
      rmSync(slot, { recursive: true, force: true });
      throw e;
    }
    byPath.set(rel, copy);
    return copy;
  }

  private release(evidence: Evidence, rel: string, copy: PrivateCopy): void {
    if (--copy.refs > 0) return;
    const byPath = this.copies.get(evidence);
    if (byPath?.get(rel) === copy) byPath.delete(rel);
    rmSync(copy.slot, { recursive: true, force: true });
  }

  /** The evidence file itself when SQLite can read it in place without creating or changing anything: a file
   *  of a plain folder, in rollback-journal mode (header bytes 18-19 both 1; WAL mode needs a -shm), with no
   *  -wal in the evidence and no -wal or -journal beside it (a hot journal would need a rollback). Its bytes are
   *  hashed through the evidence first, as a copy's would be. Null: make a private copy. */
  private async inPlace(evidence: Evidence, rel: string): Promise<string | null> {
    if (!evidence.localPath) return null;
    const abs = await evidence.localPath(rel);
    const head = Buffer.alloc(100);
    const fd = openSync(abs, "r");
    try {
      if (readSync(fd, head, 0, head.length, 0) < head.length) return null;
    } finally {
      closeSync(fd);
    }
    if (!isSqlite(head) || head[18] !== 1 || head[19] !== 1) return null;
    const wal = await evidence.stat(`${rel}-wal`);
    if ((wal && wal.size > 0) || existsSync(`${abs}-wal`) || existsSync(`${abs}-journal`)) return null;
    if (!evidence.hashes().has(rel)) {
      for await (const _ of evidence.stream(rel)) {
        /* the evidence hashes every chunk */
      }
    }
    return abs;
  }

  async open(evidence: Evidence, rel: string): Promise<SqliteDatabase> {
    const st = await evidence.stat(rel);
    if (!st || st.isDirectory) throw new SqliteError(rel, "database file is missing from the evidence");
    if (st.size === 0) throw new SqliteError(rel, "database file is empty (0 bytes)");
    if (process.env.SPYSCOPE_SQLITE_COPY !== "1") {
      const abs = await this.inPlace(evidence, rel).catch(() => null);
      if (abs) {
        try {
          const db = this.openAt(abs, rel, { readonly: true }, () => {});
          this.opened.inPlace++;
          return db;
        } catch {
          // E.g. a file system without the locks SQLite takes: read it through a private copy instead (a
          // corrupt database fails there again, with its reason).
        }
      }
    }
    const copy = await this.privateCopy(evidence, rel);
    this.opened.copied++;
    return this.openAt(copy.dbPath, rel, {}, () => this.release(evidence, rel, copy));
  }

  private openAt(file: string, rel: string, mode: { readonly?: boolean }, release: () => void): SqliteDatabase {
    let db: Database.Database | undefined;
    try {
      db = new Database(file, { fileMustExist: true, ...mode });
      db.pragma("query_only = ON");
      db.function(BASE64_SQL_FUNCTION, { deterministic: true, safeIntegers: true }, base64SqlValue as (v: unknown) => unknown);
      db.function(NUMBER_JSON_SQL_FUNCTION, { deterministic: true, safeIntegers: true }, numberJsonSqlValue as (v: unknown) => unknown);
      // Force the header and schema to be read now so a corrupt file fails here, with its name.
      db.prepare("SELECT count(*) FROM sqlite_master").get();
    } catch (e) {
      if (db?.open) db.close();
      release();
      throw new SqliteError(rel, `cannot open SQLite database: ${errorText(e)}`);
    }
    let closed = false;
    const opened = db;
    return new BetterSqliteDatabase(opened, () => {
      if (closed) return;
      closed = true;
      release();
    });
  }

  /** Remove every temporary copy. */
  dispose(): void {
    if (this.dir) removeTempDir(this.dir);
    this.dir = null;
    this.copies = new WeakMap();
  }
}
