// CoreDuet people interactions (Library/CoreDuet/People/interactionC.db): who talked to whom, in which app,
// when. WhatsApp LIDs/JIDs are resolved to phone numbers and names through ContactsV2.sqlite, as MVT does.

import { artifact } from "../module.js";
import type { SqliteDatabase, SqlRow } from "../../formats/sqlite.js";
import type { Observable, RecordData, TimelineEvent } from "../../types.js";
import { isoFromMac } from "../../util/time.js";
import { readWhatsappContacts, WHATSAPP_CONTACTS_SOURCE } from "./whatsapp-contacts.js";
import { errorText } from "../../util/errors.js";

const TIMESTAMPS = new Set([
  "start_date",
  "end_date",
  "interactions_creation_date",
  "contacts_creation_date",
  "first_incoming_recipient_date",
  "first_incoming_sender_date",
  "first_outgoing_recipient_date",
  "last_incoming_sender_date",
  "last_incoming_recipient_date",
  "last_outgoing_recipient_date",
]);

/** A creation date this far (seconds) from the start date means the record was backfilled. */
const CREATION_DIVERGENCE = 3600;

const CONTACT_EVENTS: [string, string][] = [
  ["contacts_creation_date", "Contact {party} first recorded in interactionC"],
  ["first_incoming_sender_date", "First incoming interaction from {party}"],
  ["last_incoming_sender_date", "Last incoming interaction from {party}"],
  ["first_incoming_recipient_date", "First incoming interaction where {party} was a recipient"],
  ["last_incoming_recipient_date", "Last incoming interaction where {party} was a recipient"],
  ["first_outgoing_recipient_date", "First outgoing interaction to {party}"],
  ["last_outgoing_recipient_date", "Last outgoing interaction to {party}"],
];

const WHATSAPP = "net.whatsapp.WhatsApp";

// Columns shared by every schema generation (the contact aggregates of the sender).
const CONTACT_AGGREGATES = `
  ZCONTACTS.ZINCOMINGRECIPIENTCOUNT AS "incoming_recipient_count",
  ZCONTACTS.ZINCOMINGSENDERCOUNT AS "incoming_sender_count",
  ZCONTACTS.ZOUTGOINGRECIPIENTCOUNT AS "outgoing_recipient_count",
  ZINTERACTIONS.ZCREATIONDATE AS "interactions_creation_date",
  ZCONTACTS.ZCREATIONDATE AS "contacts_creation_date",
  ZCONTACTS.ZFIRSTINCOMINGRECIPIENTDATE AS "first_incoming_recipient_date",
  ZCONTACTS.ZFIRSTINCOMINGSENDERDATE AS "first_incoming_sender_date",
  ZCONTACTS.ZFIRSTOUTGOINGRECIPIENTDATE AS "first_outgoing_recipient_date",
  ZCONTACTS.ZLASTINCOMINGSENDERDATE AS "last_incoming_sender_date"`;

const FULL_HEAD = `
  ZINTERACTIONS.ZSTARTDATE AS "start_date", ZINTERACTIONS.ZENDDATE AS "end_date",
  ZINTERACTIONS.ZBUNDLEID AS "bundle_id", ZINTERACTIONS.ZACCOUNT AS "account",
  ZINTERACTIONS.ZTARGETBUNDLEID AS "target_bundle_id",
  CASE ZINTERACTIONS.ZDIRECTION WHEN '0' THEN 'INCOMING' WHEN '1' THEN 'OUTGOING' END AS "direction",
  ZCONTACTS.ZDISPLAYNAME AS "sender_display_name", ZCONTACTS.ZIDENTIFIER AS "sender_identifier",
  ZCONTACTS.ZPERSONID AS "sender_personid",
  R.ZDISPLAYNAME AS "recipient_display_name", R.ZIDENTIFIER AS "recipient_identifier",
  R.ZPERSONID AS "recipient_personid",
  ZINTERACTIONS.ZRECIPIENTCOUNT AS "recipient_count", ZINTERACTIONS.ZDOMAINIDENTIFIER AS "domain_identifier",
  ZINTERACTIONS.ZISRESPONSE AS "is_response",
  ZATTACHMENT.ZCONTENTTEXT AS "content", ZATTACHMENT.ZUTI AS "uti",
  ZATTACHMENT.ZCONTENTURL AS "attachment_content_url", ZATTACHMENT.ZSIZEINBYTES AS "size",`;

