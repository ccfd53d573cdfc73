// Network data usage per process (WirelessDomain Library/Databases/DataUsage.sqlite): every process row with
// its live-usage rows. Spyware processes show up here even after their binary is gone, and tampering shows as
// live usage whose process row was deleted, or as gaps in the process ids.
//
// Records stream in MVT's order (sorted by first use) straight from one SQL query, so memory stays bounded
// however large the table: SQLite sorts (spilling to disk when it must), the MISSING placeholders come from a
// window over ZPROCESS inside the same query, and de-duplication of timeline events only ever looks at rows
// that share a sort key.

import { artifact, type ModuleContext } from "../module.js";
import { exactInteger, type SqliteDatabase, type SqlRow, type SqlValue } from "../../formats/sqlite.js";
import type { Emit, Observable, RecordData, TimelineEvent } from "../../types.js";
import { isoFromMac } from "../../util/time.js";
import { pyStr } from "../../util/py.js";

export interface DataUsageRecord extends RecordData {
  first_isodate: unknown;
  isodate: unknown;
  proc_name: unknown;
  bundle_id: unknown;
  proc_id: unknown;
  wifi_in: unknown;
  wifi_out: unknown;
  wwan_in: unknown;
  wwan_out: unknown;
  live_id: unknown;
  live_proc_id: unknown;
  live_isodate: unknown;
}

/** Bit set of the byte counters that are REAL in SQLite (Python prints them with ".0"). Symbol-keyed
 *  properties stay off the JSON. */
const REALS = Symbol("reals");
/** The record's timeline events less those an earlier record already produced (MVT de-duplicates). */
const EVENTS = Symbol("events");
/** On a MISSING placeholder: the record of the process before the gap (what MVT's LOW alert carries). */
const PREVIOUS = Symbol("previous");

/** Placeholders per database: a hostile Z_PK of 2^62 must not make billions of them. */
export const MAX_PLACEHOLDERS = 100_000;
/** Distinct timeline events remembered within one sort-key group (see dedupe). */
const MAX_SEEN_EVENTS = 100_000;

const COUNTERS = [
  ["wifi_in", "T_ZWIFIIN"],
  ["wifi_out", "T_ZWIFIOUT"],
  ["wwan_in", "T_ZWWANIN"],
  ["wwan_out", "T_ZWWANOUT"],
] as const;
const REAL_BIT: Record<string, number> = { wifi_in: 1, wifi_out: 2, wwan_in: 4, wwan_out: 8 };

type Internal = DataUsageRecord & { [REALS]?: number; [EVENTS]?: TimelineEvent[]; [PREVIOUS]?: DataUsageRecord };

const py = pyStr;

// --- SQL pieces ---------------------------------------------------------------------------------------------

/** Python truthiness of a value (None, 0, 0.0 and "" are false; any blob is true). */
const truthySql = (x: string) =>
  `(CASE typeof(${x}) WHEN 'null' THEN 0 WHEN 'integer' THEN ${x} <> 0 WHEN 'real' THEN ${x} <> 0 WHEN 'text' THEN ${x} <> '' ELSE 1 END)`;
/** The seconds isoFromMac converts (an 18-digit integer keeps its first 9 digits), NULL for a non-number. */
const macSecsSql = (x: string) =>
  `(CASE typeof(${x}) WHEN 'real' THEN ${x} WHEN 'integer' THEN ` +
  `(CASE WHEN length(${x}) = 18 THEN CAST(substr(${x}, 1, 9) AS INTEGER) ELSE ${x} END) END)`;
/** isoFromMac gives a date (year 1…9999, not 0) for this value. */
const validMacSql = (x: string) => {
  const s = macSecsSql(x);
  return `(${s} BETWEEN -63113904000 AND 252423993599.99997 AND ${s} <> 0)`;
};

/**
 * The sort key MVT sorts by, str(first_isodate), as two columns: K_TS (1 when first_isodate is a date) and K
 * (the mac timestamp behind that date, whose numeric order is the order of the ISO strings). first_isodate is
 * the process's first use when both of its times are set, and the live-usage time for a row whose process was
 * deleted (pk falsy). Rows whose first_isodate is no date (missing, zero or out-of-range times) are malformed:
 * they come first, in SQLite's order of the raw value (NULL where the date conversion failed). MVT's Python
 * sort would raise on such a mix of None/numbers and strings, so there is no parity to keep there.
 */
