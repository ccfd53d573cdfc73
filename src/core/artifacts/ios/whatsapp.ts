// WhatsApp (ChatStorage.sqlite in the shared app group): every message with the links it carries (text,
// link previews, media URLs), the LID ↔ phone-number pairs WhatsApp recorded, and one record per chat
// session with its first/last message dates — the same three record kinds MVT writes.

import { artifact } from "../module.js";
import type { SqliteDatabase, SqlRow } from "../../formats/sqlite.js";
import type { Observable, RecordData, TimelineEvent } from "../../types.js";
import { isoFromMac } from "../../util/time.js";
import { extractUrls } from "../../util/urls.js";
import { errorText } from "../../util/errors.js";

export const WHATSAPP_DOMAIN = "AppDomainGroup-group.net.whatsapp.WhatsApp.shared";

/** Columns joined from the media / link-preview tables (absent tables give NULL columns). */
const JOINED: [table: string, column: string][] = [
  ["ZWAMEDIAITEM", "ZAUTHORNAME"],
  ["ZWAMEDIAITEM", "ZMEDIAURL"],
  ["ZWAMESSAGEDATAITEM", "ZCONTENT1"],
  ["ZWAMESSAGEDATAITEM", "ZCONTENT2"],
  ["ZWAMESSAGEDATAITEM", "ZMATCHEDTEXT"],
  ["ZWAMESSAGEDATAITEM", "ZSUMMARY"],
  ["ZWAMESSAGEDATAITEM", "ZTITLE"],
];

const LINK_FIELDS = ["ZTEXT", "ZMATCHEDTEXT", "ZMEDIAURL", "ZCONTENT1", "ZCONTENT2"];

/** WhatsApp's own media CDN: every media message links there, so those links are dropped like MVT does. */
const INTERNAL_MEDIA = ["https://mmg-fna.whatsapp.net/", "https://mmg.whatsapp.net/"];

/** Backup file id of LID.sqlite (sha1 of "<domain>-LID.sqlite"): some backups hold the file without a
 *  Manifest.db row, so it is also looked up by id, as MVT does. */
const LID_FILE_ID = "e794f6ffcc3c222535f47684a63d5178da3c4500";

const SESSION_DATES = ["last_message_date", "group_creation_date", "first_stored_message_date", "last_stored_message_date"];

/** MVT's convert_mactime_to_iso: "" for a zero/empty time. */
const macIso = (v: unknown): string => isoFromMac(v as number | bigint | null) ?? "";

function messageQuery(db: SqliteDatabase): string {
  const tables = db.tables();
  const cols = JOINED.map(([t, c]) => {
    const present = tables.has(t.toLowerCase()) && db.columns(t).includes(c);
    return present ? `${t}.${c}` : `NULL AS "${c}"`;
  });
  const joins: string[] = [];
  for (const t of ["ZWAMEDIAITEM", "ZWAMESSAGEDATAITEM"]) {
    if (tables.has(t.toLowerCase()) && db.columns(t).includes("ZMESSAGE")) joins.push(`LEFT JOIN ${t} ON ${t}.ZMESSAGE = ZWAMESSAGE.Z_PK`);
  }
  return `SELECT ZWAMESSAGE.*, ${cols.join(", ")} FROM ZWAMESSAGE ${joins.join(" ")}`;
}

function* messages(db: SqliteDatabase): Generator<RecordData> {
  for (const row of db.iterate(messageQuery(db))) {
    const m: RecordData = { ...row };
    m.isodate = macIso(m.ZMESSAGEDATE || 0);
    if (!m.ZTEXT) m.ZTEXT = "";
    const found: string[] = [];
    for (const f of LINK_FIELDS) if (m[f]) found.push(...extractUrls(String(m[f])));
    const links = [...new Set(found.filter((l) => !INTERNAL_MEDIA.some((p) => l.startsWith(p))))];
    if (links.length || String(m.ZTEXT).trim() === "") m.links = links;
    yield m;
  }
}

