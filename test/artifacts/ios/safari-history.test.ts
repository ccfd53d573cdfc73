import { describe, it, expect } from "vitest";
import { safariHistory } from "../../../src/core/artifacts/ios/safari-history.js";
import { files, HISTORY_SCHEMA } from "../../../src/node/generate/ios/safari-history.js";
import type { Matcher, Observable } from "../../../src/core/types.js";
import { IOS_BACKUP, scanBackup } from "../../helpers/scan.js";
import { genContext, makeBackup } from "../../helpers/backup-comms.js";

const spy = (seen: Observable[]): Matcher => ({ size: 1, match: (o) => (seen.push(o), []) });
const PATH = "Library/Safari/History.db";

function historyDb(rows: string): string {
  return `${HISTORY_SCHEMA}
    INSERT INTO history_items (id, url, visit_count, daily_visit_counts, should_recompute_derived_visit_counts, visit_count_score) VALUES
      (1, 'http://news.example/', 1, x'', 0, 0), (2, 'https://evil.example/x', 1, x'', 0, 0), (3, 'http://www.same.example/', 1, x'', 0, 0),
      (4, 'https://same.example/', 1, x'', 0, 0), (5, 'http://slow.example/', 1, x'', 0, 0), (6, 'https://other.example/', 1, x'', 0, 0);
    ${rows}`;
}

describe("safari_history (History.db)", () => {
  it("finds no History.db with content on the fixture (MVT writes no safari_history.json)", async () => {
    const r = await scanBackup(IOS_BACKUP, [safariHistory]);
    expect(r.records.get("safari_history") ?? []).toHaveLength(0);
  });

  it("yields visits with MVT's fields, url observables and timeline; flags a fast cross-domain HTTP redirect", async () => {
    const dir = makeBackup([
      {
        domain: "HomeDomain",
        relativePath: PATH,
        sql: historyDb(`INSERT INTO history_visits (id, history_item, visit_time, redirect_source, redirect_destination) VALUES
          (10, 1, 650000000.0, NULL, 11), (11, 2, 650000000.25, 10, NULL),
          (12, 3, 650001000.0, NULL, 13), (13, 4, 650001000.1, 12, NULL),
          (14, 5, 650002000.0, NULL, 15), (15, 6, 650002003.0, 14, NULL);`),
      },
    ]);
    const seen: Observable[] = [];
    const r = await scanBackup(dir, [safariHistory], spy(seen));
    const recs = r.records.get("safari_history")!;
    expect(recs).toHaveLength(6);
    expect(recs[0]).toEqual({
      id: 1,
      url: "http://news.example/",
      visit_id: 10,
      timestamp: 650000000,
      isodate: "2021-08-07 03:33:20.000000",
      redirect_source: null,
      redirect_destination: 11,
      safari_history_db: expect.stringMatching(/^[0-9a-f]{2}\/[0-9a-f]{40}$/),
    });
    expect(seen[1]).toEqual({ type: "url", value: "https://evil.example/x" });
    expect(r.timeline[0]).toEqual({
      timestamp: "2021-08-07 03:33:20.000000",
      module: "SafariHistory",
      event: "safari_history",
      data: "Safari visit to http://news.example/ (ID: 1, Visit ID: 10)",
    });
    // Only the sub-second redirect to another domain: not the same-site HTTPS upgrade, not the 3-second one.
    expect(r.detections).toHaveLength(1);
    const d = r.detections[0];
    expect(d.level).toBe("medium");
    expect(d.heuristic).toBe("safari_history.fast_redirect");
    expect(d.message).toMatch(/^Redirect took less than a second! \(250\.0 milliseconds\) from http:\/\/news\.example\/ to https:\/\/evil\.example\/x/);
    expect(d.eventTime).toBe("2021-08-07 03:33:20.000000");
  });

  it("reads Safari profile databases (iOS 17+) too", async () => {
    const dir = makeBackup([
      {
        domain: "HomeDomain",
        relativePath: "Library/Safari/Profiles/ABCD-1234/History.db",
        sql: historyDb("INSERT INTO history_visits (id, history_item, visit_time) VALUES (1, 2, 700000000);"),
      },
    ]);
    const r = await scanBackup(dir, [safariHistory]);
    expect(r.records.get("safari_history")!.map((x) => x.url)).toEqual(["https://evil.example/x"]);
  });

  it("generates ≈ g.rows visits and the planted injection is flagged", async () => {
    const dir = makeBackup(files, genContext(2000, { domains: ["planted-evil.net"], processes: [], emails: [], filePaths: [] }));
    const r = await scanBackup(dir, [safariHistory]);
    const recs = r.records.get("safari_history")!;
    expect(recs.length).toBeGreaterThanOrEqual(2000);
    expect(recs.length).toBeLessThanOrEqual(2001);
    expect(r.detections).toHaveLength(1);
    expect(r.detections[0].message).toMatch(/planted-evil\.net/);
  });

  it("records a History.db without the history tables as a gap", async () => {
    const dir = makeBackup([{ domain: "HomeDomain", relativePath: PATH, sql: "CREATE TABLE x (y)" }]);
    const r = await scanBackup(dir, [safariHistory]);
    expect(r.coverage.get("safari_history")?.status).toBe("failed");
  });
});
