// Synthetic Chrome for iOS History database (Chromium schema): ≈ g.rows/4 visits over a few hundred URLs;
// when planting, visits to a planted domain.

import type { GeneratedFile, GenContext } from "./types.js";

export const CHROME_HISTORY_SCHEMA = `
CREATE TABLE meta(key LONGVARCHAR NOT NULL UNIQUE PRIMARY KEY, value LONGVARCHAR);
CREATE TABLE urls(id INTEGER PRIMARY KEY AUTOINCREMENT,url LONGVARCHAR,title LONGVARCHAR,visit_count INTEGER DEFAULT 0 NOT NULL,typed_count INTEGER DEFAULT 0 NOT NULL,last_visit_time INTEGER NOT NULL,hidden INTEGER DEFAULT 0 NOT NULL);
CREATE TABLE visits(id INTEGER PRIMARY KEY AUTOINCREMENT,url INTEGER NOT NULL,visit_time INTEGER NOT NULL,from_visit INTEGER,transition INTEGER DEFAULT 0 NOT NULL,segment_id INTEGER,visit_duration INTEGER DEFAULT 0 NOT NULL,incremented_omnibox_typed_score BOOLEAN DEFAULT FALSE NOT NULL,opener_visit INTEGER,originator_cache_guid TEXT,originator_visit_id INTEGER,originator_from_visit INTEGER,originator_opener_visit INTEGER,is_known_to_sync BOOLEAN DEFAULT FALSE NOT NULL);
CREATE TABLE keyword_search_terms (keyword_id INTEGER NOT NULL,url_id INTEGER NOT NULL,term LONGVARCHAR NOT NULL,normalized_term LONGVARCHAR NOT NULL);
CREATE TABLE segments (id INTEGER PRIMARY KEY,name VARCHAR,url_id INTEGER NON NULL);
CREATE TABLE segment_usage (id INTEGER PRIMARY KEY,segment_id INTEGER NOT NULL,time_slot INTEGER NOT NULL,visit_count INTEGER DEFAULT 0 NOT NULL);
CREATE INDEX visits_url_index ON visits (url);
CREATE INDEX visits_time_index ON visits (visit_time);
CREATE INDEX urls_url_index ON urls (url);
`;

export const SITES = [
  "https://www.google.com/search?q=weather",
  "https://en.wikipedia.org/wiki/Main_Page",
  "https://www.bbc.com/news",
  "https://github.com/explore",
  "https://www.youtube.com/",
  "https://news.ycombinator.com/",
  "https://www.reddit.com/r/ios/",
  "https://maps.google.com/",
];

/** Unix seconds → Chrome time (µs since 1601). */
export const chromeTime = (unix: number) => Math.round((unix + 11644473600) * 1e6);

export function generateChromeHistory(db: import("better-sqlite3").Database, g: GenContext): void {
  db.exec(CHROME_HISTORY_SCHEMA);
  const n = Math.max(4, Math.round(g.rows / 4));
  const nUrls = Math.max(4, Math.min(500, Math.round(n / 10)));
  const urls: string[] = [];
  for (let i = 0; i < nUrls; i++) urls.push(`${SITES[i % SITES.length]}${i >= SITES.length ? `?p=${i}` : ""}`);
  if (g.plant?.domains.length) urls[Math.floor(nUrls / 2)] = `https://${g.plant.domains[0]}/${g.rng.hex(10)}`;
  const insUrl = db.prepare("INSERT INTO urls (id, url, title, visit_count, typed_count, last_visit_time, hidden) VALUES (?, ?, ?, 0, 0, 0, 0)");
  const insVisit = db.prepare(
    "INSERT INTO visits (id, url, visit_time, from_visit, transition, segment_id, visit_duration) VALUES (?, ?, ?, ?, ?, 0, ?)",
  );
  db.transaction(() => {
    db.prepare("INSERT INTO meta VALUES ('version', '56'), ('last_compatible_version', '16')").run();
    urls.forEach((u, i) => insUrl.run(i + 1, u, `Page ${i + 1}`));
    const plantedUrl = g.plant?.domains.length ? Math.floor(nUrls / 2) + 1 : -1;
    for (let i = 0; i < n; i++) {
      const t = g.now - 90 * 86400 + ((i + g.rng.next()) / n) * 90 * 86400;
      const urlId = i === Math.floor(n / 2) && plantedUrl > 0 ? plantedUrl : g.rng.int(1, nUrls);
      const from = i > 0 && g.rng.next() < 0.3 ? i : 0;
      insVisit.run(i + 1, urlId, chromeTime(t), from, from ? 0 : 1, Math.round(g.rng.next() * 6e7));
    }
    db.exec("UPDATE urls SET visit_count = (SELECT COUNT(*) FROM visits WHERE visits.url = urls.id), last_visit_time = COALESCE((SELECT MAX(visit_time) FROM visits WHERE visits.url = urls.id), 0)");
  })();
}

export const files: GeneratedFile[] = [
  {
    modules: ["chrome_history"],
    domain: "AppDomain-com.google.chrome.ios",
    relativePath: "Library/Application Support/Google/Chrome/Default/History",
    sqlite: generateChromeHistory,
  },
];