function sortKeySql(pk: string, first: string, ts: string, live: string): string {
  const deletedLive = live === "NULL" ? "0" : `NOT ${truthySql(pk)} AND ${truthySql(live)}`;
  // A valid date is a non-zero number, so validMacSql(first) implies that `first` is truthy.
  const kts = `CASE WHEN ${deletedLive} THEN ${validMacSql(live)} WHEN ${truthySql(ts)} THEN ${validMacSql(first)} ELSE 0 END`;
  const k =
    `CASE WHEN ${deletedLive} THEN (CASE WHEN ${validMacSql(live)} THEN ${macSecsSql(live)} END) ` +
    `WHEN ${truthySql(first)} AND ${truthySql(ts)} THEN (CASE WHEN ${validMacSql(first)} THEN ${macSecsSql(first)} END) ` +
    `ELSE ${first} END`;
  return `${kts} AS K_TS, ${k} AS K`;
}

/**
 * One query gives every record in MVT's order: MVT's UNION of live-usage rows (joined to their process) and
 * process rows without live usage, plus one "gap" row per hole in the process ids (the previous process's
 * record and the next id present), all sorted by the sort key. At an equal key, real rows come before gap
 * rows (MVT appends placeholders and then sorts stably), real rows keep the UNION's own order (by all its
 * columns, the order MVT's sort preserves), and gap rows go by id. Only integer ids count for gaps (Core
 * Data's Z_PK is an INTEGER PRIMARY KEY; a table declaring it otherwise is not Core Data's).
 */
function query(db: SqliteDatabase): IterableIterator<SqlRow> {
  const live = new Set(db.columns("ZLIVEUSAGE"));
  const wifi = live.has("ZWIFIIN") && live.has("ZWIFIOUT");
  const counters = wifi ? ["ZWIFIIN", "ZWIFIOUT", "ZWWANIN", "ZWWANOUT"] : ["ZWWANIN", "ZWWANOUT"];
  const liveCols = counters.map((c) => `ZLIVEUSAGE.${c} AS ${c}`).join(", ");
  // Value types last, so the UNION orders (and de-duplicates) rows exactly as MVT's query does.
  const types = counters.map((c) => `typeof(ZLIVEUSAGE.${c}) AS T_${c}`).join(", ");
  const nulls = counters.map(() => "NULL").join(", ");
  const unionCols = ["ZFIRSTTIMESTAMP", "ZTIMESTAMP", "ZPROCNAME", "ZBUNDLENAME", "ZPROCESS_PK", ...counters,
    "ZLIVEUSAGE_PK", "ZHASPROCESS", "ZL_TIMESTAMP", ...counters.map((c) => `T_${c}`)];
  const lastCols = counters.map((c) => `L.${c}`).join(", ");
  const lastTypes = counters.map((c) => `typeof(L.${c})`).join(", ");
  // MVT's alert for a missing id carries the previous process's last record in UNION order: its greatest
  // live-usage row by the UNION's columns (the process columns are the same on all of them), or the bare
  // process row when it has no live usage.
  const lastOrder = [...counters.map((c) => `${c} DESC`), "Z_PK DESC"].join(", ");
  return db.iterate(`
    WITH PROCS AS (
      SELECT Z_PK AS ID, LEAD(Z_PK) OVER (ORDER BY Z_PK) AS NEXT_ID, ZFIRSTTIMESTAMP, ZTIMESTAMP, ZPROCNAME, ZBUNDLENAME
      FROM ZPROCESS WHERE typeof(Z_PK) = 'integer' AND Z_PK <> 0),
    GAPS AS (SELECT * FROM PROCS WHERE NEXT_ID - ID > 1),
    LAST_LIVE AS (
      SELECT * FROM (
        SELECT ${counters.join(", ")}, Z_PK, ZHASPROCESS, ZTIMESTAMP,
          ROW_NUMBER() OVER (PARTITION BY ZHASPROCESS ORDER BY ${lastOrder}) AS RN
        FROM ZLIVEUSAGE WHERE ZHASPROCESS IN (SELECT ID FROM GAPS))
      WHERE RN = 1)
    SELECT ZPROCESS.ZFIRSTTIMESTAMP AS ZFIRSTTIMESTAMP, ZPROCESS.ZTIMESTAMP AS ZTIMESTAMP,
      ZPROCESS.ZPROCNAME AS ZPROCNAME, ZPROCESS.ZBUNDLENAME AS ZBUNDLENAME, ZPROCESS.Z_PK AS ZPROCESS_PK,
      ${liveCols},
      ZLIVEUSAGE.Z_PK AS ZLIVEUSAGE_PK, ZLIVEUSAGE.ZHASPROCESS AS ZHASPROCESS, ZLIVEUSAGE.ZTIMESTAMP AS ZL_TIMESTAMP,
      ${types},
      ${sortKeySql("ZPROCESS.Z_PK", "ZPROCESS.ZFIRSTTIMESTAMP", "ZPROCESS.ZTIMESTAMP", "ZLIVEUSAGE.ZTIMESTAMP")},
      0 AS IS_GAP, NULL AS GAP_ID, NULL AS NEXT_ID
    FROM ZLIVEUSAGE LEFT JOIN ZPROCESS ON ZLIVEUSAGE.ZHASPROCESS = ZPROCESS.Z_PK
    UNION
    SELECT ZFIRSTTIMESTAMP, ZTIMESTAMP, ZPROCNAME, ZBUNDLENAME, Z_PK, ${nulls}, NULL, NULL, NULL, ${nulls},
      ${sortKeySql("Z_PK", "ZFIRSTTIMESTAMP", "ZTIMESTAMP", "NULL")},
      0, NULL, NULL
    FROM ZPROCESS WHERE Z_PK NOT IN (SELECT ZHASPROCESS FROM ZLIVEUSAGE WHERE ZHASPROCESS IS NOT NULL)
    UNION ALL
    SELECT G.ZFIRSTTIMESTAMP, G.ZTIMESTAMP, G.ZPROCNAME, G.ZBUNDLENAME, G.ID, ${lastCols},
      L.Z_PK, L.ZHASPROCESS, L.ZTIMESTAMP, ${lastTypes},
      ${sortKeySql("G.ID", "G.ZFIRSTTIMESTAMP", "G.ZTIMESTAMP", "NULL")},
      1, G.ID, G.NEXT_ID
    FROM GAPS AS G LEFT JOIN LAST_LIVE AS L ON L.ZHASPROCESS = G.ID
    ORDER BY K_TS, K, IS_GAP, GAP_ID, ${unionCols.join(", ")}`);
}