function* lidPairs(db: SqliteDatabase, lidMap: Map<string, string>): Generator<RecordData> {
  const cols = db.columns("ZWAPHONENUMBERLIDPAIR");
  if (!cols.length) return;
  const ts = cols.includes("ZTIMESTAMP") ? "ZTIMESTAMP" : "NULL";
  for (const row of db.iterate(`SELECT ZLID AS lid, ZPHONENUMBER AS phone_number, ${ts} AS pair_timestamp FROM ZWAPHONENUMBERLIDPAIR`)) {
    const rec: RecordData = {
      record_type: "lid_phone_number_pair",
      lid: row.lid,
      phone_number: row.phone_number,
      pair_timestamp: row.pair_timestamp ? macIso(row.pair_timestamp) || null : null,
    };
    if (row.lid && row.phone_number) {
      lidMap.set(String(row.lid).split("@")[0], String(row.phone_number).split("@")[0].replace(/^\++/, ""));
    }
    yield rec;
  }
}

function* chatSessions(db: SqliteDatabase, lidMap: Map<string, string>, warn: (m: string) => void): Generator<RecordData> {
  const s = db.columns("ZWACHATSESSION");
  if (!s.length) {
    warn("ChatStorage.sqlite has no ZWACHATSESSION table: no chat-session records");
    return;
  }
  const col = (name: string) => (s.includes(name) ? `ZWACHATSESSION.${name}` : "NULL");
  const hasGroup = db.columns("ZWAGROUPINFO").includes("ZCREATIONDATE") && s.includes("ZGROUPINFO");
  const sql = `SELECT ZWACHATSESSION.Z_PK AS session_pk, ${col("ZCONTACTJID")} AS contact_jid,
      ${col("ZPARTNERNAME")} AS partner_name, ${col("ZSESSIONTYPE")} AS session_type,
      ${col("ZARCHIVED")} AS archived, ${col("ZREMOVED")} AS removed,
      ${col("ZMESSAGECOUNTER")} AS message_counter, ${col("ZLASTMESSAGEDATE")} AS last_message_date,
      ${hasGroup ? "ZWAGROUPINFO.ZCREATIONDATE" : "NULL"} AS group_creation_date,
      MIN(ZWAMESSAGE.ZMESSAGEDATE) AS first_stored_message_date,
      MAX(ZWAMESSAGE.ZMESSAGEDATE) AS last_stored_message_date,
      COUNT(ZWAMESSAGE.Z_PK) AS stored_message_count
    FROM ZWACHATSESSION
    ${hasGroup ? "LEFT JOIN ZWAGROUPINFO ON ZWACHATSESSION.ZGROUPINFO = ZWAGROUPINFO.Z_PK" : ""}
    LEFT JOIN ZWAMESSAGE ON ZWAMESSAGE.ZCHATSESSION = ZWACHATSESSION.Z_PK
    GROUP BY ZWACHATSESSION.Z_PK`;
  let rows: IterableIterator<SqlRow>;
  try {
    rows = db.iterate(sql);
  } catch (e) {
    warn(`cannot read WhatsApp chat sessions: ${errorText(e)}`);
    return;
  }
  for (const row of rows) {
    const rec: RecordData = { ...row, record_type: "chat_session", partner_resolved_phone_number: null };
    const jid = String(row.contact_jid ?? "");
    if (jid.endsWith("@lid")) {
      const phone = lidMap.get(jid.split("@")[0]);
      if (phone) rec.partner_resolved_phone_number = `+${phone}`;
    }
    for (const f of SESSION_DATES) rec[f] = rec[f] ? macIso(rec[f]) || null : null;
    yield rec;
  }
}

function describeChat(r: RecordData): string {
  const jid = (r.contact_jid as string) || "unknown";
  const name = r.partner_name as string | null;
  const id = (r.partner_resolved_phone_number as string) || jid;
  const label = name ? `'${name}' (${id})` : id;
  return jid.endsWith("@g.us") || r.group_creation_date ? `WhatsApp group chat ${label}` : `WhatsApp chat with ${label}`;
}

