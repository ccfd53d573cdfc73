// Network data usage per process (WirelessDomain Library/Databases/DataUsage.sqlite): every process row with
// its live-usage rows. Spyware processes show up here even after their binary is gone, and tampering shows as
// live usage whose process row was deleted, or as gaps in the process ids.

import { artifact } from "../module.js";
import type { SqliteDatabase, SqlRow } from "../../formats/sqlite.js";
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
 *  properties stay off the JSON; numbers rather than Sets keep the process table small in memory. */
const REALS = Symbol("reals");
/** Bit set of the events (by index in events()) to leave out because an earlier record already produced the
 *  same one (MVT de-duplicates). */
const SKIP = Symbol("skip");

const COUNTERS = [
  ["wifi_in", "T_ZWIFIIN"],
  ["wifi_out", "T_ZWIFIOUT"],
  ["wwan_in", "T_ZWWANIN"],
  ["wwan_out", "T_ZWWANOUT"],
] as const;
const REAL_BIT: Record<string, number> = { wifi_in: 1, wifi_out: 2, wwan_in: 4, wwan_out: 8 };

type Internal = DataUsageRecord & { [REALS]?: number; [SKIP]?: number };

const py = pyStr;

function query(db: SqliteDatabase): IterableIterator<SqlRow> {
  const live = new Set(db.columns("ZLIVEUSAGE"));
  const wifi = live.has("ZWIFIIN") && live.has("ZWIFIOUT");
  const counters = wifi ? ["ZWIFIIN", "ZWIFIOUT", "ZWWANIN", "ZWWANOUT"] : ["ZWWANIN", "ZWWANOUT"];
  const liveCols = counters.map((c) => `ZLIVEUSAGE.${c} AS ${c}`).join(", ");
  // Value types last, so the UNION orders (and de-duplicates) rows exactly as MVT's query does.
  const types = counters.map((c) => `typeof(ZLIVEUSAGE.${c}) AS T_${c}`).join(", ");
  const nulls = counters.map(() => "NULL").join(", ");
  return db.iterate(`
    SELECT ZPROCESS.ZFIRSTTIMESTAMP AS ZFIRSTTIMESTAMP, ZPROCESS.ZTIMESTAMP AS ZTIMESTAMP,
      ZPROCESS.ZPROCNAME AS ZPROCNAME, ZPROCESS.ZBUNDLENAME AS ZBUNDLENAME, ZPROCESS.Z_PK AS ZPROCESS_PK,
      ${liveCols},
      ZLIVEUSAGE.Z_PK AS ZLIVEUSAGE_PK, ZLIVEUSAGE.ZHASPROCESS AS ZHASPROCESS, ZLIVEUSAGE.ZTIMESTAMP AS ZL_TIMESTAMP,
      ${types}
    FROM ZLIVEUSAGE LEFT JOIN ZPROCESS ON ZLIVEUSAGE.ZHASPROCESS = ZPROCESS.Z_PK
    UNION
    SELECT ZFIRSTTIMESTAMP, ZTIMESTAMP, ZPROCNAME, ZBUNDLENAME, Z_PK, ${nulls}, NULL, NULL, NULL, ${nulls}
    FROM ZPROCESS WHERE Z_PK NOT IN (SELECT ZHASPROCESS FROM ZLIVEUSAGE WHERE ZHASPROCESS IS NOT NULL)`);
}

