import { describe, it, expect } from "vitest";
import { firefoxHistory } from "../../../src/core/artifacts/ios/firefox-history.js";
import { files } from "../../../src/node/generate/ios/firefox-history.js";
import { IOS_BACKUP, scanBackup } from "../../helpers/scan.js";
import { PLANT, backupFilePath, makeBackup, observablesOf, tempBackupDir, truncateHalf } from "../../helpers/backup.js";

describe("firefox_history (Firefox browser.db)", () => {
  it("yields every visit with MVT's fields (including its i1000000s_local key)", async () => {
    const dir = tempBackupDir();
    makeBackup(dir, files, { rows: 800, plant: PLANT });
    const r = await scanBackup(dir, [firefoxHistory]);
    const recs = r.records.get("firefox_history")!;
    expect(recs).toHaveLength(200);
    expect(Object.keys(recs[0])).toEqual(["id", "isodate", "url", "title", "i1000000s_local", "type"]);
    expect(recs[0].i1000000s_local).toBe(1);
    expect(observablesOf(firefoxHistory, recs).some((o) => o.startsWith("url:https://planted-bad.example/"))).toBe(true);
    const ev = r.timeline.find((e) => e.module === "FirefoxHistory")!;
    expect(ev.event).toBe("firefox_history");
    expect(ev.data).toMatch(/^Firefox visit with ID \d+ to URL: https:\/\//);
  });

  it("reads exact values from the app-container location too (AppDomain-org.mozilla.ios.Firefox)", async () => {
    const dir = tempBackupDir();
    makeBackup(dir, [
      {
        modules: ["firefox_history"],
        domain: "AppDomain-org.mozilla.ios.Firefox",
        relativePath: "Library/Application Support/profile.profile/browser.db",
        sqlite: (db) =>
          db.exec(`CREATE TABLE history (id INTEGER PRIMARY KEY, guid TEXT, url TEXT, title TEXT NOT NULL);
                   CREATE TABLE visits (id INTEGER PRIMARY KEY, siteID INTEGER NOT NULL, date REAL NOT NULL, type INTEGER NOT NULL, is_local TINYINT NOT NULL);
                   INSERT INTO history VALUES (5, 'g', 'https://example.net/p', 'P');
                   INSERT INTO visits VALUES (9, 5, 1600000000000000, 1, 0);`),
      },
    ]);
    const r = await scanBackup(dir, [firefoxHistory]);
    expect(r.records.get("firefox_history")).toEqual([
      { id: 9, isodate: "2020-09-13 12:26:40.000000", url: "https://example.net/p", title: "P", i1000000s_local: 0, type: 1 },
    ]);
    expect(r.timeline[0]).toEqual({ timestamp: "2020-09-13 12:26:40.000000", module: "FirefoxHistory", event: "firefox_history", data: "Firefox visit with ID 9 to URL: https://example.net/p" });
  });

  it("the MVT fixture lists browser.db but the file is absent: a coverage gap", async () => {
    const r = await scanBackup(IOS_BACKUP, [firefoxHistory]);
    const cov = r.coverage.get("firefox_history")!;
    expect(cov.status).toBe("failed");
    expect(cov.gaps[0].file).toMatch(/2e57c396a35b0d1bcbc624725002d98bd61d142b/);
  });

  it("a truncated browser.db is a failed module / coverage gap, never a crash", async () => {
    const dir = tempBackupDir();
    makeBackup(dir, files, { rows: 8000 });
    truncateHalf(backupFilePath(dir, "AppDomainGroup-group.org.mozilla.ios.Firefox", "profile.profile/browser.db"));
    const r = await scanBackup(dir, [firefoxHistory]);
    const cov = r.coverage.get("firefox_history")!;
    expect(cov.status === "failed" || cov.gaps.length > 0).toBe(true);
  });
});
