// Read-only SQLite access as the core sees it. Node uses better-sqlite3 on a private copy
// (so -wal rows are seen and nothing is created beside the evidence); the browser uses sql.js
// with the WAL applied in memory (see wal.ts).

import type { Evidence } from "../evidence/evidence.js";
import { bytesToBase64 } from "../report/json.js";

export type SqlValue = number | bigint | string | Uint8Array | null;
export type SqlRow = Record<string, SqlValue>;

export interface SqliteDatabase {
  /** Rows one by one; integers beyond 2^53 come back as bigint. */
  iterate(sql: string, params?: SqlValue[]): IterableIterator<SqlRow>;
  all(sql: string, params?: SqlValue[]): SqlRow[];
  /** Lower-cased table names. */
  tables(): Set<string>;
  /** Column names of a table ([] if the table does not exist). */
  columns(table: string): string[];
  close(): void;
}

export interface SqliteOpener {
  /** Open `path` of `evidence` read-only; the evidence's bytes and its folder are never changed. */
  open(evidence: Evidence, path: string): Promise<SqliteDatabase>;
}

export class SqliteError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
    this.name = "SqliteError";
  }
}

/** A SQL function every engine defines on the databases it opens: the base64 text of a BLOB (how records
 *  render bytes), any other value unchanged. Lets a module have SQLite render whole rows as JSON. */
export const BASE64_SQL_FUNCTION = "spyscope_base64";

export function base64SqlValue(v: SqlValue): SqlValue {
  return v instanceof Uint8Array ? bytesToBase64(v) : v;
}

/** A SQL function every engine defines: a number as JSON text the way JavaScript writes it (shortest
 *  round-trip digits, null for infinities), for json() where SQLite's own rendering of REAL values differs. */
export const NUMBER_JSON_SQL_FUNCTION = "spyscope_number_json";

export function numberJsonSqlValue(v: SqlValue): SqlValue {
  if (typeof v === "bigint") return v.toString();
  return typeof v === "number" ? (Number.isFinite(v) ? String(v) : "null") : v;
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);

/** bigint → number where it is exact; both engines hand back bigints for every integer in exact mode. */
export function exactInteger(v: unknown): unknown {
  return typeof v === "bigint" && v <= MAX_SAFE && v >= MIN_SAFE ? Number(v) : v;
}

/** Schema look-ups every engine answers the same way, over its own `all`. */
export abstract class SqliteDatabaseBase implements SqliteDatabase {
  private tableSet: Set<string> | null = null;
  abstract iterate(sql: string, params?: SqlValue[]): IterableIterator<SqlRow>;
  abstract all(sql: string, params?: SqlValue[]): SqlRow[];
  abstract close(): void;

  tables(): Set<string> {
    this.tableSet ??= new Set(
      this.all("SELECT name FROM sqlite_master WHERE type IN ('table','view')").map((r) => String(r.name).toLowerCase()),
    );
    return this.tableSet;
  }

  columns(table: string): string[] {
    if (!this.tables().has(table.toLowerCase())) return [];
    return this.all(`PRAGMA table_info("${table.replace(/"/g, '""')}")`).map((r) => String(r.name));
  }
}

/** True when `bytes` start with the SQLite header. */
export function isSqlite(bytes: Uint8Array): boolean {
  const magic = "SQLite format 3\0";
  if (bytes.length < 16) return false;
  for (let i = 0; i < 16; i++) if (bytes[i] !== magic.charCodeAt(i)) return false;
  return true;
}
