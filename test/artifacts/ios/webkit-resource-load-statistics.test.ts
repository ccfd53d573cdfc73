import { describe, it, expect } from "vitest";
import { webkitResourceLoadStatistics } from "../../../src/core/artifacts/ios/webkit-resource-load-statistics.js";
import { files } from "../../../src/node/generate/ios/webkit-resource-load-statistics.js";
import type { Matcher, Observable } from "../../../src/core/types.js";
import { asJson, expectedMvt, IOS_BACKUP, scanBackup } from "../../helpers/scan.js";
import { expectedTimelineRows, genContext, makeBackup, timelineRows } from "../../helpers/backup-comms.js";

const spy = (seen: Observable[]): Matcher => ({ size: 1, match: (o) => (seen.push(o), []) });
const PATH = "Library/WebKit/WebsiteData/ResourceLoadStatistics/observations.db";

describe("webkit_resource_load_statistics (observations.db, every app)", () => {
  it("yields MVT's 2 records on the fixture with the file's domain and path", async () => {
    const seen: Observable[] = [];
    const r = await scanBackup(IOS_BACKUP, [webkitResourceLoadStatistics], spy(seen));
    const records = await asJson(r.records.get("webkit_resource_load_statistics") ?? []);
    expect(records).toHaveLength(2);
    expect(records).toEqual(await expectedMvt("webkit_resource_load_statistics"));
    expect(seen).toEqual([
      { type: "domain", value: "google.com" },
      { type: "domain", value: "gstatic.com" },
    ]);
  });

  it("writes MVT's 2 timeline rows", async () => {
    const r = await scanBackup(IOS_BACKUP, [webkitResourceLoadStatistics]);
    const rows = timelineRows(r.timeline, "WebkitResourceLoadStatistics");
    expect(rows).toHaveLength(2);
    expect(rows).toEqual(await expectedTimelineRows("WebkitResourceLoadStatistics"));
  });

  it("reads every app's database (generated, planted domain in Chrome's)", async () => {
    const dir = makeBackup(files, genContext(1000, { domains: ["planted-evil.net"], processes: [], emails: [], filePaths: [] }));
    const r = await scanBackup(dir, [webkitResourceLoadStatistics]);
    const recs = r.records.get("webkit_resource_load_statistics")!;
    expect(new Set(recs.map((x) => x.domain))).toEqual(new Set(["AppDomain-com.apple.mobilesafari", "AppDomain-com.google.chrome.ios"]));
    const planted = recs.find((x) => x.registrable_domain === "planted-evil.net")!;
    expect(planted.domain).toBe("AppDomain-com.google.chrome.ios");
    expect(r.timeline.find((e) => e.data.includes("planted-evil.net"))?.data).toBe(
      "Webkit resource loaded from planted-evil.net by app in domain AppDomain-com.google.chrome.ios",
    );
  });

  it("handles the old schema (no interaction time) and the newest (web push time)", async () => {
    const dir = makeBackup([
      {
        domain: "AppDomain-a",
        relativePath: PATH,
        sql: `CREATE TABLE ObservedDomains (domainID INTEGER PRIMARY KEY, registrableDomain TEXT, lastSeen REAL, hadUserInteraction INTEGER);
              INSERT INTO ObservedDomains VALUES (1, 'old.example', 1600000000, 0);`,
      },
      {
        domain: "AppDomain-b",
        relativePath: PATH,
        sql: `CREATE TABLE ObservedDomains (domainID INTEGER PRIMARY KEY, registrableDomain TEXT, lastSeen REAL, hadUserInteraction INTEGER,
                mostRecentUserInteractionTime REAL, mostRecentWebPushInteractionTime REAL);
              INSERT INTO ObservedDomains VALUES (1, 'new.example', 1634560250.0, 1, 1634560030.0, -1.0);`,
      },
      { domain: "AppDomain-c", relativePath: PATH, sql: "CREATE TABLE unrelated (x)" },
    ]);
    const r = await scanBackup(dir, [webkitResourceLoadStatistics]);
    const recs = r.records.get("webkit_resource_load_statistics")!;
    expect(recs[0]).toEqual({
      domain_id: 1,
      registrable_domain: "old.example",
      last_seen: 1600000000,
      had_user_interaction: false,
      last_seen_isodate: "2020-09-13 12:26:40.000000",
      domain: "AppDomain-a",
      path: PATH,
    });
    expect(recs[1]).toMatchObject({
      most_recent_user_interaction_time: 1634560030,
      most_recent_user_interaction_time_isodate: "2021-10-18 12:27:10.000000",
      most_recent_web_push_interaction_time: -1,
    });
    expect("most_recent_web_push_interaction_time_isodate" in recs[1]).toBe(false);
    expect(r.coverage.get("webkit_resource_load_statistics")?.warnings.join(" ")).toMatch(/ObservedDomains/);
  });
});
