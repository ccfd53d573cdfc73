// Synthetic HomeDomain Library/TCC/TCC.db (iOS 14+ schema with auth_value/auth_reason): a grant per
// (service, client) pair, ≈ Math.max(5, g.rows/100) rows.

import type { GeneratedFile, GenContext } from "./types.js";

export const TCC_SCHEMA = `
CREATE TABLE admin (key TEXT PRIMARY KEY NOT NULL, value INTEGER NOT NULL);
CREATE TABLE policies (id INTEGER NOT NULL PRIMARY KEY, bundle_id TEXT NOT NULL, uuid TEXT NOT NULL, display TEXT NOT NULL, UNIQUE (bundle_id, uuid));
CREATE TABLE active_policy (client TEXT NOT NULL, client_type INTEGER NOT NULL, policy_id INTEGER NOT NULL, PRIMARY KEY (client, client_type), FOREIGN KEY (policy_id) REFERENCES policies(id) ON DELETE CASCADE ON UPDATE CASCADE);
CREATE TABLE access (service TEXT NOT NULL, client TEXT NOT NULL, client_type INTEGER NOT NULL, auth_value INTEGER NOT NULL, auth_reason INTEGER NOT NULL, auth_version INTEGER NOT NULL, csreq BLOB, policy_id INTEGER, indirect_object_identifier_type INTEGER, indirect_object_identifier TEXT NOT NULL DEFAULT 'UNUSED', indirect_object_code_identity BLOB, flags INTEGER, last_modified INTEGER NOT NULL DEFAULT (CAST(strftime('%s','now') AS INTEGER)), PRIMARY KEY (service, client, client_type, indirect_object_identifier), FOREIGN KEY (policy_id) REFERENCES policies(id) ON DELETE CASCADE ON UPDATE CASCADE);
CREATE TABLE access_overrides (service TEXT NOT NULL PRIMARY KEY);
CREATE TABLE expired (service TEXT NOT NULL, client TEXT NOT NULL, client_type INTEGER NOT NULL, csreq BLOB, last_modified INTEGER NOT NULL, expired_at INTEGER NOT NULL DEFAULT (CAST(strftime('%s','now') AS INTEGER)), PRIMARY KEY (service, client, client_type));
INSERT INTO admin VALUES ('version', 18);
`;

const SERVICES = [
  "kTCCServiceCamera", "kTCCServiceMicrophone", "kTCCServicePhotos", "kTCCServiceAddressBook", "kTCCServiceLiverpool",
  "kTCCServiceUbiquity", "kTCCServiceMotion", "kTCCServiceWebKitIntelligentTrackingPrevention", "kTCCServiceMediaLibrary",
];
const CLIENTS = [
  "net.whatsapp.WhatsApp", "ph.telegra.Telegraph", "com.google.chrome.ios", "org.mozilla.ios.Firefox", "com.apple.mobilesafari",
  "com.apple.Health", "com.apple.shortcuts", "com.apple.Preferences", "com.burbn.instagram", "com.atebits.Tweetie2",
];

export function generateTcc(db: import("better-sqlite3").Database, g: GenContext): void {
  db.exec(TCC_SCHEMA);
  const n = Math.max(5, Math.round(g.rows / 100));
  const ins = db.prepare(
    "INSERT OR IGNORE INTO access (service, client, client_type, auth_value, auth_reason, auth_version, flags, last_modified) VALUES (?, ?, ?, ?, ?, 1, 0, ?)",
  );
  db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const client = i < CLIENTS.length ? CLIENTS[i] : `com.example.app${i}`;
      ins.run(g.rng.pick(SERVICES), client, 0, g.rng.pick([0, 2, 2, 2, 3]), g.rng.int(2, 5), Math.round(g.now - g.rng.next() * 90 * 86400));
    }
    for (const p of g.plant?.processes.slice(0, 1) ?? []) {
      ins.run("kTCCServiceMicrophone", p, 0, 2, 4, Math.round(g.now - 3600));
    }
  })();
}

export const files: GeneratedFile[] = [
  { modules: ["tcc"], domain: "HomeDomain", relativePath: "Library/TCC/TCC.db", sqlite: generateTcc },
];
