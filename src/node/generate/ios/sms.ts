// Synthetic Library/SMS/sms.db (real iOS 14+ schema): ≈ g.rows messages, some with links and attachments;
// when planting, a message links to a planted domain and one received attachment sits in /var/tmp/…-1.

import type { GeneratedFile, GenContext } from "./types.js";

export const SMS_SCHEMA = `
CREATE TABLE handle (ROWID INTEGER PRIMARY KEY AUTOINCREMENT UNIQUE, id TEXT NOT NULL, country TEXT, service TEXT NOT NULL, uncanonicalized_id TEXT, person_centric_id TEXT, UNIQUE (id, service) );
CREATE TABLE message (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, text TEXT, replace INTEGER DEFAULT 0, service_center TEXT, handle_id INTEGER DEFAULT 0, subject TEXT, country TEXT, attributedBody BLOB, version INTEGER DEFAULT 0, type INTEGER DEFAULT 0, service TEXT, account TEXT, account_guid TEXT, error INTEGER DEFAULT 0, date INTEGER, date_read INTEGER, date_delivered INTEGER, is_delivered INTEGER DEFAULT 0, is_finished INTEGER DEFAULT 0, is_emote INTEGER DEFAULT 0, is_from_me INTEGER DEFAULT 0, is_empty INTEGER DEFAULT 0, is_delayed INTEGER DEFAULT 0, is_auto_reply INTEGER DEFAULT 0, is_prepared INTEGER DEFAULT 0, is_read INTEGER DEFAULT 0, is_system_message INTEGER DEFAULT 0, is_sent INTEGER DEFAULT 0, has_dd_results INTEGER DEFAULT 0, is_service_message INTEGER DEFAULT 0, is_forward INTEGER DEFAULT 0, was_downgraded INTEGER DEFAULT 0, is_archive INTEGER DEFAULT 0, cache_has_attachments INTEGER DEFAULT 0, cache_roomnames TEXT, was_data_detected INTEGER DEFAULT 0, was_deduplicated INTEGER DEFAULT 0, is_audio_message INTEGER DEFAULT 0, is_played INTEGER DEFAULT 0, date_played INTEGER, item_type INTEGER DEFAULT 0, other_handle INTEGER DEFAULT 0, group_title TEXT, group_action_type INTEGER DEFAULT 0, share_status INTEGER DEFAULT 0, share_direction INTEGER DEFAULT 0, is_expirable INTEGER DEFAULT 0, expire_state INTEGER DEFAULT 0, message_action_type INTEGER DEFAULT 0, message_source INTEGER DEFAULT 0, associated_message_guid TEXT, associated_message_type INTEGER DEFAULT 0, balloon_bundle_id TEXT, payload_data BLOB, expressive_send_style_id TEXT, associated_message_range_location INTEGER DEFAULT 0, associated_message_range_length INTEGER DEFAULT 0, time_expressive_send_played INTEGER, message_summary_info BLOB, ck_sync_state INTEGER DEFAULT 0, ck_record_id TEXT, ck_record_change_tag TEXT, destination_caller_id TEXT, sr_ck_sync_state INTEGER DEFAULT 0, sr_ck_record_id TEXT, sr_ck_record_change_tag TEXT, is_corrupt INTEGER DEFAULT 0, reply_to_guid TEXT DEFAULT NULL, sort_id INTEGER DEFAULT 0, is_spam INTEGER DEFAULT 0, has_unseen_mention INTEGER DEFAULT 0, thread_originator_guid TEXT DEFAULT NULL, thread_originator_part TEXT DEFAULT NULL);
CREATE TABLE chat (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, style INTEGER, state INTEGER, account_id TEXT, properties BLOB, chat_identifier TEXT, service_name TEXT, room_name TEXT, account_login TEXT, is_archived INTEGER DEFAULT 0, last_addressed_handle TEXT, display_name TEXT, group_id TEXT, is_filtered INTEGER DEFAULT 0, successful_query INTEGER DEFAULT 0);
CREATE TABLE chat_handle_join (chat_id INTEGER REFERENCES chat (ROWID) ON DELETE CASCADE, handle_id INTEGER REFERENCES handle (ROWID) ON DELETE CASCADE, UNIQUE(chat_id, handle_id));
CREATE TABLE chat_message_join (chat_id INTEGER REFERENCES chat (ROWID) ON DELETE CASCADE, message_id INTEGER REFERENCES message (ROWID) ON DELETE CASCADE, message_date INTEGER DEFAULT 0, PRIMARY KEY (chat_id, message_id));
CREATE TABLE attachment (ROWID INTEGER PRIMARY KEY AUTOINCREMENT UNIQUE, guid TEXT UNIQUE NOT NULL, created_date INTEGER DEFAULT 0, start_date INTEGER DEFAULT 0, filename TEXT, uti TEXT, mime_type TEXT, transfer_state INTEGER DEFAULT 0, is_outgoing INTEGER DEFAULT 0, user_info BLOB, transfer_name TEXT, total_bytes INTEGER DEFAULT 0, is_sticker INTEGER DEFAULT 0, sticker_user_info BLOB, attribution_info BLOB, hide_attachment INTEGER DEFAULT 0, ck_sync_state INTEGER DEFAULT 0, ck_server_change_token_blob BLOB, ck_record_id TEXT, original_guid TEXT UNIQUE NOT NULL, sr_ck_sync_state INTEGER DEFAULT 0, sr_ck_server_change_token_blob BLOB, sr_ck_record_id TEXT, is_commsafety_sensitive INTEGER DEFAULT 0);
CREATE TABLE message_attachment_join (message_id INTEGER REFERENCES message (ROWID) ON DELETE CASCADE, attachment_id INTEGER REFERENCES attachment (ROWID) ON DELETE CASCADE, UNIQUE(message_id, attachment_id));
`;

