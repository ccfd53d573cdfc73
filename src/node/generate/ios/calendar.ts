// Synthetic HomeDomain Library/Calendar/Calendar.sqlitedb (iOS 15/16 schema, the tables and columns MVT
// reads plus their neighbours): ≈ max(3, g.rows/20) events, organizers in Participant. When planting, an
// invitation from a planted e-mail with a link on a planted domain, and a QuaDream-style "Meeting"/"Notes" event.

import type { GeneratedFile, GenContext } from "./types.js";

export const CALENDAR_SCHEMA = `
CREATE TABLE Store (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT, default_alarm_offset INTEGER, type INTEGER, constraint_path TEXT, disabled INTEGER, external_id TEXT, persistent_id TEXT, flags INTEGER, UUID TEXT);
CREATE TABLE Calendar (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, store_id INTEGER, title TEXT, flags INTEGER, color TEXT, symbolic_color_name TEXT, color_is_display INTEGER, type TEXT, supported_entity_types INTEGER, external_id TEXT, external_mod_tag TEXT, external_id_tag TEXT, external_rep BLOB, display_order INTEGER, UUID TEXT, shared_owner_name TEXT, shared_owner_address TEXT, sharing_status INTEGER, sharing_invitation_response INTEGER, published_URL TEXT, is_published INTEGER, invitation_status INTEGER, sync_token TEXT, self_identity_id INTEGER, owner_identity_id INTEGER, notes TEXT, locale TEXT, last_sync_start REAL, last_sync_end REAL);
CREATE TABLE CalendarItem (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, summary TEXT, location_id INTEGER, description TEXT, start_date REAL, start_tz TEXT, end_date REAL, all_day INTEGER, calendar_id INTEGER, orig_item_id INTEGER, orig_date REAL, organizer_id INTEGER, self_attendee_id INTEGER, status INTEGER, availability INTEGER, privacy_level INTEGER, url TEXT, last_modified REAL, sequence_num INTEGER, birthday_id INTEGER, modified_properties INTEGER, external_tracking_status INTEGER, external_id TEXT, external_mod_tag TEXT, unique_identifier TEXT, external_schedule_id TEXT, external_rep BLOB, response_comment TEXT, hidden INTEGER, has_recurrences INTEGER, has_attendees INTEGER, UUID TEXT, entity_type INTEGER, priority INTEGER, due_date REAL, due_tz TEXT, due_all_day INTEGER, completion_date REAL, creation_date REAL, conference TEXT, display_order INTEGER, created_by_id INTEGER, modified_by_id INTEGER, shared_item_created_date REAL, shared_item_created_tz TEXT, shared_item_modified_date REAL, shared_item_modified_tz TEXT, invitation_changed_properties INTEGER, default_alarm_removed INTEGER, phantom_master INTEGER, participation_status_modified_date REAL, action TEXT, travel_time INTEGER, app_link TEXT, conference_url_detected TEXT);
CREATE TABLE Participant (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, entity_type INTEGER, type INTEGER, status INTEGER, pending_status INTEGER, role INTEGER, identity_id INTEGER, owner_id INTEGER, external_rep BLOB, UUID TEXT, email TEXT, phone_number TEXT, is_self INTEGER, flags INTEGER, comment TEXT, last_modified REAL);
CREATE INDEX CalendarItem_calendar_id ON CalendarItem(calendar_id);
CREATE INDEX Participant_owner_id ON Participant(owner_id);
`;

const TITLES = ["Team sync", "Dentist", "Lunch with Sam", "Flight to Berlin", "Project review", "Call with lawyer", "Birthday party"];
const DOMAINS = ["example.com", "example.org", "mail.example.net"];

export function generateCalendar(db: import("better-sqlite3").Database, g: GenContext): void {
  db.exec(CALENDAR_SCHEMA);
  db.exec(`INSERT INTO Store (ROWID, name, type, UUID) VALUES (1, 'Default', 0, '${g.rng.uuid()}');
           INSERT INTO Calendar (ROWID, store_id, title, type, UUID) VALUES (1, 1, 'Calendar', 'local', '${g.rng.uuid()}');`);
  const n = Math.max(3, Math.round(g.rows / 20));
  const insItem = db.prepare(
    `INSERT INTO CalendarItem (ROWID, summary, description, start_date, start_tz, end_date, all_day, calendar_id, organizer_id, url,
       last_modified, external_id, external_mod_tag, unique_identifier, hidden, UUID, entity_type, creation_date, action, created_by_id)
     VALUES (?, ?, ?, ?, 'Europe/Paris', ?, 0, 1, ?, ?, ?, NULL, NULL, '', 0, ?, 2, ?, '', 0)`,
  );
  const insPart = db.prepare(
    "INSERT INTO Participant (ROWID, entity_type, type, status, role, owner_id, UUID, email, phone_number, is_self, comment, last_modified) VALUES (?, 7, 1, 1, 0, ?, ?, ?, ?, 0, NULL, NULL)",
  );
  const mac = (unix: number) => Math.round(unix - 978307200);
  db.transaction(() => {
    let part = 0;
    const item = (i: number, summary: string, description: string, email: string | null, url: string) => {
      const created = g.now - 90 * 86400 + ((i + g.rng.next()) / (n + 2)) * 85 * 86400;
      const start = created + g.rng.int(1, 14) * 86400;
      let org = 0;
      if (email) {
        org = ++part;
        insPart.run(org, i, g.rng.uuid().toLowerCase(), email, String(g.rng.int(10_000_000, 99_999_999)));
      }
      insItem.run(i, summary, description, mac(start), mac(start + 3600), org, url, mac(created + 60), g.rng.uuid(), mac(created));
    };
    for (let i = 1; i <= n; i++) {
      const invited = g.rng.next() < 0.4;
      item(i, g.rng.pick(TITLES), "", invited ? `user${i}@${g.rng.pick(DOMAINS)}` : null, "");
    }
    if (g.plant) {
      const d = g.plant.domains[0];
      item(n + 1, "Invitation", `Agenda: https://${d}/agenda`, g.plant.emails[0] ?? null, d ? `https://${d}/meet` : "");
      item(n + 2, "Meeting", "Notes", null, "");
    }
  })();
}

export const files: GeneratedFile[] = [
  { modules: ["calendar"], domain: "HomeDomain", relativePath: "Library/Calendar/Calendar.sqlitedb", sqlite: generateCalendar },
];
