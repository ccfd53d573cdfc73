import { describe, it, expect } from "vitest";
import { chromeHistory } from "../../../src/core/artifacts/ios/chrome-history.js";
import { files } from "../../../src/node/generate/ios/chrome-history.js";
import { IOS_BACKUP, scanBackup } from "../../helpers/scan.js";
import { PLANT, backupFilePath, makeBackup, observablesOf, tempBackupDir, truncateHalf } from "../../helpers/backup.js";

const DOMAIN = "AppDomain-com.google.chrome.ios";
const REL = "Library/Application Support/Google/Chrome/Default/History";

describe("chrome_history (Chrome History)", () => {
  it("yields every visit in time order with MVT's fields, url observables and timeline", async () => {
    const dir = tempBackupDir();
    makeBackup(dir, files, { rows: 800, plant: PLANT });
    const r = await scanBackup(dir, [chromeHistory]);
    const recs = r.records.get("chrome_history")!;
    expect(recs).toHaveLength(200);
    expect(Object.keys(recs[0])).toEqual(["id", "url", "visit_id", "timestamp", "isodate", "redirect_source"]);
    const times = recs.map((x) => x.isodate as string);
    expect([...times].sort()).toEqual(times);
    const obs = observablesOf(chromeHistory, recs);
    expect(obs.some((o) => o.startsWith("url:https://planted-bad.example/"))).toBe(true);
    expect(r.urls.some((u) => u.url.includes("planted-bad.example") && u.source === "chrome_history")).toBe(true);
    const first = r.timeline.find((e) => e.module === "ChromeHistory")!;
    expect(first.event).toBe("visit");
    expect(first.data).toBe(`${recs[0].id} - ${recs[0].url} (visit ID: ${recs[0].visit_id}, redirect source: ${recs[0].redirect_source})`);
  });

  it("converts Chrome time exactly", async () => {
    const dir = tempBackupDir();
    makeBackup(dir, [
      {
        modules: ["chrome_history"],
        domain: DOMAIN,
        relativePath: REL,
        sqlite: (db) =>
          db.exec(`CREATE TABLE urls(id INTEGER PRIMARY KEY, url LONGVARCHAR, title LONGVARCHAR, last_visit_time INTEGER);
                   CREATE TABLE visits(id INTEGER PRIMARY KEY, url INTEGER NOT NULL, visit_time INTEGER NOT NULL, from_visit INTEGER);
                   INSERT INTO urls VALUES (7, 'https://example.org/a', 'A', 0);
                   INSERT INTO visits VALUES (3, 7, 13300000000123456, 0);`),
      },
    ]);
    const r = await scanBackup(dir, [chromeHistory]);
    expect(r.records.get("chrome_history")).toEqual([
      { id: 7, url: "https://example.org/a", visit_id: 3, timestamp: 13300000000123456n, isodate: "2022-06-18 04:26:40.123456", redirect_source: 0 },
    ]);
    expect(r.timeline[0].data).toBe("7 - https://example.org/a (visit ID: 3, redirect source: 0)");
  });

  it("the MVT fixture lists History but the file is absent: reported as a coverage gap", async () => {
    const r = await scanBackup(IOS_BACKUP, [chromeHistory]);
    const cov = r.coverage.get("chrome_history")!;
    expect(cov.status).toBe("failed");
    expect(cov.gaps).toHaveLength(1);
    expect(cov.gaps[0].file).toMatch(/faf971ce92c3ac508c018dce1bef2a8b8e9838f1/);
  });

  it("a truncated database is a failed module / coverage gap, never a crash", async () => {
    const dir = tempBackupDir();
    makeBackup(dir, files, { rows: 8000 });
    truncateHalf(backupFilePath(dir, DOMAIN, REL));
    const r = await scanBackup(dir, [chromeHistory]);
    const cov = r.coverage.get("chrome_history")!;
    expect(cov.status === "failed" || cov.gaps.length > 0).toBe(true);
  });
});
