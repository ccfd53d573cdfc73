// Synthetic Library/CoreDuet/People/interactionC.db (Core Data schema of iOS 14+): contacts and
// ≈ g.rows/10 interactions over Messages, WhatsApp, Mail and Phone; when planting, a planted email
// address sends an iMessage interaction.

import type Database from "better-sqlite3";
import type { GeneratedFile, GenContext } from "./types.js";
import { whatsappPeople } from "./whatsapp.js";

const MAC = 978307200;

export const INTERACTIONC_SCHEMA = `
CREATE TABLE ZCONTACTS (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZINCOMINGRECIPIENTCOUNT INTEGER,
  ZINCOMINGSENDERCOUNT INTEGER, ZOUTGOINGRECIPIENTCOUNT INTEGER, ZTYPE INTEGER, ZCREATIONDATE TIMESTAMP,
  ZFIRSTINCOMINGRECIPIENTDATE TIMESTAMP, ZFIRSTINCOMINGSENDERDATE TIMESTAMP, ZFIRSTOUTGOINGRECIPIENTDATE TIMESTAMP,
  ZLASTINCOMINGRECIPIENTDATE TIMESTAMP, ZLASTINCOMINGSENDERDATE TIMESTAMP, ZLASTOUTGOINGRECIPIENTDATE TIMESTAMP,
  ZCUSTOMIDENTIFIER VARCHAR, ZDISPLAYNAME VARCHAR, ZIDENTIFIER VARCHAR, ZPERSONID VARCHAR, ZPERSONIDTYPE INTEGER);
CREATE TABLE ZINTERACTIONS (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZDIRECTION INTEGER, ZISRESPONSE INTEGER,
  ZMECHANISM INTEGER, ZRECIPIENTCOUNT INTEGER, ZSENDER INTEGER, ZCREATIONDATE TIMESTAMP, ZENDDATE TIMESTAMP, ZSTARTDATE TIMESTAMP,
  ZACCOUNT VARCHAR, ZBUNDLEID VARCHAR, ZCONTENTURL VARCHAR, ZDERIVEDINTENTIDENTIFIER VARCHAR, ZDOMAINIDENTIFIER VARCHAR,
  ZGROUPNAME VARCHAR, ZLOCATIONUUID VARCHAR, ZTARGETBUNDLEID VARCHAR, ZUUID VARCHAR);
CREATE TABLE ZATTACHMENT (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZSIZEINBYTES INTEGER, ZCREATIONDATE TIMESTAMP,
  ZCLOUDIDENTIFIER VARCHAR, ZCONTENTTEXT VARCHAR, ZCONTENTURL VARCHAR, ZPHOTOLOCALIDENTIFIER VARCHAR, ZUTI VARCHAR, ZIDENTIFIER BLOB);
CREATE TABLE Z_1INTERACTIONS (Z_1ATTACHMENTS INTEGER, Z_3INTERACTIONS INTEGER, PRIMARY KEY (Z_1ATTACHMENTS, Z_3INTERACTIONS));
CREATE TABLE Z_2INTERACTIONRECIPIENT (Z_2RECIPIENTS INTEGER, Z_3INTERACTIONRECIPIENT INTEGER, PRIMARY KEY (Z_2RECIPIENTS, Z_3INTERACTIONRECIPIENT));
`;

const BUNDLES = ["com.apple.MobileSMS", "net.whatsapp.WhatsApp", "com.apple.mobilemail", "com.apple.InCallService"];

function interactionC(db: Database.Database, g: GenContext): void {
  db.exec(INTERACTIONC_SCHEMA);
  const people = whatsappPeople(g);
  const insContact = db.prepare(
    `INSERT INTO ZCONTACTS (Z_PK, Z_ENT, Z_OPT, ZINCOMINGRECIPIENTCOUNT, ZINCOMINGSENDERCOUNT, ZOUTGOINGRECIPIENTCOUNT, ZTYPE,
       ZCREATIONDATE, ZFIRSTINCOMINGSENDERDATE, ZLASTINCOMINGSENDERDATE, ZCUSTOMIDENTIFIER, ZDISPLAYNAME, ZIDENTIFIER, ZPERSONIDTYPE)
     VALUES (?, 2, 1, 0, ?, ?, 0, ?, ?, ?, ?, ?, ?, 0)`,
  );
  const insInter = db.prepare(
    `INSERT INTO ZINTERACTIONS (Z_PK, Z_ENT, Z_OPT, ZDIRECTION, ZISRESPONSE, ZMECHANISM, ZRECIPIENTCOUNT, ZSENDER, ZCREATIONDATE,
       ZENDDATE, ZSTARTDATE, ZACCOUNT, ZBUNDLEID, ZDOMAINIDENTIFIER, ZUUID) VALUES (?, 3, 1, ?, 0, 4, 1, ?, ?, ?, ?, NULL, ?, ?, ?)`,
  );
  const insRecipient = db.prepare("INSERT OR IGNORE INTO Z_2INTERACTIONRECIPIENT (Z_2RECIPIENTS, Z_3INTERACTIONRECIPIENT) VALUES (?, ?)");
  db.transaction(() => {
    const ids: string[] = [];
    people.forEach((p, i) => {
      const t = g.now - 200 * 86400 - MAC;
      const lid = i % 2 === 0;
      insContact.run(i + 1, 5, 5, t, t + 86400, g.now - 86400 - MAC, lid ? `${p.lid}@lid` : null, lid ? null : p.name, lid ? `${p.lid}@lid` : `+${p.phone}`);
      ids.push(p.name);
    });
    let plantedContact = -1;
    if (g.plant?.emails.length) {
      plantedContact = people.length + 1;
      const t = g.now - 10 * 86400 - MAC;
      insContact.run(plantedContact, 1, 0, t, t, t, null, null, g.plant.emails[0]);
    }
    const n = Math.max(10, Math.round(g.rows / 10));
    for (let i = 0; i < n; i++) {
      const t = g.now - g.rng.next() * 90 * 86400 - MAC;
      const planted = plantedContact > 0 && i === Math.floor(n / 2);
      const dir = planted ? 0 : g.rng.next() < 0.5 ? 0 : 1;
      const contact = planted ? plantedContact : g.rng.int(1, people.length);
      const bundle = contact === plantedContact ? "com.apple.MobileSMS" : g.rng.pick(BUNDLES);
      insInter.run(i + 1, dir, dir === 0 ? contact : null, t + g.rng.next(), t + g.rng.int(0, 600), t, bundle, bundle === "net.whatsapp.WhatsApp" ? `${people[(contact - 1) % people.length].lid}@lid` : null, g.rng.uuid());
      if (dir === 1) insRecipient.run(contact, i + 1);
    }
  })();
}

export const files: GeneratedFile[] = [
  { modules: ["interaction_c"], domain: "HomeDomain", relativePath: "Library/CoreDuet/People/interactionC.db", sqlite: interactionC },
];
