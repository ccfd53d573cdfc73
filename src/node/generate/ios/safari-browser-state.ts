// Synthetic Library/Safari/BrowserState.db (iOS 12+ schema: browser_windows, tabs, tab_sessions) with a few
// open tabs whose session_data is a 4-byte header + plist of back/forward entries; when planting, one tab's
// history holds a URL on a planted domain.

import type Database from "better-sqlite3";
import type { GeneratedFile, GenContext } from "./types.js";
import { xmlPlist } from "./webkit-session-resource-log.js";

const MAC = 978307200;

export const BROWSER_STATE_SCHEMA = `
CREATE TABLE browser_windows (id INTEGER PRIMARY KEY AUTOINCREMENT,uuid TEXT NOT NULL,type INTEGER DEFAULT 0,active_document_index INTEGER DEFAULT 0,active_private_document_index INTEGER DEFAULT 0,active_document_is_valid BOOL DEFAULT 1,tab_state_successfully_loaded BOOL DEFAULT 0,legacy_plist_file_version INTEGER DEFAULT 0, scene_id TEXT,CONSTRAINT uuid_type_index UNIQUE(uuid, type));
CREATE TABLE tabs (id INTEGER PRIMARY KEY AUTOINCREMENT,uuid TEXT NOT NULL UNIQUE,title TEXT,url TEXT COLLATE NOCASE,user_visible_url TEXT COLLATE NOCASE,order_index INTEGER NOT NULL,last_viewed_time REAL DEFAULT NULL,readinglist_bookmark_id INTEGER DEFAULT 0,opened_from_link BOOL DEFAULT 0,showing_reader BOOL DEFAULT 0,reader_view_top_scroll_offset INTEGER DEFAULT 0,private_browsing BOOL DEFAULT 0,displaying_standalone_image BOOL DEFAULT 0,browser_window_uuid TEXT NOT NULL,browser_window_id INTEGER NOT NULL,FOREIGN KEY(browser_window_id) REFERENCES browser_windows(id) ON DELETE CASCADE);
CREATE TABLE tab_sessions (id INTEGER PRIMARY KEY AUTOINCREMENT,tab_uuid TEXT NOT NULL UNIQUE,session_data BLOB DEFAULT NULL,uncompressed_session_data_size INTEGER NOT NULL DEFAULT 0,FOREIGN KEY(tab_uuid) REFERENCES tabs(uuid) ON DELETE CASCADE ON UPDATE CASCADE);
CREATE INDEX tabs__uuid ON tabs (uuid);
CREATE INDEX tab_sessions__uuid ON tab_sessions (tab_uuid);
`;

const PAGES: [string, string][] = [
  ["Wikipedia", "https://en.wikipedia.org/wiki/Main_Page"],
  ["BBC News", "https://www.bbc.co.uk/news"],
  ["Weather", "https://weather.com/"],
  ["Apple", "https://www.apple.com/"],
  ["Maps", "https://www.openstreetmap.org/"],
];

/** session_data as Safari stores it: a 4-byte version header, then the plist. */
export function sessionBlob(entries: { url: string; title: string }[]): Uint8Array {
  const plist = xmlPlist({
    SessionHistory: {
      SessionHistoryCurrentIndex: entries.length - 1,
      SessionHistoryEntries: entries.map((e) => ({
        SessionHistoryEntryURL: e.url,
        SessionHistoryEntryOriginalURL: e.url,
        SessionHistoryEntryTitle: e.title,
        SessionHistoryEntryData: new Uint8Array(16),
      })),
      SessionHistoryVersion: 1,
    },
  });
  const out = new Uint8Array(plist.length + 4);
  out.set([0, 0, 0, 1]);
  out.set(plist, 4);
  return out;
}

function browserState(db: Database.Database, g: GenContext): void {
  db.exec(BROWSER_STATE_SCHEMA);
  const win = g.rng.uuid();
  db.prepare("INSERT INTO browser_windows (uuid, type) VALUES (?, 0)").run(win);
  const insTab = db.prepare(
    "INSERT INTO tabs (uuid, title, url, user_visible_url, order_index, last_viewed_time, browser_window_uuid, browser_window_id) VALUES (?, ?, ?, ?, ?, ?, ?, 1)",
  );
  const insSession = db.prepare("INSERT INTO tab_sessions (tab_uuid, session_data, uncompressed_session_data_size) VALUES (?, ?, ?)");
  const n = Math.max(3, Math.round(g.rows / 1000));
  db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const [title, url] = PAGES[i % PAGES.length];
      const uuid = g.rng.uuid();
      insTab.run(uuid, title, url, url, i, g.now - g.rng.next() * 30 * 86400 - MAC, win);
      const history = [{ url: "https://www.google.com/", title: "Google" }, { url, title }];
      if (i === 0 && g.plant?.domains.length) history.splice(1, 0, { url: `http://${g.plant.domains[0]}/index.html`, title: "" });
      const blob = sessionBlob(history);
      insSession.run(uuid, blob, blob.length);
    }
  })();
}

export const files: GeneratedFile[] = [
  { modules: ["safari_browser_state"], domain: "HomeDomain", relativePath: "Library/Safari/BrowserState.db", sqlite: browserState },
];
