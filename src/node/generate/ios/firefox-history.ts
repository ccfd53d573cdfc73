// Synthetic Firefox for iOS profile.profile/browser.db (browser schema v40-era): history, ≈ g.rows/4 visits,
// favicons and favicon_sites (read by firefox_history and firefox_favicon); when planting, a visited page
// and a favicon on a planted domain.

import type { GeneratedFile, GenContext } from "./types.js";
import { SITES } from "./chrome-history.js";

export const FIREFOX_BROWSER_SCHEMA = `
CREATE TABLE domains (id INTEGER PRIMARY KEY AUTOINCREMENT, domain TEXT NOT NULL UNIQUE, showOnTopSites TINYINT NOT NULL DEFAULT 1);
CREATE TABLE history (id INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT NOT NULL UNIQUE, url TEXT UNIQUE, title TEXT NOT NULL, server_modified INTEGER, local_modified INTEGER, is_deleted TINYINT NOT NULL, should_upload TINYINT NOT NULL, domain_id INTEGER REFERENCES domains(id) ON DELETE CASCADE, CONSTRAINT urlOrDeleted CHECK (url IS NOT NULL OR is_deleted = 1));
CREATE TABLE visits (id INTEGER PRIMARY KEY AUTOINCREMENT, siteID INTEGER NOT NULL REFERENCES history(id) ON DELETE CASCADE, date REAL NOT NULL, type INTEGER NOT NULL, is_local TINYINT NOT NULL, UNIQUE (siteID, date, type));
CREATE TABLE favicons (id INTEGER PRIMARY KEY AUTOINCREMENT, url TEXT NOT NULL UNIQUE, width INTEGER, height INTEGER, type INTEGER NOT NULL, date REAL NOT NULL);
CREATE TABLE favicon_sites (id INTEGER PRIMARY KEY AUTOINCREMENT, siteID INTEGER NOT NULL REFERENCES history(id) ON DELETE CASCADE, faviconID INTEGER NOT NULL REFERENCES favicons(id) ON DELETE CASCADE, UNIQUE (siteID, faviconID));
CREATE TABLE bookmarksBuffer (id INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT NOT NULL UNIQUE, type TINYINT NOT NULL, date_added INTEGER, is_deleted TINYINT NOT NULL DEFAULT 0, server_modified INTEGER NOT NULL, bmkUri TEXT, title TEXT);
CREATE INDEX idx_visits_siteID_is_local_date ON visits (siteID, is_local, date);
CREATE INDEX idx_history_should_upload ON history (should_upload);
`;

export function generateFirefoxBrowserDb(db: import("better-sqlite3").Database, g: GenContext): void {
  db.exec(FIREFOX_BROWSER_SCHEMA);
  const n = Math.max(4, Math.round(g.rows / 4));
  const nSites = Math.max(4, Math.min(500, Math.round(n / 10)));
  const urls: string[] = [];
  for (let i = 0; i < nSites; i++) urls.push(`${SITES[i % SITES.length]}${i >= SITES.length ? `?ff=${i}` : ""}`);
  const plantedSite = g.plant?.domains.length ? Math.floor(nSites / 2) : -1;
  if (plantedSite >= 0) urls[plantedSite] = `https://${g.plant!.domains[0]}/${g.rng.hex(8)}`;
  const domains = [...new Set(urls.map((u) => new URL(u).hostname))];
  const insDomain = db.prepare("INSERT INTO domains (id, domain, showOnTopSites) VALUES (?, ?, 1)");
  const insHist = db.prepare(
    "INSERT INTO history (id, guid, url, title, server_modified, local_modified, is_deleted, should_upload, domain_id) VALUES (?, ?, ?, ?, NULL, ?, 0, 1, ?)",
  );
  const insVisit = db.prepare("INSERT INTO visits (id, siteID, date, type, is_local) VALUES (?, ?, ?, ?, 1)");
  const insIcon = db.prepare("INSERT INTO favicons (id, url, width, height, type, date) VALUES (?, ?, ?, ?, ?, ?)");
  const insIconSite = db.prepare("INSERT INTO favicon_sites (siteID, faviconID) VALUES (?, ?)");
  db.transaction(() => {
    domains.forEach((d, i) => insDomain.run(i + 1, d));
    const iconIds = new Map<string, number>();
    urls.forEach((u, i) => {
      const host = new URL(u).hostname;
      insHist.run(i + 1, g.rng.hex(12), u, `Page ${i + 1}`, (g.now - g.rng.int(0, 90 * 86400)) * 1000, domains.indexOf(host) + 1);
      const origin = new URL(u).origin;
      let icon = iconIds.get(origin);
      if (icon === undefined) {
        icon = iconIds.size + 1;
        iconIds.set(origin, icon);
        insIcon.run(icon, `${origin}/favicon.ico`, 32, 32, 1, g.now - g.rng.int(0, 90 * 86400));
      }
      insIconSite.run(i + 1, icon);
    });
    for (let i = 0; i < n; i++) {
      const t = g.now - 90 * 86400 + ((i + g.rng.next()) / n) * 90 * 86400;
      const site = i === Math.floor(n / 2) && plantedSite >= 0 ? plantedSite + 1 : g.rng.int(1, nSites);
      // Firefox stores visit dates in microseconds since 1970.
      insVisit.run(i + 1, site, Math.round(t * 1e6), g.rng.pick([1, 1, 1, 2, 5]));
    }
  })();
}

export const files: GeneratedFile[] = [
  {
    modules: ["firefox_history", "firefox_favicon"],
    domain: "AppDomainGroup-group.org.mozilla.ios.Firefox",
    relativePath: "profile.profile/browser.db",
    sqlite: generateFirefoxBrowserDb,
  },
];
