import { describe, it, expect } from "vitest";
import { firefoxFavicon } from "../../../src/core/artifacts/ios/firefox-favicon.js";
import { files as historyFiles } from "../../../src/node/generate/ios/firefox-history.js";
import { files } from "../../../src/node/generate/ios/firefox-favicon.js";
import { scanBackup } from "../../helpers/scan.js";
import { PLANT, makeBackup, observablesOf, tempBackupDir } from "../../helpers/backup.js";

describe("firefox_favicon (Firefox browser.db)", () => {
  it("joins favicons to the history entries they were fetched for", async () => {
    const dir = tempBackupDir();
    makeBackup(dir, [...historyFiles, ...files], { rows: 800, plant: PLANT });
    const r = await scanBackup(dir, [firefoxFavicon]);
    const recs = r.records.get("firefox_favicon")!;
    expect(recs).toHaveLength(20); // one favicon_sites row per history entry (200 visits over 20 sites)
    expect(Object.keys(recs[0])).toEqual(["id", "url", "width", "height", "type", "isodate", "history_id", "history_url"]);
    expect(recs[0]).toMatchObject({ width: 32, height: 32, type: 1 });
    const obs = observablesOf(firefoxFavicon, recs);
    expect(obs).toContain("url:https://planted-bad.example/favicon.ico");
    const ev = r.timeline.find((e) => e.data.startsWith("Firefox favicon https://planted-bad.example/favicon.ico"))!;
    expect(ev).toMatchObject({ module: "FirefoxFavicon", event: "firefox_history" });
    expect(ev.data).toMatch(/ when visiting https:\/\/planted-bad\.example\//);
  });

  it("exact values and a browser.db without favicon tables (warning only)", async () => {
    const dir = tempBackupDir();
    makeBackup(dir, [
      {
        modules: ["firefox_favicon"],
        domain: "AppDomainGroup-group.org.mozilla.ios.Firefox",
        relativePath: "profile.profile/browser.db",
        sqlite: (db) =>
          db.exec(`CREATE TABLE history (id INTEGER PRIMARY KEY, url TEXT, title TEXT);
                   CREATE TABLE favicons (id INTEGER PRIMARY KEY, url TEXT, width INTEGER, height INTEGER, type INTEGER, date REAL);
                   CREATE TABLE favicon_sites (id INTEGER PRIMARY KEY, siteID INTEGER, faviconID INTEGER);
                   INSERT INTO history VALUES (2, 'https://e.example/', 'E');
                   INSERT INTO favicons VALUES (4, 'https://e.example/f.ico', 16, 16, 0, 1600000000.25);
                   INSERT INTO favicon_sites VALUES (1, 2, 4);`),
      },
    ]);
    const r = await scanBackup(dir, [firefoxFavicon]);
    expect(r.records.get("firefox_favicon")).toEqual([
      { id: 4, url: "https://e.example/f.ico", width: 16, height: 16, type: 0, isodate: "2020-09-13 12:26:40.250000", history_id: 2, history_url: "https://e.example/" },
    ]);

    const dir2 = tempBackupDir();
    makeBackup(dir2, [{ modules: ["firefox_favicon"], domain: "AppDomainGroup-group.org.mozilla.ios.Firefox", relativePath: "profile.profile/browser.db", sqlite: (db) => db.exec("CREATE TABLE history (id INTEGER PRIMARY KEY, url TEXT)") }]);
    const r2 = await scanBackup(dir2, [firefoxFavicon]);
    expect(r2.records.get("firefox_favicon")).toBeUndefined();
    expect(r2.coverage.get("firefox_favicon")?.warnings.join(" ")).toMatch(/favicons/);
  });
});