/** Names of processes without a bundle id (the rows netusage looks for a binary of); `limit` at most. */
export function bundlelessProcessNames(db: SqliteDatabase, limit: number): { names: Set<string>; more: boolean } {
  const names = new Set<string>();
  let more = false;
  const rows = db.iterate(`SELECT DISTINCT ZPROCNAME AS N FROM ZPROCESS
    WHERE ${truthySql("Z_PK")} AND NOT ${truthySql("ZBUNDLENAME")} AND ${truthySql("ZPROCNAME")}`);
  for (const { N } of rows) {
    const name = str(N);
    if (isPlaceholderName(name)) continue;
    if (names.size >= limit) {
      more = true;
      break;
    }
    names.add(name);
  }
  return { names, more };
}

/** DataUsage.sqlite has the Core Data tables this module reads. */
export function hasDataUsageTables(db: SqliteDatabase): boolean {
  const tables = db.tables();
  return tables.has("zprocess") && tables.has("zliveusage");
}

// --- records ------------------------------------------------------------------------------------------------

const truthy = (v: unknown) => v !== null && v !== undefined && v !== 0 && v !== "" && v !== 0n;
const str = (v: unknown) => (typeof v === "string" ? v : v === null || v === undefined ? "" : String(v));
export const isPlaceholderName = (name: string) => name.startsWith("MISSING [") || name.startsWith("MANIPULATED [");

/** isoFromMac remembering its last answer: consecutive rows mostly belong to one process. */
function lastIsoFromMac(): (v: SqlValue) => string | null {
  let last: SqlValue = null;
  let iso: string | null = null;
  return (v) => (v === last ? iso : ((last = v), (iso = isoFromMac(v as number))));
}

type Iso = (v: SqlValue) => string | null;

function toRecord(row: SqlRow, firstIso: Iso = isoFromMac as Iso, iso: Iso = isoFromMac as Iso): Internal {
  const bothTimes = truthy(row.ZFIRSTTIMESTAMP) && truthy(row.ZTIMESTAMP);
  const first = bothTimes ? firstIso(row.ZFIRSTTIMESTAMP) : row.ZFIRSTTIMESTAMP;
  const r: Internal = {
    first_isodate: first,
    isodate: bothTimes ? iso(row.ZTIMESTAMP) : row.ZTIMESTAMP,
    proc_name: row.ZPROCNAME,
    bundle_id: row.ZBUNDLENAME,
    proc_id: row.ZPROCESS_PK,
    wifi_in: row.ZWIFIIN ?? null,
    wifi_out: row.ZWIFIOUT ?? null,
    wwan_in: row.ZWWANIN,
    wwan_out: row.ZWWANOUT,
    live_id: row.ZLIVEUSAGE_PK,
    live_proc_id: row.ZHASPROCESS,
    live_isodate: truthy(row.ZL_TIMESTAMP) ? isoFromMac(row.ZL_TIMESTAMP as number) : first,
  };
  let reals = 0;
  for (const [k, t] of COUNTERS) if (row[t] === "real") reals |= REAL_BIT[k];
  if (reals) r[REALS] = reals;
  // Live usage whose process row was deleted: shown with the live-usage time, as MVT does.
  if (!truthy(r.proc_id)) {
    r.first_isodate = r.isodate = r.live_isodate;
    r.proc_name = "MANIPULATED [process record deleted]";
  }
  return r;
}