const FULL_JOINS = `
  FROM ZINTERACTIONS
  LEFT JOIN ZCONTACTS ON ZINTERACTIONS.ZSENDER = ZCONTACTS.Z_PK
  LEFT JOIN Z_1INTERACTIONS ON ZINTERACTIONS.Z_PK = Z_1INTERACTIONS.Z_3INTERACTIONS
  LEFT JOIN ZATTACHMENT ON Z_1INTERACTIONS.Z_1ATTACHMENTS = ZATTACHMENT.Z_PK
  LEFT JOIN Z_2INTERACTIONRECIPIENT ON ZINTERACTIONS.Z_PK = Z_2INTERACTIONRECIPIENT.Z_3INTERACTIONRECIPIENT
  LEFT JOIN ZCONTACTS R ON Z_2INTERACTIONRECIPIENT.Z_2RECIPIENTS = R.Z_PK`;

const SIMPLE_HEAD = `
  ZINTERACTIONS.ZSTARTDATE AS "start_date", ZINTERACTIONS.ZENDDATE AS "end_date",
  ZINTERACTIONS.ZBUNDLEID AS "bundle_id",
  ZCONTACTS.ZDISPLAYNAME AS "sender_display_name", ZCONTACTS.ZIDENTIFIER AS "sender_identifier",
  ZCONTACTS.ZPERSONID AS "sender_personid",
  ZINTERACTIONS.ZDIRECTION AS "direction", ZINTERACTIONS.ZISRESPONSE AS "is_response",
  ZINTERACTIONS.ZMECHANISM AS "mechanism", `;

const LAST_RECIPIENT_ZERO = `
  CASE ZCONTACTS.ZLASTINCOMINGRECIPIENTDATE WHEN '0' THEN '0' ELSE ZCONTACTS.ZLASTINCOMINGRECIPIENTDATE END
    AS "last_incoming_recipient_date"`;

const TAIL = `
  ZCONTACTS.ZLASTOUTGOINGRECIPIENTDATE AS "last_outgoing_recipient_date"`;

/** Newest schema first, then the older generations (iOS 14/13, 12, 11 and before) — MVT's order. */
const QUERIES = [
  `SELECT ${FULL_HEAD}
     ZATTACHMENT.ZPHOTOLOCALIDENTIFIER AS "photo_local_id",
     HEX(ZATTACHMENT.ZIDENTIFIER) AS "attachment_id", ZATTACHMENT.ZCLOUDIDENTIFIER AS "cloud_id", ${CONTACT_AGGREGATES},
     ZCONTACTS.ZLASTINCOMINGRECIPIENTDATE AS "last_incoming_recipient_date", ${TAIL},
     ZCONTACTS.ZCUSTOMIDENTIFIER AS "custom_id", ZINTERACTIONS.ZCONTENTURL AS "interaction_content_url",
     ZINTERACTIONS.ZLOCATIONUUID AS "location_uuid", ZINTERACTIONS.ZGROUPNAME AS "group_name",
     ZINTERACTIONS.ZDERIVEDINTENTIDENTIFIER AS "derivied_intent_id", ZINTERACTIONS.Z_PK AS "table_id"
   ${FULL_JOINS}`,
  `SELECT ${FULL_HEAD}
     HEX(ZATTACHMENT.ZIDENTIFIER) AS "attachment_id", ZATTACHMENT.ZCLOUDIDENTIFIER AS "cloud_id", ${CONTACT_AGGREGATES},
     ${LAST_RECIPIENT_ZERO}, ${TAIL},
     ZCONTACTS.ZCUSTOMIDENTIFIER AS "custom_id", ZINTERACTIONS.ZCONTENTURL AS "interaction_content_url",
     ZINTERACTIONS.ZLOCATIONUUID AS "location_uuid", ZINTERACTIONS.Z_PK AS "table_id"
   ${FULL_JOINS}`,
  `SELECT ${SIMPLE_HEAD}
     ZINTERACTIONS.ZRECIPIENTCOUNT AS "recipient_count", ${CONTACT_AGGREGATES}, ${LAST_RECIPIENT_ZERO}, ${TAIL},
     ZINTERACTIONS.ZACCOUNT AS "account", ZINTERACTIONS.ZDOMAINIDENTIFIER AS "domain_identifier",
     ZCONTACTS.ZCUSTOMIDENTIFIER AS "custom_id", ZINTERACTIONS.ZCONTENTURL AS "interaction_content_url",
     ZINTERACTIONS.ZLOCATIONUUID AS "location_uuid", ZINTERACTIONS.Z_PK AS "table_id"
   FROM ZINTERACTIONS LEFT JOIN ZCONTACTS ON ZINTERACTIONS.ZSENDER = ZCONTACTS.Z_PK`,
  `SELECT ${SIMPLE_HEAD} ${CONTACT_AGGREGATES}, ${LAST_RECIPIENT_ZERO}, ${TAIL},
     ZINTERACTIONS.ZACCOUNT AS "account", ZINTERACTIONS.ZDOMAINIDENTIFIER AS "domain_identifier",
     ZINTERACTIONS.ZCONTENTURL AS "interaction_content_url",
     ZINTERACTIONS.ZLOCATIONUUID AS "location_uuid", ZINTERACTIONS.Z_PK AS "table_id"
   FROM ZINTERACTIONS LEFT JOIN ZCONTACTS ON ZINTERACTIONS.ZSENDER = ZCONTACTS.Z_PK`,
];

