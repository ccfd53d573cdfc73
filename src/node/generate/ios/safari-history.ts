// Synthetic Library/Safari/History.db (history_items / history_visits as Safari 14+ creates them): ≈ g.rows
// visits over ≈ g.rows/10 URLs with HTTPS-upgrade redirects; when planting, an HTTP visit is redirected
// within milliseconds to a planted domain (the network-injection pattern).

import type Database from "better-sqlite3";
import type { GeneratedFile, GenContext } from "./types.js";

const MAC = 978307200;

export const HISTORY_SCHEMA = `
CREATE TABLE history_items (id INTEGER PRIMARY KEY AUTOINCREMENT,url TEXT NOT NULL UNIQUE,domain_expansion TEXT NULL,visit_count INTEGER NOT NULL,daily_visit_counts BLOB NOT NULL,weekly_visit_counts BLOB NULL,autocomplete_triggers BLOB NULL,should_recompute_derived_visit_counts INTEGER NOT NULL,visit_count_score INTEGER NOT NULL, status_code INTEGER NOT NULL DEFAULT 0);
CREATE TABLE history_visits (id INTEGER PRIMARY KEY AUTOINCREMENT,history_item INTEGER NOT NULL REFERENCES history_items(id) ON DELETE CASCADE,visit_time REAL NOT NULL,title TEXT NULL,load_successful BOOLEAN NOT NULL DEFAULT 1,http_non_get BOOLEAN NOT NULL DEFAULT 0,synthesized BOOLEAN NOT NULL DEFAULT 0,redirect_source INTEGER NULL UNIQUE REFERENCES history_visits(id) ON DELETE CASCADE,redirect_destination INTEGER NULL UNIQUE REFERENCES history_visits(id) ON DELETE CASCADE,origin INTEGER NOT NULL DEFAULT 0,generation INTEGER NOT NULL DEFAULT 0,attributes INTEGER NOT NULL DEFAULT 0,score INTEGER NOT NULL DEFAULT 0);
CREATE TABLE history_tombstones (id INTEGER PRIMARY KEY AUTOINCREMENT,start_time REAL NOT NULL,end_time REAL NOT NULL,url TEXT,generation INTEGER NOT NULL DEFAULT 0);
CREATE INDEX history_item__visit_time ON history_visits (history_item, visit_time);
CREATE INDEX history_visits__last_visit ON history_visits (visit_time);
`;

const HOSTS = ["en.wikipedia.org", "www.bbc.co.uk", "news.ycombinator.com", "www.apple.com", "github.com", "www.theguardian.com", "duckduckgo.com"];

function history(db: Database.Database, g: GenContext): void {
  db.exec(HISTORY_SCHEMA);
  const insItem = db.prepare(
    "INSERT INTO history_items (url, domain_expansion, visit_count, daily_visit_counts, should_recompute_derived_visit_counts, visit_count_score) VALUES (?, ?, 0, x'', 0, 0)",
  );
  const insVisit = db.prepare("INSERT INTO history_visits (history_item, visit_time, title, redirect_source, redirect_destination) VALUES (?, ?, ?, ?, NULL)");
  const setDest = db.prepare("UPDATE history_visits SET redirect_destination = ? WHERE id = ?");
  const setCount = db.prepare("UPDATE history_items SET visit_count = ? WHERE id = ?");
  const items = new Map<string, number>();
  const counts = new Map<number, number>();
  const item = (url: string) => {
    let id = items.get(url);
    if (id === undefined) {
      id = Number(insItem.run(url, new URL(url).hostname.replace(/^www\./, "").split(".")[0]).lastInsertRowid);
      items.set(url, id);
    }
    counts.set(id, (counts.get(id) ?? 0) + 1);
    return id;
  };
  const nUrls = Math.max(10, Math.round(g.rows / 10));
  const urls = Array.from({ length: nUrls }, (_, i) => `https://${HOSTS[i % HOSTS.length]}/page/${i}`);
  db.transaction(() => {
    let i = 0;
    const plantAt = g.plant?.domains.length ? Math.floor(g.rows / 2) : -1;
    while (i < g.rows) {
      // Visits are appended in time order, as Safari writes them (ids grow with visit_time).
      const t = g.now - 90 * 86400 + ((i + g.rng.next()) / g.rows) * 90 * 86400 - MAC;
      if (i === plantAt || (g.rng.next() < 0.03 && i + 1 < g.rows)) {
        // An HTTP visit redirected: normally an HTTPS upgrade of the same host; planted: another domain.
        const host = g.rng.pick(HOSTS);
        const src = Number(insVisit.run(item(`http://${host}/`), t, null, null).lastInsertRowid);
        const destUrl = i === plantAt ? `https://${g.plant!.domains[0]}/${g.rng.hex(12)}` : `https://${host}/`;
        const dst = Number(insVisit.run(item(destUrl), t + 0.2 + g.rng.next() * 0.5, null, src).lastInsertRowid);
        setDest.run(dst, src);
        i += 2;
        continue;
      }
      insVisit.run(item(g.rng.pick(urls)), t, "Page", null);
      i++;
    }
    for (const [id, n] of counts) setCount.run(n, id);
  })();
}

export const files: GeneratedFile[] = [
  { modules: ["safari_history"], domain: "HomeDomain", relativePath: "Library/Safari/History.db", sqlite: history },
];
