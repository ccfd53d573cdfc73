// Synthetic Library/CallHistoryDB/CallHistory.storedata (Core Data schema of iOS 14+): ≈ g.rows/4 calls.

import type { GeneratedFile, GenContext } from "./types.js";

export const CALLS_SCHEMA = `
CREATE TABLE ZCALLRECORD ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZANSWERED INTEGER, ZCALL_CATEGORY INTEGER, ZCALLTYPE INTEGER, ZDISCONNECTED_CAUSE INTEGER, ZFACE_TIME_DATA INTEGER, ZHANDLE_TYPE INTEGER, ZNUMBER_AVAILABILITY INTEGER, ZORIGINATED INTEGER, ZREAD INTEGER, ZJUNKCONFIDENCE INTEGER, ZJUNKIDENTIFICATIONCATEGORY INTEGER, ZVERIFICATIONSTATUS INTEGER, ZDATE TIMESTAMP, ZDURATION FLOAT, ZDEVICE_ID VARCHAR, ZISO_COUNTRY_CODE VARCHAR, ZLOCATION VARCHAR, ZNAME VARCHAR, ZSERVICE_PROVIDER VARCHAR, ZUNIQUE_ID VARCHAR, ZADDRESS BLOB, ZLOCALPARTICIPANTUUID BLOB, ZOUTGOINGLOCALPARTICIPANTUUID BLOB );
CREATE TABLE ZHANDLE ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZTYPE INTEGER, ZNORMALIZEDVALUE VARCHAR, ZVALUE VARCHAR );
CREATE TABLE Z_2REMOTEPARTICIPANTHANDLES ( Z_2REMOTEPARTICIPANTCALLS INTEGER, Z_4REMOTEPARTICIPANTHANDLES INTEGER, PRIMARY KEY (Z_2REMOTEPARTICIPANTCALLS, Z_4REMOTEPARTICIPANTHANDLES) );
CREATE TABLE Z_PRIMARYKEY (Z_ENT INTEGER PRIMARY KEY, Z_NAME VARCHAR, Z_SUPER INTEGER, Z_MAX INTEGER);
CREATE TABLE Z_METADATA (Z_VERSION INTEGER PRIMARY KEY, Z_UUID VARCHAR(255), Z_PLIST BLOB);
CREATE TABLE Z_MODELCACHE (Z_CONTENT BLOB);
`;

const PROVIDERS = ["com.apple.Telephony", "com.apple.FaceTime", "net.whatsapp.WhatsApp", "ph.telegra.Telegraph"];
const CITIES = ["California", "New York", "Berlin", "Paris", "London", ""];

export function generateCalls(db: import("better-sqlite3").Database, g: GenContext): void {
  db.exec(CALLS_SCHEMA);
  const n = Math.max(3, Math.round(g.rows / 4));
  const numbers = Array.from({ length: Math.max(3, Math.round(n / 20)) }, (_, i) => `+1415555${String(2000 + i).padStart(4, "0")}`);
  const ins = db.prepare(
    `INSERT INTO ZCALLRECORD (Z_PK, Z_ENT, Z_OPT, ZANSWERED, ZCALL_CATEGORY, ZCALLTYPE, ZDISCONNECTED_CAUSE, ZFACE_TIME_DATA,
       ZHANDLE_TYPE, ZNUMBER_AVAILABILITY, ZORIGINATED, ZREAD, ZJUNKCONFIDENCE, ZJUNKIDENTIFICATIONCATEGORY, ZVERIFICATIONSTATUS,
       ZDATE, ZDURATION, ZDEVICE_ID, ZISO_COUNTRY_CODE, ZLOCATION, ZNAME, ZSERVICE_PROVIDER, ZUNIQUE_ID, ZADDRESS)
     VALUES (?, 2, 1, ?, 1, ?, 0, NULL, 2, 0, ?, 1, 0, 0, 0, ?, ?, NULL, 'us', ?, NULL, ?, ?, ?)`,
  );
  const base = g.rng.uuid().slice(0, 24);
  db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const t = g.now - 90 * 86400 + ((i + g.rng.next()) / n) * 90 * 86400;
      const provider = g.rng.pick(PROVIDERS);
      const answered = g.rng.next() < 0.8 ? 1 : 0;
      const duration = answered ? Math.round(g.rng.next() * 6000) / 10 : 0;
      ins.run(
        i + 1, answered, provider === "com.apple.Telephony" ? 1 : 8, g.rng.next() < 0.5 ? 1 : 0, t - 978307200, duration,
        g.rng.pick(CITIES), provider, `${base}${i.toString(16).toUpperCase().padStart(12, "0")}`,
        Buffer.from(g.rng.pick(numbers), "utf8"),
      );
    }
    db.prepare("INSERT INTO Z_PRIMARYKEY VALUES (2, 'CallRecord', 0, ?)").run(n);
  })();
}

export const files: GeneratedFile[] = [
  { modules: ["calls"], domain: "HomeDomain", relativePath: "Library/CallHistoryDB/CallHistory.storedata", sqlite: generateCalls },
];
