// Synthetic WhatsApp ChatStorage.sqlite + LID.sqlite (Core Data schema as WhatsApp ships it, reduced to the
// columns forensic tools read): ≈ g.rows/10 messages over a few chat sessions; when planting, one message
// carries a link to a planted domain (as link-preview data too).

import type Database from "better-sqlite3";
import type { GeneratedFile, GenContext } from "./types.js";

export const WHATSAPP_DOMAIN = "AppDomainGroup-group.net.whatsapp.WhatsApp.shared";
const MAC = 978307200;

export const CHATSTORAGE_SCHEMA = `
CREATE TABLE ZWACHATSESSION (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZARCHIVED INTEGER, ZCONTACTABID INTEGER,
  ZFLAGS INTEGER, ZHIDDEN INTEGER, ZIDENTITYVERIFICATIONEPOCH INTEGER, ZIDENTITYVERIFICATIONSTATE INTEGER, ZMESSAGECOUNTER INTEGER,
  ZREMOVED INTEGER, ZSESSIONTYPE INTEGER, ZSPOTLIGHTSTATUS INTEGER, ZUNREADCOUNT INTEGER, ZGROUPINFO INTEGER, ZLASTMESSAGE INTEGER,
  ZPROPERTIES INTEGER, ZLASTMESSAGEDATE TIMESTAMP, ZLOCATIONSHARINGENDDATE TIMESTAMP, ZCONTACTIDENTIFIER VARCHAR,
  ZCONTACTJID VARCHAR, ZETAG VARCHAR, ZLASTMESSAGETEXT VARCHAR, ZPARTNERNAME VARCHAR, ZSAVEDINPUT VARCHAR);
CREATE TABLE ZWAGROUPINFO (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZSTATE INTEGER, ZCHATSESSION INTEGER,
  ZLASTMESSAGEOWNER INTEGER, ZCREATIONDATE TIMESTAMP, ZSUBJECTTIMESTAMP TIMESTAMP, ZCREATORJID VARCHAR, ZOWNERJID VARCHAR,
  ZPICTUREID VARCHAR, ZPICTUREPATH VARCHAR, ZSOURCEJID VARCHAR, ZSUBJECTOWNERJID VARCHAR);
CREATE TABLE ZWAMESSAGE (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZCHILDMESSAGESDELIVEREDCOUNT INTEGER,
  ZCHILDMESSAGESPLAYEDCOUNT INTEGER, ZCHILDMESSAGESREADCOUNT INTEGER, ZDATAITEMVERSION INTEGER, ZDOCID INTEGER, ZENCRETRYCOUNT INTEGER,
  ZFILTEREDRECIPIENTCOUNT INTEGER, ZFLAGS INTEGER, ZGROUPEVENTTYPE INTEGER, ZISFROMME INTEGER, ZMESSAGEERRORSTATUS INTEGER,
  ZMESSAGESTATUS INTEGER, ZMESSAGETYPE INTEGER, ZSORT INTEGER, ZSPOTLIGHTSTATUS INTEGER, ZSTARRED INTEGER, ZCHATSESSION INTEGER,
  ZGROUPMEMBER INTEGER, ZLASTSESSION INTEGER, ZMEDIAITEM INTEGER, ZMESSAGEINFO INTEGER, ZPARENTMESSAGE INTEGER,
  ZMESSAGEDATE TIMESTAMP, ZSENTDATE TIMESTAMP, ZFROMJID VARCHAR, ZMEDIASECTIONID VARCHAR, ZPHASH VARCHAR, ZPUSHNAME VARCHAR,
  ZSTANZAID VARCHAR, ZTEXT VARCHAR, ZTOJID VARCHAR);
CREATE TABLE ZWAMEDIAITEM (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZCLOUDSTATUS INTEGER, ZFILESIZE INTEGER,
  ZMEDIAORIGIN INTEGER, ZMOVIEDURATION INTEGER, ZMESSAGE INTEGER, ZASPECTRATIO FLOAT, ZHACCURACY FLOAT, ZLATITUDE FLOAT,
  ZLONGITUDE FLOAT, ZMEDIAURLDATE TIMESTAMP, ZAUTHORNAME VARCHAR, ZCOLLECTIONNAME VARCHAR, ZMEDIALOCALPATH VARCHAR,
  ZMEDIAURL VARCHAR, ZTHUMBNAILLOCALPATH VARCHAR, ZTITLE VARCHAR, ZVCARDNAME VARCHAR, ZVCARDSTRING VARCHAR, ZXMPPTHUMBPATH VARCHAR,
  ZMEDIAKEY BLOB, ZMETADATA BLOB);
CREATE TABLE ZWAMESSAGEDATAITEM (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZINDEX INTEGER, ZMESSAGE INTEGER,
  ZDATE TIMESTAMP, ZCONTENT1 VARCHAR, ZCONTENT2 VARCHAR, ZMATCHEDTEXT VARCHAR, ZSECTIONID VARCHAR, ZSUMMARY VARCHAR, ZTITLE VARCHAR);
`;

export const LID_SCHEMA = `CREATE TABLE ZWAPHONENUMBERLIDPAIR (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER,
  ZTIMESTAMP TIMESTAMP, ZLID VARCHAR, ZPHONENUMBER VARCHAR);`;

const WORDS = ["ciao", "ok", "see", "you", "soon", "👍", "dinner", "tonight?", "sure", "photo", "sent", "where", "are", "you"];

/** Contacts shared by ChatStorage, LID and ContactsV2 so the generated databases agree. */
export function whatsappPeople(g: GenContext): { phone: string; lid: string; name: string }[] {
  const n = Math.max(3, Math.round(g.rows / 1000));
  return Array.from({ length: n }, (_, i) => ({
    phone: `1415556${String(1000 + i).padStart(4, "0")}`,
    lid: `1${String(100000000000000 + i * 7919)}`,
    name: `Person ${i + 1}`,
  }));
}