const truthy = (v: unknown) => v !== null && v !== undefined && v !== 0 && v !== "" && v !== 0n;
const str = (v: unknown) => (typeof v === "string" ? v : v === null || v === undefined ? "" : String(v));

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
  async *records(ctx) {
    for await (const { file, db } of ctx.databases()) {
      const tables = db.tables();
      if (!tables.has("zprocess") || !tables.has("zliveusage")) {
        ctx.gap(file, "DataUsage.sqlite has no ZPROCESS/ZLIVEUSAGE tables");
        continue;
      }
      // The database holds one row per process and live-usage sample (hundreds to a few thousand rows);
      // MVT sorts them by first use and adds placeholders for missing process ids, so they are gathered here.
      const recs: Internal[] = [];
      for (const row of query(db)) {
        const bothTimes = truthy(row.ZFIRSTTIMESTAMP) && truthy(row.ZTIMESTAMP);
        const first = bothTimes ? isoFromMac(row.ZFIRSTTIMESTAMP as number) : row.ZFIRSTTIMESTAMP;
        const r: Internal = {
          first_isodate: first,
          isodate: bothTimes ? isoFromMac(row.ZTIMESTAMP as number) : row.ZTIMESTAMP,
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
        recs.push(r);
      }
      // Live usage whose process row was deleted: shown with the live-usage time, as MVT does.
      for (const r of recs) {
        if (truthy(r.proc_id)) continue;
        r.first_isodate = r.isodate = r.live_isodate;
        r.proc_name = "MANIPULATED [process record deleted]";
      }
      // Placeholders for process ids missing between the lowest and highest one.
      const byId = new Map<number, Internal>();
      for (const r of recs) if (truthy(r.proc_id)) byId.set(Number(r.proc_id), r);
      const ids = [...byId.keys()].sort((a, b) => a - b);
      if (ids.length) {
        const present = new Set(ids);
        let prev: Internal | undefined;
        const placeholders: Internal[] = [];
        for (let id = ids[0]; id < ids[ids.length - 1]; id++) {
          if (present.has(id)) {
            prev = byId.get(id);
            continue;
          }
          const p = prev as Internal;
          const ph: Internal = {
            first_isodate: p.first_isodate,
            isodate: p.first_isodate,
            proc_name: `MISSING [follows ${py(p.proc_name)}]`,
            bundle_id: null,
            proc_id: id,
            wifi_in: null,
            wifi_out: null,
            wwan_in: null,
            wwan_out: null,
            live_id: null,
            live_proc_id: id,
            live_isodate: p.first_isodate,
          };
          placeholders.push(ph);
        }
        recs.push(...placeholders);
      }
      const key = (r: DataUsageRecord) => str(r.first_isodate);
      recs.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
      // MVT writes each distinct timeline event once.
      const seen = new Set<string>();
      for (const r of recs) {
        let skip = 0;
        const evs = events(r);
        for (let i = 0; i < evs.length; i++) {
          const e = evs[i];
          const k = `${e.timestamp}\u0000${e.event}\u0000${e.data}`;
          if (seen.has(k)) skip |= 1 << i;
          else seen.add(k);
        }
        if (skip) r[SKIP] = skip;
      }
      yield* recs;
    }
  },
  *observables(r): Iterable<Observable> {
    if (!truthy(r.proc_id)) return;
    const values = new Set<string>();
    const name = str(r.proc_name);
    if (name && !name.startsWith("MISSING [") && !name.startsWith("MANIPULATED [")) {
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
  timeline(r) {
    const skip = (r as Internal)[SKIP] ?? 0;
    const evs = events(r as Internal);
    return skip ? evs.filter((_, i) => (skip & (1 << i)) === 0) : evs;
  },
  analyzer() {
    const manipulated = new Set<string>();
    const byId = new Map<number, DataUsageRecord>();
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
        } else if (!name.startsWith("MISSING [") && truthy(r.proc_id)) {
          const id = Number(r.proc_id);
          if (!byId.has(id)) byId.set(id, r);
        }
      },
      onEnd(emit: Emit) {
        const ids = [...byId.keys()].sort((a, b) => a - b);
        if (!ids.length) return;
        let prev: DataUsageRecord | undefined;
        for (let id = ids[0]; id < ids[ids.length - 1]; id++) {
          const r = byId.get(id);
          if (r) {
            prev = r;
            continue;
          }
          const p = prev as DataUsageRecord;
          emit({
            level: "low",
            heuristic: "datausage.missing_process",
            message: `Missing process ${id}. Previous process at "${py(p.first_isodate)}" (${py(p.proc_name)})`,
            record: p,
            eventTime: str(p.first_isodate),
          });
        }
      },
    };
  },
});