function placeholder(prev: DataUsageRecord, id: unknown): Internal {
  return {
    first_isodate: prev.first_isodate,
    isodate: prev.first_isodate,
    proc_name: `MISSING [follows ${py(prev.proc_name)}]`,
    bundle_id: null,
    proc_id: id,
    wifi_in: null,
    wifi_out: null,
    wwan_in: null,
    wwan_out: null,
    live_id: null,
    live_proc_id: id,
    live_isodate: prev.first_isodate,
    [PREVIOUS]: prev,
  };
}

/** Ids strictly between `from` and `to`, as exact numbers (bigints beyond 2^53). */
function* idsBetween(from: number | bigint, to: number | bigint): Generator<unknown> {
  if (typeof from === "number" && typeof to === "number") {
    for (let id = from + 1; id < to; id++) yield id;
  } else {
    for (let id = BigInt(from) + 1n; id < BigInt(to); id++) yield exactInteger(id);
  }
}

const sameKey = (a: unknown, b: unknown): boolean => {
  if (a instanceof Uint8Array && b instanceof Uint8Array) return a.length === b.length && a.every((x, i) => x === b[i]);
  // A REAL and an INTEGER key of equal value sort together in SQLite; == compares number with bigint.
  return (typeof a === "number" || typeof a === "bigint") && (typeof b === "number" || typeof b === "bigint") ? a == b : a === b;
};

/**
 * Records of one DataUsage-schema database, in MVT's order, with MISSING placeholders (at most
 * MAX_PLACEHOLDERS; `limited` is told once, with the number of missing ids, when there are more).
 */
export function* databaseRecords(db: SqliteDatabase, limited: (reason: string) => void): Generator<DataUsageRecord> {
  let placeholders = 0;
  let missing = 0n;
  const firstIso = lastIsoFromMac();
  const iso = lastIsoFromMac();
  // MVT writes each distinct timeline event once. Every duplicate of an event has the same sort key: a
  // first_usage event's time is the key itself, current_usage and live_usage events name the process id in
  // their data (and all rows of one process share its key), and deleted-process rows and placeholders use
  // the key as their time. So only the events of the current key group are remembered.
  const seen = new Set<string>();
  let groupTs: unknown;
  let groupK: unknown;
  const dedupe = (r: Internal) => {
    const kept: TimelineEvent[] = [];
    for (const e of events(r)) {
      const k = `${e.timestamp}\u0000${e.event}\u0000${e.data}`;
      if (seen.has(k)) continue;
      kept.push(e);
      // A hostile table where every row has the same time makes one group as large as the table: the set
      // starts over when full. Rows of one process are adjacent within a group (the UNION's columns order
      // them by name and id after the key), so an event is written again at most once per restart.
      if (seen.size >= MAX_SEEN_EVENTS) seen.clear();
      seen.add(k);
    }
    r[EVENTS] = kept;
    return r;
  };
  for (const row of query(db)) {
    if (row.K_TS !== groupTs || !sameKey(row.K, groupK)) {
      seen.clear();
      groupTs = row.K_TS;
      groupK = row.K;
    }
    if (row.IS_GAP !== 1) {
      yield dedupe(toRecord(row, firstIso, iso));
      continue;
    }
    const from = row.GAP_ID as number | bigint;
    const to = row.NEXT_ID as number | bigint;
    missing += BigInt(to) - BigInt(from) - 1n;
    if (placeholders >= MAX_PLACEHOLDERS) continue;
    const prev = toRecord(row);
    for (const id of idsBetween(from, to)) {
      if (placeholders >= MAX_PLACEHOLDERS) break;
      placeholders++;
      yield dedupe(placeholder(prev, id));
    }
  }
  if (missing > BigInt(placeholders)) {
    limited(
      `${missing} process ids are missing from ZPROCESS; only the first ${MAX_PLACEHOLDERS} (in time order) ` +
        `got a MISSING placeholder and a "missing process" finding`,
    );
  }
}