function chatStorage(db: Database.Database, g: GenContext): void {
  db.exec(CHATSTORAGE_SCHEMA);
  const people = whatsappPeople(g);
  const nMessages = Math.max(10, Math.round(g.rows / 10));
  const insSession = db.prepare(
    `INSERT INTO ZWACHATSESSION (Z_PK, Z_ENT, Z_OPT, ZARCHIVED, ZHIDDEN, ZMESSAGECOUNTER, ZREMOVED, ZSESSIONTYPE, ZGROUPINFO,
       ZLASTMESSAGEDATE, ZCONTACTJID, ZPARTNERNAME) VALUES (?, 4, 1, 0, 0, 0, 0, ?, ?, NULL, ?, ?)`,
  );
  const insGroup = db.prepare("INSERT INTO ZWAGROUPINFO (Z_PK, Z_ENT, Z_OPT, ZCHATSESSION, ZCREATIONDATE, ZCREATORJID) VALUES (?, 5, 1, ?, ?, ?)");
  const insMsg = db.prepare(
    `INSERT INTO ZWAMESSAGE (Z_PK, Z_ENT, Z_OPT, ZISFROMME, ZMESSAGESTATUS, ZMESSAGETYPE, ZCHATSESSION, ZMESSAGEDATE, ZSENTDATE,
       ZFROMJID, ZSTANZAID, ZTEXT, ZTOJID) VALUES (?, 9, 2, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insMedia = db.prepare("INSERT INTO ZWAMEDIAITEM (Z_ENT, Z_OPT, ZMESSAGE, ZFILESIZE, ZMEDIAURL, ZMEDIALOCALPATH, ZAUTHORNAME) VALUES (8, 1, ?, ?, ?, ?, NULL)");
  const insData = db.prepare("INSERT INTO ZWAMESSAGEDATAITEM (Z_ENT, Z_OPT, ZMESSAGE, ZCONTENT1, ZMATCHEDTEXT, ZSUMMARY, ZTITLE) VALUES (10, 1, ?, ?, ?, ?, ?)");
  const updSession = db.prepare("UPDATE ZWACHATSESSION SET ZMESSAGECOUNTER = ZMESSAGECOUNTER + 1, ZLASTMESSAGEDATE = MAX(IFNULL(ZLASTMESSAGEDATE, 0), ?) WHERE Z_PK = ?");
  db.transaction(() => {
    const sessions: string[] = [];
    people.forEach((p, i) => {
      // Newer WhatsApp names 1:1 chats by LID; older ones by phone JID.
      const jid = i % 2 === 0 ? `${p.lid}@lid` : `${p.phone}@s.whatsapp.net`;
      insSession.run(i + 1, 0, null, jid, p.name);
      sessions.push(`${p.phone}@s.whatsapp.net`);
    });
    const gid = people.length + 1;
    insSession.run(gid, 1, 1, `1203630${g.rng.int(10000000, 99999999)}@g.us`, "Family");
    insGroup.run(1, gid, g.now - 100 * 86400 - MAC, `${people[0].phone}@s.whatsapp.net`);
    sessions.push("");
    const plantAt = g.plant?.domains.length ? Math.floor(nMessages / 3) : -1;
    for (let i = 0; i < nMessages; i++) {
      const s = g.rng.int(1, sessions.length);
      const peer = sessions[s - 1] || `${g.rng.pick(people).phone}@s.whatsapp.net`;
      const fromMe = g.rng.next() < 0.45 ? 1 : 0;
      const t = g.now - g.rng.next() * 90 * 86400 - MAC;
      let type = 0;
      let text: string | null = Array.from({ length: g.rng.int(1, 8) }, () => g.rng.pick(WORDS)).join(" ");
      if (g.rng.next() < 0.08) {
        type = 1;
        text = null;
      }
      const planted = i === plantAt;
      if (planted) text = `look at this https://${g.plant!.domains[0]}/v/${g.rng.hex(10)}`;
      insMsg.run(i + 1, fromMe, fromMe ? 8 : 6, type, s, t, t, fromMe ? null : peer, g.rng.hex(20).toUpperCase(), text, fromMe ? peer : null);
      if (type === 1) insMedia.run(i + 1, g.rng.int(10_000, 3_000_000), `https://mmg.whatsapp.net/v/t62.7118-24/${g.rng.hex(16)}.enc`, `Media/${g.rng.hex(6)}.jpg`);
      if (planted) insData.run(i + 1, `https://${g.plant!.domains[0]}/v/preview`, `https://${g.plant!.domains[0]}`, "Preview", "News");
      updSession.run(t, s);
    }
  })();
}

function lidDb(db: Database.Database, g: GenContext): void {
  db.exec(LID_SCHEMA);
  const ins = db.prepare("INSERT INTO ZWAPHONENUMBERLIDPAIR (Z_ENT, Z_OPT, ZTIMESTAMP, ZLID, ZPHONENUMBER) VALUES (1, 1, ?, ?, ?)");
  db.transaction(() => {
    for (const p of whatsappPeople(g)) ins.run(g.now - g.rng.next() * 200 * 86400 - MAC, p.lid, p.phone);
  })();
}

export const files: GeneratedFile[] = [
  { modules: ["whatsapp"], domain: WHATSAPP_DOMAIN, relativePath: "ChatStorage.sqlite", sqlite: chatStorage },
  { modules: ["whatsapp"], domain: WHATSAPP_DOMAIN, relativePath: "LID.sqlite", sqlite: lidDb },
];
