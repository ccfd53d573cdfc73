// Synthetic Library/AddressBook/AddressBook.sqlitedb (ABPerson / ABMultiValue of the iOS address book):
// max(5, g.rows/100) people with phones and e-mails; when planting, a contact with a planted e-mail.

import type { GeneratedFile, GenContext } from "./types.js";

export const ADDRESSBOOK_SCHEMA = `
CREATE TABLE ABPerson (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, First TEXT, Last TEXT, Middle TEXT, FirstPhonetic TEXT, MiddlePhonetic TEXT, LastPhonetic TEXT, Organization TEXT, Department TEXT, Note TEXT, Kind INTEGER, Birthday TEXT, JobTitle TEXT, Nickname TEXT, Prefix TEXT, Suffix TEXT, FirstSort TEXT, LastSort TEXT, CreationDate INTEGER, ModificationDate INTEGER, CompositeNameFallback TEXT, ExternalIdentifier TEXT, ExternalModificationTag TEXT, ExternalUUID TEXT, StoreID INTEGER, DisplayName TEXT, ExternalRepresentation BLOB, FirstSortSection TEXT, LastSortSection TEXT, FirstSortLanguageIndex INTEGER DEFAULT 2147483647, LastSortLanguageIndex INTEGER DEFAULT 2147483647, PersonLink INTEGER DEFAULT -1, ImageURI TEXT, IsPreferredName INTEGER DEFAULT 1, guid TEXT DEFAULT (ab_generate_guid()), PhonemeData TEXT, AlternateBirthday TEXT, MapsData TEXT, FirstPronunciation TEXT, MiddlePronunciation TEXT, LastPronunciation TEXT, OrganizationPhonetic TEXT, OrganizationPronunciation TEXT, PreviousFamilyName TEXT, PreferredLikenessSource TEXT, PreferredPersonaIdentifier TEXT, PreferredChannel TEXT, DowntimeWhitelist TEXT, ImageType TEXT, ImageHash BLOB, MemojiMetadata BLOB, Wallpaper BLOB, DisplayFlags INTEGER DEFAULT 0, SensitiveContentConfiguration BLOB, WallpaperURI TEXT, SyncAnchor TEXT);
CREATE TABLE ABMultiValue (UID INTEGER PRIMARY KEY, record_id INTEGER, property INTEGER, identifier INTEGER, label INTEGER, value TEXT, guid TEXT DEFAULT (ab_generate_guid()), UNIQUE(guid));
CREATE TABLE ABMultiValueLabel (value TEXT, UNIQUE(value));
CREATE TABLE ABMultiValueEntry (parent_id INTEGER, key INTEGER, value TEXT, UNIQUE(parent_id, key));
CREATE INDEX ABMultiValueRecordIDIndex ON ABMultiValue(record_id);
`;

const FIRST = ["Alice", "Bob", "Carla", "Dmitri", "Esra", "Farid", "Gina", "Hiro", "Ines", "Jonas"];
const LAST = ["Nguyen", "Smith", "Rossi", "Okafor", "Kowalski", "Haddad", "Silva", "Tanaka"];
const ORGS = [null, null, "Acme Corp", "City Newspaper", "Legal Aid Clinic"];

export function generateContacts(db: import("better-sqlite3").Database, g: GenContext): void {
  // The real database defines ab_generate_guid(); give this connection one so the DEFAULTs work.
  db.function("ab_generate_guid", () => g.rng.uuid());
  db.exec(ADDRESSBOOK_SCHEMA);
  const n = Math.max(5, Math.round(g.rows / 100));
  const insPerson = db.prepare(
    "INSERT INTO ABPerson (ROWID, First, Last, Middle, Organization, Kind, CreationDate, ModificationDate, DisplayName) VALUES (?, ?, ?, NULL, ?, 0, ?, ?, '')",
  );
  const insMv = db.prepare("INSERT INTO ABMultiValue (record_id, property, identifier, label, value) VALUES (?, ?, ?, 1, ?)");
  db.transaction(() => {
    db.exec("INSERT INTO ABMultiValueLabel (value) VALUES ('_$!<Mobile>!$_'), ('_$!<Home>!$_'), ('_$!<Work>!$_')");
    for (let i = 1; i <= n; i++) {
      const first = g.rng.pick(FIRST);
      const last = g.rng.pick(LAST);
      const created = g.now - 978307200 - g.rng.int(0, 400 * 86400);
      insPerson.run(i, first, last, g.rng.pick(ORGS), created, created + g.rng.int(0, 86400));
      insMv.run(i, 3, 0, `+1 (415) 555-${String(3000 + i).padStart(4, "0")}`);
      if (g.rng.next() < 0.6) insMv.run(i, 4, 1, `${first.toLowerCase()}.${last.toLowerCase()}${i}@example.org`);
      if (g.rng.next() < 0.1) insMv.run(i, 22, 2, `https://www.example.org/~${first.toLowerCase()}`);
    }
    if (g.plant?.emails.length) {
      insPerson.run(n + 1, "Support", null, "Account Security", g.now - 978307200 - 86400, g.now - 978307200 - 86400);
      insMv.run(n + 1, 4, 0, g.plant.emails[0]);
    }
  })();
}

export const files: GeneratedFile[] = [
  { modules: ["contacts"], domain: "HomeDomain", relativePath: "Library/AddressBook/AddressBook.sqlitedb", sqlite: generateContacts },
];
