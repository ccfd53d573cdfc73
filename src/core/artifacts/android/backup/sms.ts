// SMS and MMS from an Android backup: the telephony provider's backup agent writes zlib-compressed JSON
// arrays to apps/com.android.providers.telephony/d_f/NNNNNN_sms_backup and NNNNNN_mms_backup.

import { artifact, event } from "../../module.js";
import type { Observable, RecordData } from "../../../types.js";
import { inflateZlibBounded } from "../../../formats/android-backup.js";
import { isoFromUnix, isoFromUnixMs } from "../../../util/time.js";
import { extractUrls } from "../../../util/urls.js";
import { errorText } from "../../../util/errors.js";

const D_F = "apps/com.android.providers.telephony/d_f/";
const SOURCES: { pathLike: string; kind: "sms" | "mms" }[] = [
  { pathLike: `${D_F}%_sms_backup`, kind: "sms" },
  { pathLike: `${D_F}%_mms_backup`, kind: "mms" },
];
/** The backup agent writes at most 1000 messages per file; these bounds leave a wide margin. */
const MAX_FILE = 64 * 1024 * 1024;
const MAX_JSON = 256 * 1024 * 1024;

/** Telephony.Sms.TYPE and Telephony.Mms.MESSAGE_BOX values → direction. */
const SMS_TYPE: Record<string, string> = { "1": "received", "2": "sent", "3": "draft", "4": "sent", "5": "sent", "6": "sent" };
const MMS_BOX: Record<string, string> = { "1": "received", "2": "sent", "3": "draft", "4": "sent", "5": "sent" };

function toInt(v: unknown): number | null {
  if (typeof v === "number" && Number.isFinite(v)) return Math.trunc(v);
  if (typeof v === "string" && /^-?\d+$/.test(v.trim())) return Number(v.trim());
  return null;
}

/** One message as MVT writes it, with the corrections documented in docs/android-backup.md. */
export function telephonyRecord(entry: Record<string, unknown>, kind: "sms" | "mms"): RecordData {
  if ("mms_body" in entry) {
    entry.body = entry.mms_body;
    delete entry.mms_body;
  }
  const body = typeof entry.body === "string" ? entry.body : "";
  const date = toInt(entry.date);
  // Telephony.Sms.DATE is in milliseconds, Telephony.Mms.DATE in seconds.
  entry.isodate = date === null ? null : kind === "mms" ? isoFromUnix(date) : isoFromUnixMs(date);
  const box = kind === "mms" ? MMS_BOX[String(entry.msg_box)] : SMS_TYPE[String(entry.type)];
  entry.direction = box ?? ((toInt(entry.date_sent) ?? 0) !== 0 ? "sent" : "received");
  entry.links = extractUrls(body);
  return entry;
}

/** The other party: an SMS's address; an MMS's sender (PduHeaders FROM = 137) when received, else its
 *  recipients (TO = 151). */
function counterpart(m: RecordData): string {
  if (typeof m.address === "string" && m.address) return m.address;
  const addrs = Array.isArray(m.mms_addresses) ? (m.mms_addresses as { type?: unknown; address?: unknown }[]) : [];
  const of = (type: number) => addrs.filter((a) => a && a.type === type && typeof a.address === "string").map((a) => a.address as string);
  const found = m.direction === "received" ? of(137) : of(151);
  if (found.length) return found.join(", ");
  return Array.isArray(m.recipients) && m.recipients.length ? m.recipients.join(", ") : "unknown";
}

export const androidBackupSms = artifact({
  id: "sms",
  platform: "android",
  timelineName: "SMS",
  description: "SMS and MMS messages with their links, from the telephony provider's backup (apps/com.android.providers.telephony/d_f/)",
  sources: SOURCES.map(({ pathLike }) => ({ pathLike })),
  async *records(ctx) {
    for (const { pathLike, kind } of SOURCES) {
      for await (const file of ctx.files([{ pathLike }])) {
        let entries: unknown;
        try {
          const json = inflateZlibBounded(await ctx.evidence.read(file.path, { maxBytes: MAX_FILE }), MAX_JSON, file.path);
          entries = JSON.parse(new TextDecoder().decode(json));
        } catch (e) {
          ctx.gap(file, e instanceof SyntaxError ? `not valid JSON (${e.message})` : errorText(e));
          continue;
        }
        if (!Array.isArray(entries)) {
          ctx.gap(file, "not a JSON array of messages");
          continue;
        }
        let skipped = 0;
        for (const entry of entries) {
          if (entry && typeof entry === "object" && !Array.isArray(entry)) yield telephonyRecord(entry as Record<string, unknown>, kind);
          else skipped++;
        }
        if (skipped) ctx.warn(`${file.path}: ${skipped} entries are not message objects and were skipped`);
      }
    }
  },
  *observables(m): Iterable<Observable> {
    for (const url of m.links as string[]) yield { type: "url", value: url };
  },
  time: (m) => m.isodate as string | null,
  timeline(m) {
    const from = counterpart(m);
    const body = String(m.body ?? "").replace(/\n/g, "\\n");
    return event("SMS", m.isodate as string | null, `sms_${m.direction}`, `${from}: "${body}"`);
  },
  claims: (m) => "isodate" in m && ("date_sent" in m || "msg_box" in m || "address" in m) && !("guid" in m),
});