/** Records of every DataUsage-schema database the module's sources name. */
export async function* dataUsageRecords(ctx: ModuleContext): AsyncGenerator<DataUsageRecord> {
  for await (const { file, db } of ctx.databases()) {
    if (!hasDataUsageTables(db)) {
      ctx.gap(file, "DataUsage.sqlite has no ZPROCESS/ZLIVEUSAGE tables");
      continue;
    }
    yield* databaseRecords(db, (reason) => ctx.gap(file, reason));
  }
}

// --- timeline, observables, checks --------------------------------------------------------------------------

function baseData(r: DataUsageRecord): string {
  return `${py(r.proc_name)} (Bundle ID: ${py(r.bundle_id)}, ID: ${py(r.proc_id)})`;
}

/** MVT's three events: live usage always; first/current usage only for a real process row with live usage. */
function events(r: Internal): TimelineEvent[] {
  const reals = r[REALS] ?? 0;
  const base = baseData(r);
  const out: TimelineEvent[] = [
    {
      timestamp: str(r.live_isodate),
      module: "Datausage",
      event: "live_usage",
      data: `${base} WWAN IN: ${py(r.wwan_in, (reals & REAL_BIT.wwan_in) !== 0)}, WWAN OUT: ${py(r.wwan_out, (reals & REAL_BIT.wwan_out) !== 0)}`,
    },
  ];
  const name = str(r.proc_name);
  if (!name.includes("MANIPULATED") && !name.includes("MISSING") && r.live_proc_id !== null && r.live_proc_id !== undefined) {
    out.push({ timestamp: str(r.first_isodate), module: "Datausage", event: "first_usage", data: base });
    out.push({ timestamp: str(r.isodate), module: "Datausage", event: "current_usage", data: base });
  }
  return out;
}

const lastSegment = (s: string) => s.slice(s.lastIndexOf("/") + 1);

export const datausage = artifact<DataUsageRecord>({
  id: "datausage",
  platform: "ios",
  timelineName: "Datausage",
  description: "Network data usage per process (Library/Databases/DataUsage.sqlite), with checks for deleted process rows",
  sources: [{ domain: "WirelessDomain", path: "Library/Databases/DataUsage.sqlite" }],
  records: dataUsageRecords,
  *observables(r): Iterable<Observable> {
    if (!truthy(r.proc_id)) return;
    const values = new Set<string>();
    const name = str(r.proc_name);
    if (name && !isPlaceholderName(name)) {
      values.add(name);
      // "<proc>/<bundle id>" or "<uuid>/<bundle id>" names: the basename and the process part.
      values.add(lastSegment(name));
      const head = name.split("/")[0];
      if (!/^[0-9A-F]{8}-[0-9A-F-]{27}$/i.test(head)) values.add(head);
    }
    const bundle = str(r.bundle_id);
    if (bundle) values.add(bundle);
    for (const value of values) if (value) yield { type: "process", value };
  },
  time: (r) => (typeof r.first_isodate === "string" ? r.first_isodate : null),
  timeline: (r) => (r as Internal)[EVENTS] ?? events(r),
  analyzer() {
    // Grows only with deleted-process rows, each of which is a HIGH alert anyway.
    const manipulated = new Set<string>();
    return {
      onRecord(r, emit: Emit) {
        const name = str(r.proc_name);
        if (name.startsWith("MANIPULATED [")) {
          const id = py(r.live_proc_id);
          if (manipulated.has(id)) return;
          manipulated.add(id);
          emit({
            level: "high",
            heuristic: "datausage.deleted_process",
            message:
              `Found manipulated process entry ${id}. Entry on ${py(r.live_isodate)}: network usage is recorded for a ` +
              `process whose row was deleted from DataUsage.sqlite, a sign of anti-forensic cleanup — examine this device closely.`,
            record: r,
            eventTime: str(r.live_isodate),
          });
          return;
        }
        const prev = (r as Internal)[PREVIOUS];
        if (!prev) return;
        emit({
          level: "low",
          heuristic: "datausage.missing_process",
          message:
            `Missing process ${py(r.proc_id)}. Previous process at "${py(prev.first_isodate)}" (${py(prev.proc_name)})` +
            ` — a process id skipped in the usage database can mean a record was deleted: look at what ran around that time and at any deleted-process alerts.`,
          record: prev,
          eventTime: str(prev.first_isodate),
        });
      },
    };
  },
});
