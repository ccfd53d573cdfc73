// Messages (SMS and iMessage) from sms.db: every message with its links; Apple threat notifications.

import { artifact, withWholeRecord } from "../module.js";
import { BASE64_SQL_FUNCTION, NUMBER_JSON_SQL_FUNCTION, type SqliteDatabase, type SqlRow } from "../../formats/sqlite.js";
import type { Observable, RecordData, TimelineEvent } from "../../types.js";
import { isoFromMac } from "../../util/time.js";
import { extractUrls } from "../../util/urls.js";
import { bytesToBase64, withRecordJson } from "../../report/json.js";
import { pyStr } from "../../util/py.js";
import { errorText } from "../../util/errors.js";

/** The message columns the checks, URLs and timeline read. */
const LEAN_COLUMNS = ["ROWID", "guid", "text", "service", "account", "date", "date_read", "is_from_me"];

const BINARY_COLUMNS = new Set(["attributedBody", "payload_data", "message_summary_info"]);

/** Apple's threat notifications, sent by iMessage/SMS to people it believes were targeted. */
export const APPLE_THREAT_NOTIFICATIONS = [
  "ALERT: State-sponsored attackers may be targeting your iPhone",
  "ALERT: Apple detected a targeted mercenary spyware attack against your iPhone",
];

/** Fields messageRecord adds after the message columns. */
const ADDED_FIELDS = ["phone_number", "isodate", "isodate_read", "direction", "links"];

const JSON_COLUMN = "spyscope_record_json";

/** The SQL of each whole message as JSON rendered by SQLite: the first part of exactly what
 *  recordJson(messageRecord(row)) writes, up to and including "phone_number" (null when the schema rules that
 *  out). Building and serialising objects of 80+ columns in JavaScript costs about twice as
 *  much. BLOBs become base64 and REAL values JavaScript's digits through our SQL functions, in every column
 *  whose declared type lets them in unconverted; checking the 60 INTEGER columns as well would cost more than
 *  the rendering saves, so a fractional REAL there (which iOS does not write) keeps SQLite's 17 digits
 *  (0.33333333333333332 for JavaScript's 0.3333333333333333: the same number). */
function messageJsonSql(db: SqliteDatabase): string | null {
  const info = db.all(`PRAGMA table_info("message")`);
  const names = info.map((r) => String(r.name));
  if (!names.length || names.some((n) => ADDED_FIELDS.includes(n) || n === JSON_COLUMN)) return null;
  if (LEAN_COLUMNS.some((c) => !names.includes(c))) return null;
  const fields = info.map((r) => {
    const name = String(r.name);
    const col = `message."${name.replace(/"/g, '""')}"`;
    const type = String(r.type ?? "").toUpperCase();
    const blob = `${BASE64_SQL_FUNCTION}(${col})`;
    const real = `json(${NUMBER_JSON_SQL_FUNCTION}(${col}))`;
    let value = col;
    if (name === "text") {
      // messageRecord's `if (!m.text) m.text = ""`; bytes are truthy and stay bytes.
      value = `CASE typeof(${col}) WHEN 'text' THEN ${col} WHEN 'null' THEN '' WHEN 'blob' THEN ${blob} WHEN 'real' THEN CASE WHEN ${col} = 0 THEN '' ELSE ${real} END ELSE CASE WHEN ${col} = 0 THEN '' ELSE ${col} END END`;
    } else if (!/INT|CHAR|CLOB|TEXT/.test(type) || BINARY_COLUMNS.has(name)) {
      // BLOB, REAL, NUMERIC or no declared type (SQLite's affinity rules). json_object refuses BLOBs: one in a
      // column of another type ends the query and the rest is read as objects (see records()).
      value = `CASE typeof(${col}) WHEN 'blob' THEN ${blob} WHEN 'real' THEN ${real} ELSE ${col} END`;
    }
    return `'${name.replace(/'/g, "''")}', ${value}`;
  });
  return `json_object(${fields.join(", ")}, 'phone_number', handle.id)`;
}

/** A message row as MVT's SMS record (annotated in place: rows are fresh objects of 80+ columns). */
function messageRecord(row: SqlRow): RecordData {
  const m = row as RecordData;
  for (const k of BINARY_COLUMNS) {
    const v = row[k];
    if (v instanceof Uint8Array && v.length) m[k] = bytesToBase64(v);
  }
  m.isodate = isoFromMac(row.date as number | bigint | null);
  m.isodate_read = isoFromMac(row.date_read as number | bigint | null);
  m.direction = row.is_from_me === 1 ? "sent" : "received";
  if (!m.text) m.text = "";
  m.links = extractUrls(m.text);
  return m;
}