/** Runs the first query the schema accepts; null when none does. */
function firstWorking(db: SqliteDatabase, queries: string[]): { rows: Iterator<SqlRow>; first: IteratorResult<SqlRow> } | null {
  for (const q of queries) {
    try {
      const rows = db.iterate(q);
      return { rows, first: rows.next() };
    } catch {
      /* older schema: try the next generation */
    }
  }
  return null;
}

type Entry = [phone: string | null, name: string | null];

interface ContactMaps {
  byLid: Map<string, Entry>;
  byPhone: Map<string, Entry>;
}

function contactMaps(contacts: RecordData[]): ContactMaps {
  const byLid = new Map<string, Entry>();
  const byPhone = new Map<string, Entry>();
  for (const c of contacts) {
    const name = ((c.full_name || c.given_name) as string) || null;
    const phone = (c.phone_number as string) || null;
    const entry: Entry = [phone, name];
    if (c.lid) byLid.set(c.lid as string, entry);
    if (phone) byPhone.set(phone.replace(/\D/g, ""), entry);
    const jid = c.whatsapp_id as string | null;
    if (jid && jid.includes("@")) {
      const k = jid.split("@")[0];
      if (!byPhone.has(k)) byPhone.set(k, entry);
    }
  }
  return { byLid, byPhone };
}

function resolve(value: unknown, maps: ContactMaps): Entry {
  if (!value) return [null, null];
  const v = String(value);
  if (v.endsWith("@lid")) return maps.byLid.get(v) ?? [null, null];
  if (v.endsWith("@g.us")) return [null, null];
  if (v.endsWith("@s.whatsapp.net")) {
    const digits = v.split("@")[0];
    const [phone, name] = maps.byPhone.get(digits) ?? [null, null];
    return [phone || `+${digits}`, name];
  }
  if (v.startsWith("+")) return [null, (maps.byPhone.get(v.replace(/\D/g, "")) ?? [null, null])[1]];
  return [null, null];
}

function convert(row: SqlRow, maps: ContactMaps): RecordData {
  const r: RecordData = {};
  for (const k in row) {
    const v = row[k];
    r[k] = TIMESTAMPS.has(k) && v !== null && typeof v !== "string" ? (isoFromMac(v as number) ?? "") : v;
  }
  if (r.direction === 0 || r.direction === "0") r.direction = "INCOMING";
  else if (r.direction === 1 || r.direction === "1") r.direction = "OUTGOING";
  if (r.bundle_id === WHATSAPP) {
    const candidates: [string, unknown[]][] = [
      ["sender", [r.sender_identifier, r.custom_id]],
      ["recipient", [r.recipient_identifier]],
      ["domain", [r.domain_identifier]],
    ];
    for (const [prefix, values] of candidates) {
      let found: Entry = [null, null];
      for (const v of values) {
        found = resolve(v, maps);
        if (found[0] || found[1]) break;
      }
      r[`${prefix}_resolved_phone_number`] = found[0];
      r[`${prefix}_resolved_name`] = found[1];
    }
  }
  return r;
}

function describeParty(r: RecordData, prefix: string): string | null {
  const name = (r[`${prefix}_display_name`] || r[`${prefix}_resolved_name`]) as string | null | undefined;
  const id = (r[`${prefix}_resolved_phone_number`] || r[`${prefix}_identifier`]) as string | null | undefined;
  if (name && id) {
    const nd = String(name).replace(/\D/g, "");
    if (nd && nd === String(id).replace(/\D/g, "")) return String(id);
    return `${name} (${id})`;
  }
  return (name || id || null) as string | null;
}