const py = (v: unknown) => (v === null || v === undefined ? "None" : String(v));

export const whatsapp = artifact({
  id: "whatsapp",
  platform: "ios",
  timelineName: "Whatsapp",
  description: "WhatsApp messages with their links, LID/phone pairs and chat sessions (ChatStorage.sqlite)",
  sources: [{ domain: WHATSAPP_DOMAIN, path: "ChatStorage.sqlite" }],
  async *records(ctx) {
    for await (const { file, db } of ctx.databases()) {
      if (!db.tables().has("zwamessage")) {
        ctx.gap(file, "ChatStorage.sqlite has no ZWAMESSAGE table");
        continue;
      }
      yield* messages(db);
      const lidMap = new Map<string, string>();
      // Newer WhatsApp keeps the LID pairs in LID.sqlite beside ChatStorage.sqlite.
      let fromLidDb = false;
      for await (const lid of ctx.databases([{ domain: file.domain ?? WHATSAPP_DOMAIN, path: "LID.sqlite" }])) {
        fromLidDb = true;
        try {
          yield* lidPairs(lid.db, lidMap);
        } catch (e) {
          ctx.warn(`cannot read WhatsApp LID pairs: ${errorText(e)}`);
        }
      }
      if (!fromLidDb && (file.domain ?? WHATSAPP_DOMAIN) === WHATSAPP_DOMAIN) {
        const byId = `${LID_FILE_ID.slice(0, 2)}/${LID_FILE_ID}`;
        if (await ctx.evidence.stat(byId)) {
          fromLidDb = true;
          const ref = { path: byId, fileId: LID_FILE_ID, domain: WHATSAPP_DOMAIN, relativePath: "LID.sqlite" };
          let lid: SqliteDatabase | null = null;
          try {
            lid = await ctx.sqlite(ref);
            yield* lidPairs(lid, lidMap);
          } catch (e) {
            ctx.warn(`cannot read WhatsApp LID pairs: ${errorText(e)}`);
          } finally {
            lid?.close();
          }
        }
      }
      if (!fromLidDb) yield* lidPairs(db, lidMap);
      yield* chatSessions(db, lidMap, ctx.warn);
    }
  },
  *observables(r): Iterable<Observable> {
    for (const url of (r.links as string[] | undefined) ?? []) yield { type: "url", value: url };
  },
  time: (r) => (r.isodate as string) || null,
  timeline(r) {
    const ev = (timestamp: unknown, event: string, data: string): TimelineEvent => ({
      timestamp: timestamp as string,
      module: "Whatsapp",
      event,
      data,
    });
    if (r.record_type === "lid_phone_number_pair") {
      if (!r.pair_timestamp) return null;
      return ev(r.pair_timestamp, "lid_pair_recorded", `WhatsApp associated LID ${py(r.lid)} with phone number ${py(r.phone_number)}`);
    }
    if (r.record_type === "chat_session") {
      const chat = describeChat(r);
      const out: TimelineEvent[] = [];
      if (r.group_creation_date) out.push(ev(r.group_creation_date, "group_created", `${chat} was created`));
      if (r.first_stored_message_date) out.push(ev(r.first_stored_message_date, "chat_first_message", `First stored message in ${chat}`));
      const last = r.last_message_date || r.last_stored_message_date;
      if (last) out.push(ev(last, "chat_last_message", `Last message in ${chat}`));
      return out;
    }
    if (!r.isodate) return null;
    const text = String(r.ZTEXT ?? "").replace(/\n/g, "\\n");
    const links = r.links as string[] | undefined;
    const linkText = links?.length ? ` - Embedded links: ${links.join(", ")}` : "";
    return ev(r.isodate, "message", `'${text}' from ${"ZFROMJID" in r ? py(r.ZFROMJID) : "Unknown"}${linkText}`);
  },
});
