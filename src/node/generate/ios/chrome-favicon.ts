// Synthetic Chrome for iOS Favicons database (Chromium schema): one icon per site, pages mapped to icons;
// when planting, a page on a planted domain.

import type { GeneratedFile, GenContext } from "./types.js";
import { SITES, chromeTime } from "./chrome-history.js";

export const CHROME_FAVICONS_SCHEMA = `
CREATE TABLE meta(key LONGVARCHAR NOT NULL UNIQUE PRIMARY KEY, value LONGVARCHAR);
CREATE TABLE icon_mapping(id INTEGER PRIMARY KEY,page_url LONGVARCHAR NOT NULL,icon_id INTEGER);
CREATE TABLE favicons(id INTEGER PRIMARY KEY,url LONGVARCHAR NOT NULL,icon_type INTEGER DEFAULT 1);
CREATE TABLE favicon_bitmaps(id INTEGER PRIMARY KEY,icon_id INTEGER NOT NULL,last_updated INTEGER DEFAULT 0,image_data BLOB,width INTEGER DEFAULT 0,height INTEGER DEFAULT 0,last_requested INTEGER DEFAULT 0);
CREATE INDEX icon_mapping_page_url_idx ON icon_mapping(page_url);
CREATE INDEX icon_mapping_icon_id_idx ON icon_mapping(icon_id);
CREATE INDEX favicons_url ON favicons(url);
CREATE INDEX favicon_bitmaps_icon_id ON favicon_bitmaps(icon_id);
`;

export function generateChromeFavicons(db: import("better-sqlite3").Database, g: GenContext): void {
  db.exec(CHROME_FAVICONS_SCHEMA);
  const pages = SITES.slice();
  if (g.plant?.domains.length) pages.push(`https://${g.plant.domains[0]}/login`);
  const nPages = Math.max(pages.length, Math.round(g.rows / 100));
  const insIcon = db.prepare("INSERT INTO favicons (id, url, icon_type) VALUES (?, ?, 1)");
  const insBitmap = db.prepare("INSERT INTO favicon_bitmaps (id, icon_id, last_updated, image_data, width, height, last_requested) VALUES (?, ?, ?, ?, 16, 16, ?)");
  const insMap = db.prepare("INSERT INTO icon_mapping (id, page_url, icon_id) VALUES (?, ?, ?)");
  const png = Buffer.from("89504e470d0a1a0a", "hex");
  db.transaction(() => {
    db.prepare("INSERT INTO meta VALUES ('version', '8'), ('last_compatible_version', '8')").run();
    pages.forEach((p, i) => {
      const origin = new URL(p).origin;
      const t = g.now - g.rng.int(0, 90 * 86400);
      insIcon.run(i + 1, `${origin}/favicon.ico`);
      // Chrome leaves last_updated at 0 for icons it only requested; MVT then falls back to last_requested.
      const updated = g.rng.next() < 0.8 ? chromeTime(t) : 0;
      insBitmap.run(i + 1, i + 1, updated, png, chromeTime(t + 60));
    });
    for (let i = 0; i < nPages; i++) {
      const icon = i < pages.length ? i + 1 : g.rng.int(1, SITES.length);
      insMap.run(i + 1, i < pages.length ? pages[i] : `${SITES[icon - 1]}#${i}`, icon);
    }
  })();
}

export const files: GeneratedFile[] = [
  {
    modules: ["chrome_favicon"],
    domain: "AppDomain-com.google.chrome.ios",
    relativePath: "Library/Application Support/Google/Chrome/Default/Favicons",
    sqlite: generateChromeFavicons,
  },
];
