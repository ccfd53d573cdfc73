// SMS/iMessage attachments (sms.db attachment table, joined to their message and sender handle). Received
// attachments written to /var/tmp/ with a "-1" suffixed name are the trace MVT flags (seen in iMessage
// zero-click exploitation).

import { artifact } from "../module.js";
import type { Observable, RecordData } from "../../types.js";
import { isoFromMac } from "../../util/time.js";
import { bytesToBase64 } from "../../report/json.js";
import { pyStr } from "../../util/py.js";

const BINARY_COLUMNS = new Set([
  "user_info",
  "sticker_user_info",
  "attribution_info",
  "ck_server_change_token_blob",
  "sr_ck_server_change_token_blob",
]);

const QUERY = `SELECT attachment.ROWID AS "attachment_id", attachment.*, message.service AS "service",
    handle.id AS "phone_number"
  FROM attachment
  LEFT JOIN message_attachment_join ON message_attachment_join.attachment_id = attachment.ROWID
  LEFT JOIN message ON message.ROWID = message_attachment_join.message_id
  LEFT JOIN handle ON handle.ROWID = message.handle_id`;

const py = (v: unknown) => pyStr(v);

/** The attachment trace MVT calls suspicious: received, under /var/tmp/, name ending in "-1". */
export function isSuspiciousAttachment(a: RecordData): boolean {
  const f = String(a.filename ?? "");
  return f.startsWith("/var/tmp/") && f.endsWith("-1") && a.direction === "received";
}

export const smsAttachments = artifact({
  id: "sms_attachments",
  platform: "ios",
  timelineName: "SMSAttachments",
  description: "SMS/iMessage attachments with sender and path (Library/SMS/sms.db)",
  sources: [{ domain: "HomeDomain", path: "Library/SMS/sms.db" }],
  async *records(ctx) {
    for await (const { db } of ctx.databases()) {
      const t = db.tables();
      if (!t.has("attachment") || !t.has("message_attachment_join") || !t.has("message") || !t.has("handle")) {
        ctx.warn("sms.db has no attachment tables: no SMS attachments to extract");
        continue;
      }
      for (const row of db.iterate(QUERY)) {
        const a: RecordData = {};
        for (const k in row) {
          const v = row[k];
          a[k] = BINARY_COLUMNS.has(k) && v instanceof Uint8Array && v.length ? bytesToBase64(v) : v;
        }
        a.isodate = isoFromMac(a.created_date as number) ?? "";
        a.start_date = isoFromMac(a.start_date as number) ?? "";
        a.direction = a.is_outgoing === 1 ? "sent" : "received";
        a.has_user_info = a.user_info !== null && a.user_info !== undefined;
        a.service = a.service || "Unknown";
        a.filename = a.filename || "NULL";
        yield a;
      }
    }
  },
  *observables(a): Iterable<Observable> {
    if (typeof a.filename === "string" && a.filename !== "NULL") yield { type: "file_path", value: a.filename };
  },
  time: (a) => (a.isodate as string) || null,
  timeline(a) {
    if (!a.isodate) return null;
    return {
      timestamp: a.isodate as string,
      module: "SMSAttachments",
      event: "sms_attachment",
      data:
        `${py(a.service)}: Attachment '${py(a.transfer_name)}' ${a.direction} from ${py(a.phone_number)} ` +
        `with ${py(a.total_bytes)} bytes (is_sticker: ${py(a.is_sticker)}, has_user_info: ${py(a.has_user_info)})`,
    };
  },
  analyzer() {
    return {
      onRecord(a, emit) {
        if (!isSuspiciousAttachment(a)) return;
        emit({
          level: "medium",
          heuristic: "sms_attachments.var_tmp",
          message:
            `Suspicious iMessage attachment ${a.filename} on ${a.isodate}: received attachments written under ` +
            `/var/tmp/ with a "-1" name have been seen in iMessage zero-click exploits — check the sender ` +
            `${py(a.phone_number)} and the device's other artifacts around that time.`,
          record: a,
          eventTime: a.isodate as string,
        });
      },
    };
  },
});