/** What recordJson writes for the fields messageRecord adds after "phone_number", closing the object. */
function tailJson(m: RecordData): string {
  return `,"isodate":${JSON.stringify(m.isodate)},"isodate_read":${JSON.stringify(m.isodate_read)},"direction":"${m.direction}","links":${JSON.stringify(m.links)}}`;
}

export const sms = artifact({
  id: "sms",
  platform: "ios",
  timelineName: "SMS",
  description: "SMS and iMessage messages with the links they contain (Library/SMS/sms.db)",
  sources: [{ domain: "HomeDomain", path: "Library/SMS/sms.db" }],
  async *records(ctx) {
    for await (const { db } of ctx.databases()) {
      const query = (columns: string, where = "") =>
        `SELECT ${columns}, handle.id AS "phone_number" FROM message, handle WHERE handle.rowid = message.handle_id${where}`;
      const lean = LEAN_COLUMNS.map((c) => `message."${c}"`).join(", ");
      // Only what the checks and the timeline use is read into objects (sms.db has 80+ columns): without an
      // output folder nothing more, with one each message's JSON as SQLite renders it. A detection still gets
      // the whole message, read again by its ROWID.
      const whole = (m: RecordData) => {
        const [row] = db.all(query("message.*", " AND message.ROWID = ?"), [m.ROWID as number]);
        return row ? messageRecord(row) : undefined;
      };
      if (ctx.fullRecords === false) {
        for (const row of db.iterate(query(lean))) {
          const m = messageRecord(row);
          withWholeRecord(m, whole);
          yield m;
        }
        continue;
      }
      // Messages given with SQLite's JSON; after an error the rest are read again as objects.
      let given = 0;
      let lastRowid: unknown = null;
      let complete = false;
      const json = messageJsonSql(db);
      if (json) {
        const rows = db.iterate(query(`${lean}, ${json} AS "${JSON_COLUMN}"`));
        for (;;) {
          let next: IteratorResult<SqlRow>;
          try {
            next = rows.next();
          } catch (e) {
            // A BLOB where json_object cannot take one (a column declared INTEGER or TEXT): the rest of the
            // messages are read as objects, after the ones already given (the same query plan, the same order).
            ctx.warn(`sms.db: messages after ROWID ${String(lastRowid)} rendered without SQLite JSON (${errorText(e)})`);
            break;
          }
          if (next.done) {
            complete = true;
            break;
          }
          const row = next.value;
          const rendered = row[JSON_COLUMN] as string;
          // Left out of any JSON of the lean object (undefined), without reshaping it as delete would.
          (row as Record<string, unknown>)[JSON_COLUMN] = undefined;
          const m = messageRecord(row);
          withWholeRecord(m, whole);
          lastRowid = m.ROWID;
          given++;
          yield withRecordJson(m, rendered.slice(0, -1) + tailJson(m));
        }
        if (complete) continue;
      }
      let skipped = 0;
      for (const row of db.iterate(query("message.*"))) {
        if (skipped < given) {
          if (++skipped === given && row.ROWID !== lastRowid) {
            throw new Error(`sms.db: messages came back in another order when read again (ROWID ${String(row.ROWID)}, expected ${String(lastRowid)})`);
          }
          continue;
        }
        yield messageRecord(row);
      }
    }
  },
  *observables(m): Iterable<Observable> {
    for (const url of m.links as string[]) yield { type: "url", value: url };
  },
  time: (m) => m.isodate as string | null,
  timeline(m) {
    const text = String(m.text).replace(/\n/g, "\\n");
    const data = `${pyStr(m.service)}: ${pyStr(m.guid)} "${text}" from ${pyStr(m.phone_number)} (${pyStr(m.account)})`;
    const out: TimelineEvent[] = [];
    if (m.isodate) out.push({ timestamp: m.isodate as string, module: "SMS", event: "sms_received", data });
    if (m.isodate_read) out.push({ timestamp: m.isodate_read as string, module: "SMS", event: "sms_read", data });
    return out;
  },
  analyzer() {
    return {
      onRecord(m, emit) {
        const text = String(m.text);
        if (APPLE_THREAT_NOTIFICATIONS.some((a) => text.startsWith(a))) {
          emit({
            level: "high",
            heuristic: "sms.apple_threat_notification",
            message:
              `Apple threat notification received on ${m.isodate}: Apple believes this device was targeted by ` +
              `mercenary spyware. Contact a digital-security helpline and enable Lockdown Mode.`,
            record: m,
            eventTime: (m.isodate as string) ?? "",
          });
        }
      },
    };
  },
});
