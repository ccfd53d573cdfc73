// Synthetic WhatsApp ContactsV2.sqlite (ZWAADDRESSBOOKCONTACT; string attributes stored as UTF-8 blobs as
// recent WhatsApp versions do), one row per generated WhatsApp person.

import type Database from "better-sqlite3";
import type { GeneratedFile, GenContext } from "./types.js";
import { WHATSAPP_DOMAIN, whatsappPeople } from "./whatsapp.js";

const MAC = 978307200;

export const CONTACTSV2_SCHEMA = `CREATE TABLE ZWAADDRESSBOOKCONTACT (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER,
  ZFULLNAME BLOB, ZGIVENNAME BLOB, ZLASTNAME BLOB, ZUSERNAME BLOB, ZBUSINESSNAME BLOB, ZPHONENUMBER BLOB,
  ZLOCALIZEDPHONENUMBER BLOB, ZWHATSAPPID BLOB, ZLID BLOB, ZABOUTTEXT BLOB, ZABOUTEMOJI BLOB, ZNOTES BLOB,
  ZDISAPPEARINGMODEDURATION FLOAT, ZDISAPPEARINGMODETIMESTAMP TIMESTAMP, ZABOUTTIMESTAMP TIMESTAMP,
  ZABOUTEXPIRATIONTIMESTAMP TIMESTAMP, ZLASTUPDATED TIMESTAMP, ZPHONESTATUS INTEGER, ZSYNCPOLICY INTEGER)`;

const enc = (s: string | null) => (s === null ? null : Buffer.from(s, "utf8"));

function contacts(db: Database.Database, g: GenContext): void {
  db.exec(CONTACTSV2_SCHEMA);
  const ins = db.prepare(
    `INSERT INTO ZWAADDRESSBOOKCONTACT (Z_ENT, Z_OPT, ZFULLNAME, ZGIVENNAME, ZLASTNAME, ZPHONENUMBER, ZLOCALIZEDPHONENUMBER,
       ZWHATSAPPID, ZLID, ZABOUTTEXT, ZDISAPPEARINGMODEDURATION, ZDISAPPEARINGMODETIMESTAMP, ZABOUTTIMESTAMP, ZLASTUPDATED,
       ZPHONESTATUS, ZSYNCPOLICY) VALUES (1, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 1)`,
  );
  db.transaction(() => {
    for (const p of whatsappPeople(g)) {
      const [given, last] = p.name.split(" ");
      const timer = g.rng.pick([0, 0, 0, 86400, 604800, 7776000]);
      const t = (days: number) => g.now - g.rng.next() * days * 86400 - MAC;
      ins.run(
        enc(p.name), enc(given), enc(last), enc(`+${p.phone}`), enc(`(${p.phone.slice(1, 4)}) ${p.phone.slice(4, 7)}-${p.phone.slice(7)}`),
        enc(`${p.phone}@s.whatsapp.net`), enc(`${p.lid}@lid`), enc(g.rng.next() < 0.5 ? "Hey there! I am using WhatsApp." : null),
        timer || null, timer ? t(60) : null, t(300), t(30),
      );
    }
  })();
}

export const files: GeneratedFile[] = [
  { modules: ["whatsapp_contacts", "interaction_c"], domain: WHATSAPP_DOMAIN, relativePath: "ContactsV2.sqlite", sqlite: contacts },
];
