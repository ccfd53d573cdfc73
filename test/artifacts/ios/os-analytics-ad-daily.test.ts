import { describe, it, expect } from "vitest";
import { osAnalyticsAdDaily } from "../../../src/core/artifacts/ios/os-analytics-ad-daily.js";
import { files } from "../../../src/node/generate/ios/os-analytics-ad-daily.js";
import { xmlPlist } from "../../../src/node/generate/ios/plist-xml.js";
import { IOS_BACKUP, scanBackup } from "../../helpers/scan.js";
import { PLANT, backupFilePath, makeBackup, observablesOf, tempBackupDir, truncateHalf } from "../../helpers/backup.js";

const REL = "Library/Preferences/com.apple.osanalytics.addaily.plist";

describe("os_analytics_ad_daily (com.apple.osanalytics.addaily.plist)", () => {
  it("yields netUsageBaseline per process with MVT's fields, process observables and timeline", async () => {
    const dir = tempBackupDir();
    makeBackup(dir, [
      {
        modules: ["os_analytics_ad_daily"],
        domain: "HomeDomain",
        relativePath: REL,
        bytes: () => xmlPlist({ netUsageBaseline: { mediaserverd: [new Date("2023-03-04T05:06:07Z"), 10, 20, 30, 40] }, userUploadedCount: 0 }),
      },
    ]);
    const r = await scanBackup(dir, [osAnalyticsAdDaily]);
    const recs = r.records.get("os_analytics_ad_daily")!;
    expect(recs).toEqual([{ package: "mediaserverd", ts: "2023-03-04 05:06:07.000000", wifi_in: 10, wifi_out: 20, wwan_in: 30, wwan_out: 40 }]);
    expect(observablesOf(osAnalyticsAdDaily, recs)).toEqual(["process:mediaserverd"]);
    expect(r.timeline).toEqual([
      { timestamp: "2023-03-04 05:06:07.000000", module: "OSAnalyticsADDaily", event: "osanalytics_addaily", data: "mediaserverd WIFI IN: 10, WIFI OUT: 20 - WWAN IN: 30, WWAN OUT: 40" },
    ]);
  });

  it("generated file: planted process names appear", async () => {
    const dir = tempBackupDir();
    makeBackup(dir, files, { plant: PLANT });
    const r = await scanBackup(dir, [osAnalyticsAdDaily]);
    const recs = r.records.get("os_analytics_ad_daily")!;
    expect(recs).toHaveLength(9);
    expect(observablesOf(osAnalyticsAdDaily, recs)).toContain("process:plantedproc");
  });

  it("a plist without netUsageBaseline yields nothing; a truncated one is a gap; the fixture's absent file is a gap", async () => {
    const dir = tempBackupDir();
    makeBackup(dir, [{ modules: ["os_analytics_ad_daily"], domain: "HomeDomain", relativePath: REL, bytes: () => xmlPlist({ other: 1 }) }]);
    const r = await scanBackup(dir, [osAnalyticsAdDaily]);
    expect(r.records.get("os_analytics_ad_daily")).toBeUndefined();
    expect(r.coverage.get("os_analytics_ad_daily")?.status).toBe("ran");

    const bad = tempBackupDir();
    makeBackup(bad, files);
    truncateHalf(backupFilePath(bad, "HomeDomain", REL));
    const r2 = await scanBackup(bad, [osAnalyticsAdDaily]);
    expect(r2.coverage.get("os_analytics_ad_daily")?.status).toBe("failed");

    const f = await scanBackup(IOS_BACKUP, [osAnalyticsAdDaily]);
    expect(f.coverage.get("os_analytics_ad_daily")?.gaps[0].file).toMatch(/f65b5fafc69bbd3c60be019c6e938e146825fa83/);
  });
});