function parseIso(s: unknown): number | null {
  if (typeof s !== "string") return null;
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})\.(\d{6})$/.exec(s);
  if (!m) return null;
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) / 1000 + +m[7] / 1e6;
}

function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function describeDelta(seconds: number): string {
  return seconds >= 86400 ? `${roundHalfEven(seconds / 86400)} days` : `${roundHalfEven(seconds / 3600)} hours`;
}

/** The interaction as one sentence ("[bundle] DIRECTION from X to Y"). */
export function describeInteraction(r: RecordData): string {
  let sender = describeParty(r, "sender");
  let recipient = describeParty(r, "recipient") || describeParty(r, "domain");
  const direction = r.direction as string | null | undefined;
  if (!sender && direction === "OUTGOING") sender = "local user";
  if (!recipient && direction === "INCOMING") recipient = "local user";
  let header = `[${r.bundle_id === null || r.bundle_id === undefined ? "None" : r.bundle_id}]`;
  if (r.account) header += ` ${r.account}`;
  if (direction) header += ` ${direction}`;
  let data = `${header} from ${sender || "unknown"} to ${recipient || "unknown"}`;
  if (r.group_name) data += ` (group: ${r.group_name})`;
  if (r.content) data += `: ${r.content}`;
  return data;
}

const EMAIL_RE = /^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i;

export const interactionC = artifact({
  id: "interaction_c",
  platform: "ios",
  timelineName: "InteractionC",
  description: "CoreDuet people interactions: contacts, apps and times (Library/CoreDuet/People/interactionC.db)",
  sources: [{ domain: "HomeDomain", path: "Library/CoreDuet/People/interactionC.db" }],
  async *records(ctx) {
    let maps: ContactMaps | null = null;
    for await (const { file, db } of ctx.databases()) {
      if (!maps) {
        const contacts: RecordData[] = [];
        for await (const c of ctx.databases([WHATSAPP_CONTACTS_SOURCE])) {
          try {
            contacts.push(...readWhatsappContacts(c.db));
          } catch (e) {
            ctx.warn(`cannot read WhatsApp contacts to resolve LIDs: ${errorText(e)}`);
          }
        }
        maps = contactMaps(contacts);
      }
      const q = firstWorking(db, QUERIES);
      if (!q) {
        ctx.gap(file, "no known interactionC schema (ZINTERACTIONS/ZCONTACTS missing or unrecognised)");
        continue;
      }
      for (let it = q.first; !it.done; it = q.rows.next()) yield convert(it.value, maps);
    }
  },
  *observables(r): Iterable<Observable> {
    for (const k of ["sender_identifier", "recipient_identifier"]) {
      const v = r[k];
      if (typeof v === "string" && EMAIL_RE.test(v) && !/@(lid|g\.us|s\.whatsapp\.net)$/.test(v)) yield { type: "email", value: v };
    }
    for (const k of ["attachment_content_url", "interaction_content_url"]) {
      const v = r[k];
      if (typeof v === "string" && /^https?:\/\//i.test(v)) yield { type: "url", value: v };
    }
  },
  time: (r) => (r.start_date as string) || null,
  timeline(r) {
    const data = describeInteraction(r);
    const out: TimelineEvent[] = [];
    const ev = (ts: unknown, event: string, d: string) => out.push({ timestamp: ts as string, module: "InteractionC", event, data: d });
    const seen: unknown[] = [];
    for (const k of ["start_date", "end_date"]) {
      if (!r[k] || seen.includes(r[k])) continue;
      ev(r[k], k, data);
      seen.push(r[k]);
    }
    const creation = r.interactions_creation_date;
    if (creation) {
      const start = parseIso(r.start_date);
      const created = parseIso(creation);
      if (start === null || created === null) ev(creation, "interactions_creation_date", data);
      else {
        const delta = created - start;
        if (Math.abs(delta) >= CREATION_DIVERGENCE)
          ev(creation, "interactions_creation_date", `Interaction record created ${describeDelta(Math.abs(delta))} ${delta > 0 ? "after" : "before"} the event: ${data}`);
      }
    }
    const party = describeParty(r, "sender");
    if (party) for (const [field, tpl] of CONTACT_EVENTS) if (r[field]) ev(r[field], field, tpl.replace("{party}", party));
    return out;
  },
});
