// WhatsApp contacts (ContactsV2.sqlite, ZWAADDRESSBOOKCONTACT): identifiers (JID, LID, phone), names,
// "about" text and the per-contact disappearing-messages timer, which ChatStorage.sqlite does not hold.

import { artifact } from "../module.js";
import type { SqliteDatabase } from "../../formats/sqlite.js";
import type { RecordData, TimelineEvent } from "../../types.js";
import { isoFromMac } from "../../util/time.js";
import { WHATSAPP_DOMAIN } from "./whatsapp.js";

export const WHATSAPP_CONTACTS_SOURCE = { domain: WHATSAPP_DOMAIN, path: "ContactsV2.sqlite" };

/** WhatsApp's preset disappearing-message timers (seconds → label). */
const DURATION_LABELS: Record<number, string> = {
  86400: "24 hours",
  604800: "7 days",
  1209600: "14 days",
  2592000: "30 days",
  7776000: "90 days",
};

/** Record field → candidate columns, first present wins (WhatsApp renames columns across versions). */
const FIELDS: [string, string[]][] = [
  ["whatsapp_id", ["ZWHATSAPPID"]],
  ["lid", ["ZLID"]],
  ["phone_number", ["ZPHONENUMBER"]],
  ["localized_phone_number", ["ZLOCALIZEDPHONENUMBER"]],
  ["full_name", ["ZFULLNAME"]],
  ["given_name", ["ZGIVENNAME"]],
  ["last_name", ["ZLASTNAME"]],
  ["user_name", ["ZUSERNAME"]],
  ["business_name", ["ZBUSINESSNAME"]],
  ["about_text", ["ZABOUTTEXT"]],
  ["about_emoji", ["ZABOUTEMOJI"]],
  ["notes", ["ZNOTES"]],
  ["disappearing_mode_duration", ["ZDISAPPEARINGMODEDURATION"]],
  ["disappearing_mode_timestamp", ["ZDISAPPEARINGMODETIMESTAMP"]],
  ["about_timestamp", ["ZABOUTTIMESTAMP"]],
  ["about_expiration_timestamp", ["ZABOUTEXPIRATIONTIMESTAMP"]],
  ["last_updated", ["ZLASTUPDATED"]],
  ["phone_status", ["ZPHONESTATUS", "ZPHONENUMBERSTATUS"]],
  ["sync_policy", ["ZSYNCPOLICY"]],
];

const STRING_FIELDS = FIELDS.slice(0, 12).map(([f]) => f);
const DATE_FIELDS = ["disappearing_mode_timestamp", "about_timestamp", "about_expiration_timestamp", "last_updated"];

const utf8 = new TextDecoder("utf-8");

function durationLabel(d: unknown): string {
  const n = Math.trunc(Number(d));
  if (!d || !n) return "off";
  return DURATION_LABELS[n] ?? `${n} seconds`;
}

/** Contact records of one ContactsV2.sqlite (also used by interaction_c to resolve WhatsApp LIDs). */
export function* readWhatsappContacts(db: SqliteDatabase, warn: (m: string) => void = () => {}): Generator<RecordData> {
  const available = new Set(db.columns("ZWAADDRESSBOOKCONTACT"));
  if (!available.size) {
    warn("ContactsV2.sqlite has no ZWAADDRESSBOOKCONTACT table");
    return;
  }
  const selected: [string, string][] = [];
  for (const [field, candidates] of FIELDS) {
    const c = candidates.find((x) => available.has(x));
    if (c) selected.push([field, c]);
  }
  const hasDuration = selected.some(([f]) => f === "disappearing_mode_duration");
  if (!hasDuration) warn("ZDISAPPEARINGMODEDURATION is missing from ContactsV2.sqlite: disappearing-messages state unknown");
  const sql = `SELECT Z_PK AS "row_pk"${selected.map(([f, c]) => `, ${c} AS "${f}"`).join("")} FROM ZWAADDRESSBOOKCONTACT`;
  for (const row of db.iterate(sql)) {
    const r: RecordData = { ...row };
    for (const f of STRING_FIELDS) {
      const v = r[f];
      r[f] = v === null || v === undefined ? null : v instanceof Uint8Array ? utf8.decode(v) : String(v);
    }
    for (const f of DATE_FIELDS) {
      r[f] = r[f] !== null && r[f] !== undefined ? isoFromMac(r[f] as number) || null : null;
    }
    if (hasDuration) {
      r.disappearing_mode_is_on = Boolean(r.disappearing_mode_duration);
      r.disappearing_mode_label = durationLabel(r.disappearing_mode_duration);
    } else {
      r.disappearing_mode_duration = null;
      r.disappearing_mode_is_on = null;
      r.disappearing_mode_label = null;
    }
    r.phone_status ??= null;
    r.sync_policy ??= null;
    yield r;
  }
}

function describeContact(r: RecordData): string {
  const id = (r.whatsapp_id || r.lid || r.phone_number || "unknown") as string;
  return r.full_name ? `${id} (${r.full_name})` : id;
}

export const whatsappContacts = artifact({
  id: "whatsapp_contacts",
  platform: "ios",
  timelineName: "WhatsappContacts",
  description: "WhatsApp contacts with LIDs and disappearing-messages timers (ContactsV2.sqlite)",
  sources: [WHATSAPP_CONTACTS_SOURCE],
  async *records(ctx) {
    for await (const { db } of ctx.databases()) yield* readWhatsappContacts(db, ctx.warn);
  },
  time: (r) => (r.last_updated as string) || null,
  timeline(r) {
    const contact = describeContact(r);
    const out: TimelineEvent[] = [];
    const ev = (ts: unknown, event: string, data: string) =>
      out.push({ timestamp: ts as string, module: "WhatsappContacts", event, data });
    if (r.disappearing_mode_timestamp)
      ev(r.disappearing_mode_timestamp, "disappearing_mode_set", `WhatsApp disappearing messages timer set to '${r.disappearing_mode_label === null ? "None" : r.disappearing_mode_label}' for ${contact}`);
    if (r.about_timestamp)
      ev(r.about_timestamp, "about_changed", `WhatsApp about text of ${contact} changed${r.about_text ? ` to "${r.about_text}"` : ""}`);
    if (r.about_expiration_timestamp)
      ev(r.about_expiration_timestamp, "about_expiration", `WhatsApp about text of ${contact} scheduled to expire`);
    if (r.last_updated) ev(r.last_updated, "contact_last_updated", `WhatsApp contact record for ${contact} updated`);
    return out;
  },
});
