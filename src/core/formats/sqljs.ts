// SQLite in the browser (and anywhere without native modules) through sql.js. The database is read whole
// into memory — sql.js has no file access — with its -wal applied first (sql.js ignores WAL files).
// The sql.js module is passed in, so the caller decides how its WebAssembly is loaded.

import type { Database as SqlJsDb, SqlJsStatic } from "sql.js";
import type { Evidence } from "../evidence/evidence.js";
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
} from "./sqlite.js";
import { applyWal } from "./wal.js";
import { errorText } from "../util/errors.js";

class SqlJsDatabase extends SqliteDatabaseBase {
  constructor(private db: SqlJsDb) {
    super();
  }

  *iterate(sql: string, params: SqlValue[] = []): IterableIterator<SqlRow> {
    const stmt = this.db.prepare(sql);
    try {
      if (params.length) stmt.bind(params as never);
      const names = stmt.getColumnNames();
      while (stmt.step()) {
        // sql.js ≥ 1.9 returns exact 64-bit integers with useBigInt (missing from its type declarations).
        const values = (stmt as unknown as { get(p: null, o: { useBigInt: boolean }): unknown[] }).get(null, { useBigInt: true });
        const row: SqlRow = {};
        for (let i = 0; i < names.length; i++) {
          row[names[i]] = exactInteger(values[i]) as SqlValue;
        }
        yield row;
      }
    } finally {
      stmt.free();
    }
  }

  all(sql: string, params: SqlValue[] = []): SqlRow[] {
    return [...this.iterate(sql, params)];
  }

  close(): void {
    this.db.close();
  }
}

export class SqlJsOpener implements SqliteOpener {
  constructor(private SQL: SqlJsStatic) {}

  async open(evidence: Evidence, path: string): Promise<SqliteDatabase> {
    const st = await evidence.stat(path);
    if (!st || st.isDirectory) throw new SqliteError(path, "database file is missing from the evidence");
    let bytes = await evidence.read(path);
    if (!isSqlite(bytes)) throw new SqliteError(path, "not a SQLite database (bad header)");
    const wal = await evidence.stat(`${path}-wal`);
    if (wal && !wal.isDirectory && wal.size > 0) {
      try {
        bytes = applyWal(bytes, await evidence.read(`${path}-wal`)).bytes;
      } catch (e) {
        throw new SqliteError(`${path}-wal`, errorText(e));
      }
    } else if (bytes[18] === 2 || bytes[19] === 2) {
      bytes = bytes.slice();
      bytes[18] = 1;
      bytes[19] = 1;
    }
    try {
      const db = new this.SQL.Database(bytes);
      db.exec("SELECT count(*) FROM sqlite_master");
      db.create_function(BASE64_SQL_FUNCTION, base64SqlValue);
      db.create_function(NUMBER_JSON_SQL_FUNCTION, numberJsonSqlValue);
      return new SqlJsDatabase(db);
    } catch (e) {
      throw new SqliteError(path, `cannot open SQLite database: ${errorText(e)}`);
    }
  }
}
