import { describe, it, expect } from "vitest";
import { safariBrowserState } from "../../../src/core/artifacts/ios/safari-browser-state.js";
import { BROWSER_STATE_SCHEMA, files, sessionBlob } from "../../../src/node/generate/ios/safari-browser-state.js";
import type { Matcher, Observable } from "../../../src/core/types.js";
import { asJson, expectedMvt, IOS_BACKUP, scanBackup } from "../../helpers/scan.js";
import { expectedTimelineRows, genContext, makeBackup, timelineRows } from "../../helpers/backup-comms.js";

const spy = (seen: Observable[]): Matcher => ({ size: 1, match: (o) => (seen.push(o), []) });

describe("safari_browser_state (BrowserState.db)", () => {
  it("yields MVT's record on the fixture with the backup-relative database path", async () => {
    const seen: Observable[] = [];
    const r = await scanBackup(IOS_BACKUP, [safariBrowserState], spy(seen));
    const records = await asJson(r.records.get("safari_browser_state") ?? []);
    expect(records).toHaveLength(1);
    expect(records).toEqual(await expectedMvt("safari_browser_state"));
    expect(records[0].safari_browser_state_db).toBe("3a/3a47b0981ed7c10f3e2800aa66bac96a3b5db28e");
    expect(seen).toEqual([{ type: "url", value: "https://en.wikipedia.org/wiki/NSO_Group" }]);
  });

  it("writes MVT's timeline row", async () => {
    const r = await scanBackup(IOS_BACKUP, [safariBrowserState]);
    const rows = timelineRows(r.timeline, "SafariBrowserState");
    expect(rows).toHaveLength(1);
    expect(rows).toEqual(await expectedTimelineRows("SafariBrowserState"));
  });

  it("decodes session_data history entries and exposes their URLs (generated, planted)", async () => {
    const dir = makeBackup(files, genContext(3000, { domains: ["planted-evil.net"], processes: [], emails: [], filePaths: [] }));
    const seen: Observable[] = [];
    const r = await scanBackup(dir, [safariBrowserState], spy(seen));
    const recs = r.records.get("safari_browser_state")!;
    expect(recs).toHaveLength(3);
    const planted = recs.find((x) => (x.session_data as any[]).length === 3)!;
    expect(planted.session_data).toEqual([
      { entry_title: "https://www.google.com/", entry_url: "https://www.google.com/", data_length: 16 },
      { entry_title: "http://planted-evil.net/index.html", entry_url: "http://planted-evil.net/index.html", data_length: 16 },
      { entry_title: planted.tab_url, entry_url: planted.tab_url, data_length: 16 },
    ]);
    expect(seen).toContainEqual({ type: "url", value: "http://planted-evil.net/index.html" });
  });

  it("falls back to the iOS 11 schema (session_data in tabs) and tolerates a garbage blob", async () => {
    const good = Buffer.from(sessionBlob([{ url: "https://a.example/", title: "A" }])).toString("hex");
    const dir = makeBackup([
      {
        domain: "HomeDomain",
        relativePath: "Library/Safari/BrowserState.db",
        sql: `CREATE TABLE tabs (id INTEGER PRIMARY KEY, uuid TEXT, title TEXT, url TEXT, user_visible_url TEXT, last_viewed_time REAL, session_data BLOB);
              INSERT INTO tabs VALUES (1, 'u1', 'A', 'https://a.example/', 'https://a.example/', 500000000.5, x'${good}');
              INSERT INTO tabs VALUES (2, 'u2', 'B', 'https://b.example/', 'https://b.example/', NULL, x'0000000142414442');`,
      },
    ]);
    const r = await scanBackup(dir, [safariBrowserState]);
    const recs = r.records.get("safari_browser_state")!;
    expect(recs.map((x) => [x.tab_title, x.last_viewed_timestamp, (x.session_data as any[]).length])).toEqual([
      ["B", "", 0],
      ["A", "2016-11-05 00:53:20.500000", 1],
    ]);
    expect(r.timeline).toHaveLength(1);
  });

  it("records a database without tabs as a coverage gap", async () => {
    void BROWSER_STATE_SCHEMA;
    const dir = makeBackup([{ domain: "HomeDomain", relativePath: "Library/Safari/BrowserState.db", sql: "CREATE TABLE other (x)" }]);
    const r = await scanBackup(dir, [safariBrowserState]);
    expect(r.coverage.get("safari_browser_state")?.status).toBe("failed");
  });
});