const WORDS = ["hello", "see", "you", "tomorrow", "ok", "thanks", "meeting", "at", "noon", "call", "me", "later", "on", "my", "way"];
const SITES = ["www.wikipedia.org/wiki/Privacy", "news.example.com/today", "maps.apple.com/?q=cafe", "www.youtube.com/watch?v=dQw4w9WgXcQ"];

/** Apple absolute time in nanoseconds, as sms.db stores it (iOS 11+). */
export function macNanos(unix: number): bigint {
  return BigInt(Math.round((unix - 978307200) * 1e6)) * 1000n;
}

export function generateSms(db: import("better-sqlite3").Database, g: GenContext): void {
  db.exec(SMS_SCHEMA);
  const nHandles = Math.max(3, Math.round(g.rows / 50));
  const insHandle = db.prepare("INSERT INTO handle (id, country, service, uncanonicalized_id, person_centric_id) VALUES (?, 'us', ?, NULL, NULL)");
  const insMsg = db.prepare(
    `INSERT INTO message (guid, text, service_center, handle_id, service, account, account_guid, date, date_read, date_delivered,
       is_delivered, is_finished, is_from_me, is_read, is_sent, cache_has_attachments, destination_caller_id)
     VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, 1, 1, ?, ?, ?, ?, ?)`,
  );
  const insAtt = db.prepare(
    `INSERT INTO attachment (guid, created_date, start_date, filename, uti, mime_type, transfer_state, is_outgoing, user_info,
       transfer_name, total_bytes, is_sticker, original_guid) VALUES (?, ?, 0, ?, ?, ?, 5, ?, NULL, ?, ?, 0, ?)`,
  );
  const insJoin = db.prepare("INSERT INTO message_attachment_join (message_id, attachment_id) VALUES (?, ?)");
  // Deterministic GUIDs without per-row randomness (the UNIQUE index makes random ones no more realistic).
  const base = g.rng.uuid().slice(0, 24);
  const guid = (n: number) => `${base}${n.toString(16).toUpperCase().padStart(12, "0")}`;
  const accountGuid = g.rng.uuid();
  db.transaction(() => {
    for (let i = 0; i < nHandles; i++) insHandle.run(`+1415555${String(1000 + i).padStart(4, "0")}`, g.rng.next() < 0.6 ? "iMessage" : "SMS");
    const plantAt = g.plant ? Math.floor(g.rows / 2) : -1;
    for (let i = 0; i < g.rows; i++) {
      // Messages are appended in time order, as iOS writes them (ROWID grows with date).
      const t = g.now - 90 * 86400 + ((i + g.rng.next()) / g.rows) * 90 * 86400;
      const fromMe = g.rng.next() < 0.4 ? 1 : 0;
      const handle = g.rng.int(1, nHandles);
      let text = Array.from({ length: g.rng.int(2, 9) }, () => g.rng.pick(WORDS)).join(" ");
      if (g.rng.next() < 0.05) text += ` https://${g.rng.pick(SITES)}`;
      if (i === plantAt && g.plant?.domains.length) text = `Your parcel is waiting: https://${g.plant.domains[0]}/track/${g.rng.hex(8)}`;
      const service = g.rng.next() < 0.6 ? "iMessage" : "SMS";
      const date = macNanos(t);
      const hasAtt = g.rng.next() < 0.02 || i === plantAt;
      const id = insMsg.run(
        guid(i), text, handle, service, `e:user@example.com`, accountGuid, date, fromMe ? 0n : date + 5_000_000_000n, date + 1_000_000_000n,
        fromMe, fromMe ? 0 : 1, fromMe, hasAtt ? 1 : 0, fromMe ? "e:user@example.com" : null,
      ).lastInsertRowid;
      if (hasAtt) {
        const planted = i === plantAt;
        const attGuid = g.rng.uuid();
        const name = planted ? `/var/tmp/com.apple.messages/${g.rng.hex(8)}.gif-1` : `~/Library/SMS/Attachments/${attGuid.slice(0, 2).toLowerCase()}/${String(i % 100).padStart(2, "0")}/${attGuid}/IMG_${1000 + i}.HEIC`;
        const att = insAtt.run(
          attGuid, Math.round(t - 978307200), name, planted ? "com.compuserve.gif" : "public.heic", planted ? "image/gif" : "image/heic",
          planted ? 0 : fromMe, planted ? "" : `IMG_${1000 + i}.HEIC`, g.rng.int(20_000, 4_000_000), attGuid,
        ).lastInsertRowid;
        insJoin.run(id, att);
      }
    }
  })();
}

export const files: GeneratedFile[] = [
  { modules: ["sms", "sms_attachments"], domain: "HomeDomain", relativePath: "Library/SMS/sms.db", sqlite: generateSms },
];
