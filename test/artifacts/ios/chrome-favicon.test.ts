import { describe, it, expect } from "vitest";
import { chromeFavicon } from "../../../src/core/artifacts/ios/chrome-favicon.js";
import { files } from "../../../src/node/generate/ios/chrome-favicon.js";
import { IOS_BACKUP, scanBackup } from "../../helpers/scan.js";
import { PLANT, makeBackup, observablesOf, tempBackupDir } from "../../helpers/backup.js";

const DOMAIN = "AppDomain-com.google.chrome.ios";
const REL = "Library/Application Support/Google/Chrome/Default/Favicons";

describe("chrome_favicon (Chrome Favicons)", () => {
  it("yields page/icon pairs sorted by time, with url observables for both", async () => {
    const dir = tempBackupDir();
    makeBackup(dir, files, { rows: 1000, plant: PLANT });
    const r = await scanBackup(dir, [chromeFavicon]);
    const recs = r.records.get("chrome_favicon")!;
    expect(recs).toHaveLength(10);
    expect(Object.keys(recs[0])).toEqual(["url", "icon_url", "timestamp", "isodate"]);
    const times = recs.map((x) => x.isodate as string);
    expect([...times].sort()).toEqual(times);
    const obs = observablesOf(chromeFavicon, recs);
    expect(obs).toContain("url:https://planted-bad.example/login");
    expect(obs).toContain("url:https://planted-bad.example/favicon.ico");
    const ev = r.timeline.find((e) => e.data.includes("planted-bad.example"))!;
    expect(ev).toMatchObject({ module: "ChromeFavicon", event: "new_favicon", data: "https://planted-bad.example/favicon.ico from https://planted-bad.example/login" });
  });

  it("falls back to last_requested when last_updated is 0 (as MVT)", async () => {
    const dir = tempBackupDir();
    makeBackup(dir, [
      {
        modules: ["chrome_favicon"],
        domain: DOMAIN,
        relativePath: REL,
        sqlite: (db) =>
          db.exec(`CREATE TABLE icon_mapping(id INTEGER PRIMARY KEY,page_url LONGVARCHAR NOT NULL,icon_id INTEGER);
                   CREATE TABLE favicons(id INTEGER PRIMARY KEY,url LONGVARCHAR NOT NULL,icon_type INTEGER DEFAULT 1);
                   CREATE TABLE favicon_bitmaps(id INTEGER PRIMARY KEY,icon_id INTEGER NOT NULL,last_updated INTEGER DEFAULT 0,image_data BLOB,width INTEGER DEFAULT 0,height INTEGER DEFAULT 0,last_requested INTEGER DEFAULT 0);
                   INSERT INTO favicons VALUES (1, 'https://a.example/favicon.ico', 1), (2, 'https://b.example/i.png', 1);
                   INSERT INTO favicon_bitmaps VALUES (1, 1, 13300000000000000, NULL, 16, 16, 0), (2, 2, 0, NULL, 16, 16, 13200000000000000);
                   INSERT INTO icon_mapping VALUES (1, 'https://a.example/', 1), (2, 'https://b.example/x', 2);`),
      },
    ]);
    const r = await scanBackup(dir, [chromeFavicon]);
    expect(r.records.get("chrome_favicon")).toEqual([
      { url: "https://b.example/x", icon_url: "https://b.example/i.png", timestamp: 13200000000000000n, isodate: "2019-04-17 18:40:00.000000" },
      { url: "https://a.example/", icon_url: "https://a.example/favicon.ico", timestamp: 13300000000000000n, isodate: "2022-06-18 04:26:40.000000" },
    ]);
  });

  it("the MVT fixture lists Favicons but the file is absent: a coverage gap, not a crash", async () => {
    const r = await scanBackup(IOS_BACKUP, [chromeFavicon]);
    const cov = r.coverage.get("chrome_favicon")!;
    expect(cov.status).toBe("failed");
    expect(cov.gaps[0].file).toMatch(/55680ab883d0fdcffd94f959b1632e5fbbb18c5b/);
  });

  it("a database missing the favicon tables warns and yields nothing", async () => {
    const dir = tempBackupDir();
    makeBackup(dir, [{ modules: ["chrome_favicon"], domain: DOMAIN, relativePath: REL, sqlite: (db) => db.exec("CREATE TABLE meta(key, value)") }]);
    const r = await scanBackup(dir, [chromeFavicon]);
    expect(r.records.get("chrome_favicon")).toBeUndefined();
    expect(r.coverage.get("chrome_favicon")?.warnings.join(" ")).toMatch(/icon_mapping/);
  });
});
