import { describe, it, expect } from "vitest";
import { webkitSessionResourceLog } from "../../../src/core/artifacts/ios/webkit-session-resource-log.js";
import { files, xmlPlist } from "../../../src/node/generate/ios/webkit-session-resource-log.js";
import type { Matcher, Observable } from "../../../src/core/types.js";
import { IOS_BACKUP, scanBackup } from "../../helpers/scan.js";
import { genContext, makeBackup } from "../../helpers/backup-comms.js";

const spy = (seen: Observable[]): Matcher => ({ size: 1, match: (o) => (seen.push(o), []) });
const PATH = "Library/WebKit/WebsiteData/ResourceLoadStatistics/full_browsing_session_resourceLog.plist";

describe("webkit_session_resource_log (full_browsing_session_resourceLog.plist)", () => {
  it("is skipped on the fixture, which has no session resource log (MVT writes none either)", async () => {
    const r = await scanBackup(IOS_BACKUP, [webkitSessionResourceLog]);
    expect(r.records.get("webkit_session_resource_log") ?? []).toHaveLength(0);
    expect(r.coverage.get("webkit_session_resource_log")?.status).toBe("skipped");
  });

  it("yields one record per origin with MVT's fields; origin and redirect domains are domain observables", async () => {
    const dir = makeBackup([
      {
        domain: "AppDomain-com.apple.mobilesafari",
        relativePath: PATH,
        bytes: xmlPlist({
          browsingStatistics: [
            {
              PrevalentResourceOrigin: "landing.example",
              topFrameUniqueRedirectsFrom: ["t.co"],
              topFrameUniqueRedirectsTo: ["exploit.example", { origin: "cdn.example" }],
              subframeUnderTopFrameOrigins: [],
              subresourceUnderTopFrameOrigins: ["ads.example"],
              hadUserInteraction: false,
              mostRecentUserInteraction: new Date("2021-07-01T10:00:00Z"),
              lastSeen: new Date("2021-07-01T10:00:05Z"),
            },
          ],
        }),
      },
    ]);
    const seen: Observable[] = [];
    const r = await scanBackup(dir, [webkitSessionResourceLog], spy(seen));
    const recs = r.records.get("webkit_session_resource_log")!;
    expect(recs).toEqual([
      {
        origin: "landing.example",
        redirect_source: ["t.co"],
        redirect_destination: ["exploit.example", { origin: "cdn.example" }],
        subframe_under_origin: [],
        subresource_under_origin: ["ads.example"],
        user_interaction: false,
        most_recent_interaction: "2021-07-01 10:00:00.000000",
        last_seen: "2021-07-01 10:00:05.000000",
        file: expect.stringMatching(/^[0-9a-f]{2}\/[0-9a-f]{40}$/),
      },
    ]);
    expect(seen.map((o) => `${o.type}:${o.value}`).sort()).toEqual(
      ["domain:cdn.example", "domain:exploit.example", "domain:landing.example", "domain:t.co"].sort(),
    );
  });

  it("reads the generated log and exposes the planted redirect destination", async () => {
    const dir = makeBackup(files, genContext(5000, { domains: ["a.example", "planted-evil.net"], processes: [], emails: [], filePaths: [] }));
    const seen: Observable[] = [];
    const r = await scanBackup(dir, [webkitSessionResourceLog], spy(seen));
    expect(r.records.get("webkit_session_resource_log")).toHaveLength(5);
    expect(seen).toContainEqual({ type: "domain", value: "planted-evil.net" });
  });

  it("warns on a plist without browsingStatistics and records an unreadable one as a gap", async () => {
    const dir = makeBackup([
      { domain: "AppDomain-a", relativePath: PATH, bytes: xmlPlist({ other: 1 }) },
      { domain: "AppDomain-b", relativePath: PATH, bytes: new Uint8Array([0x62, 0x70, 0x6c, 0x69, 0x73, 0x74, 0x30, 0x30, 1, 2]) },
    ]);
    const r = await scanBackup(dir, [webkitSessionResourceLog]);
    const cov = r.coverage.get("webkit_session_resource_log")!;
    expect(cov.warnings.join(" ")).toMatch(/browsingStatistics/);
    expect(cov.gaps).toHaveLength(1);
  });
});
