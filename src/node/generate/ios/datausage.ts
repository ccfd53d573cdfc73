// Synthetic WirelessDomain Library/Databases/DataUsage.sqlite (Core Data schema of iOS 14–16): ≈ g.rows/50
// processes, each with a few ZLIVEUSAGE samples (≈ g.rows/10 rows in all).

import type { GeneratedFile, GenContext } from "./types.js";

export const DATAUSAGE_SCHEMA = `
CREATE TABLE ZPROCESS ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZFIRSTTIMESTAMP TIMESTAMP, ZTIMESTAMP TIMESTAMP, ZBUNDLENAME VARCHAR, ZPROCNAME VARCHAR );
CREATE TABLE ZLIVEUSAGE ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZKIND INTEGER, ZMETADATA INTEGER, ZTAG INTEGER, ZHASPROCESS INTEGER, ZBILLCYCLEEND TIMESTAMP, ZTIMESTAMP TIMESTAMP, ZWIFIIN FLOAT, ZWIFIOUT FLOAT, ZWWANIN FLOAT, ZWWANOUT FLOAT );
CREATE INDEX ZLIVEUSAGE_ZHASPROCESS_INDEX ON ZLIVEUSAGE (ZHASPROCESS);
CREATE TABLE Z_PRIMARYKEY (Z_ENT INTEGER PRIMARY KEY, Z_NAME VARCHAR, Z_SUPER INTEGER, Z_MAX INTEGER);
CREATE TABLE Z_METADATA (Z_VERSION INTEGER PRIMARY KEY, Z_UUID VARCHAR(255), Z_PLIST BLOB);
CREATE TABLE Z_MODELCACHE (Z_CONTENT BLOB);
`;

const DAEMONS: [string, string | null][] = [
  ["mDNSResponder", "com.apple.datausage.dns"],
  ["apsd", "com.apple.datausage.applepushservice"],
  ["gamed", "com.apple.datausage.gamecenter"],
  ["IMRemoteURLConne", "com.apple.datausage.messages"],
  ["nsurlsessiond", "com.apple.nsurlsessiond"],
  ["CumulativeUsageTracker", null],
  ["MobileSafari", "com.apple.mobilesafari"],
  ["WhatsApp", "net.whatsapp.WhatsApp"],
  ["Telegram", "ph.telegra.Telegraph"],
  ["AppStore", "com.apple.AppStore"],
  ["Maps", "com.apple.Maps"],
];

export function generateDatausage(db: import("better-sqlite3").Database, g: GenContext): void {
  db.exec(DATAUSAGE_SCHEMA);
  const nProc = Math.max(5, Math.round(g.rows / 50));
  const nLive = Math.max(nProc, Math.round(g.rows / 10));
  const insProc = db.prepare("INSERT INTO ZPROCESS VALUES (?, 7, 1, ?, ?, ?, ?)");
  const insLive = db.prepare("INSERT INTO ZLIVEUSAGE VALUES (?, 4, 1, 0, 0, 0, ?, NULL, ?, ?, ?, ?, ?)");
  const start = g.now - 90 * 86400 - 978307200;
  const planted = g.plant?.processes.slice(0, 2) ?? [];
  db.transaction(() => {
    const first: number[] = [];
    for (let i = 0; i < nProc; i++) {
      const [proc, bundle] = i < planted.length ? [planted[i], null] : g.rng.pick(DAEMONS);
      const t0 = start + ((i + g.rng.next()) / nProc) * 80 * 86400;
      first.push(t0);
      insProc.run(i + 1, t0, t0 + g.rng.next() * 86400 * 5, bundle, bundle ? `${proc}/${bundle}` : proc);
    }
    for (let j = 0; j < nLive; j++) {
      const p = j < nProc ? j : g.rng.int(0, nProc - 1);
      const t = first[p] + g.rng.next() * 86400 * 10;
      const kb = () => Math.round(g.rng.next() * 5_000_000);
      insLive.run(j + 1, p + 1, t, kb(), kb(), kb(), kb());
    }
    db.prepare("INSERT INTO Z_PRIMARYKEY VALUES (4, 'LiveUsage', 0, ?), (7, 'Process', 0, ?)").run(nLive, nProc);
  })();
}

export const files: GeneratedFile[] = [
  { modules: ["datausage"], domain: "WirelessDomain", relativePath: "Library/Databases/DataUsage.sqlite", sqlite: generateDatausage },
];
