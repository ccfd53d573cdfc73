// Messages (SMS and iMessage) from sms.db: every message with its links; Apple threat notifications.

import { artifact, withWholeRecord } from "../module.js";
import type { SqlRow } from "../../formats/sqlite.js";
import type { Observable, RecordData, TimelineEvent } from "../../types.js";
import { isoFromMac } from "../../util/time.js";
import { extractUrls } from "../../util/urls.js";
import { bytesToBase64 } from "../../report/json.js";
import { pyStr } from "../../util/py.js";

/** The message columns the checks, URLs and timeline read. */
const LEAN_COLUMNS = ["ROWID", "guid", "text", "service", "account", "date", "date_read", "is_from_me"];

const BINARY_COLUMNS = new Set(["attributedBody", "payload_data", "message_summary_info"]);

/** Apple's threat notifications, sent by iMessage/SMS to people it believes were targeted. */
export const APPLE_THREAT_NOTIFICATIONS = [
  "ALERT: State-sponsored attackers may be targeting your iPhone",
  "ALERT: Apple detected a targeted mercenary spyware attack against your iPhone",
];

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
      // Without an output folder only what the checks and the timeline use is read (sms.db has 80+ columns);
      // a detection still gets the whole message, read again by its ROWID.
      const lean = ctx.fullRecords === false;
      const whole = (m: RecordData) => {
        const [row] = db.all(query("message.*", " AND message.ROWID = ?"), [m.ROWID as number]);
        return row ? messageRecord(row) : undefined;
      };
      for (const row of db.iterate(query(lean ? LEAN_COLUMNS.map((c) => `message.${c}`).join(", ") : "message.*"))) {
        const m = messageRecord(row);
        if (lean) withWholeRecord(m, whole);
        yield m;
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
