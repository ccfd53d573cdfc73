import { describe, it, expect } from "vitest";
import { calendar } from "../../../src/core/artifacts/ios/calendar.js";
import { files } from "../../../src/node/generate/ios/calendar.js";
import { asJson, expectedMvt, IOS_BACKUP, scanBackup } from "../../helpers/scan.js";
import { expectedTimelineRows, timelineRows } from "../../helpers/backup-comms.js";
import { backupFilePath, makeBackup, observablesOf, PLANT, tempBackupDir, truncateHalf } from "../../helpers/backup.js";

const REL = "Library/Calendar/Calendar.sqlitedb";
const one = (sql: string) => [{ modules: ["calendar"], domain: "HomeDomain", relativePath: REL, sqlite: (db: any) => db.exec(sql) }];

describe("calendar (Calendar.sqlitedb)", () => {
  it("yields MVT's record with participant fields and 4 timeline rows on the fixture", async () => {
    const r = await scanBackup(IOS_BACKUP, [calendar]);
    const recs = r.records.get("calendar")!;
    expect(await asJson(recs)).toEqual(await expectedMvt("calendar"));
    expect(timelineRows(r.timeline, "Calendar")).toEqual(await expectedTimelineRows("Calendar"));
    expect(timelineRows(r.timeline, "Calendar")).toHaveLength(4);
    expect(observablesOf(calendar, recs)).toEqual(["email:user@example.org"]);
    expect(r.detections).toEqual([]);
  });

  it("generates a real-schema database: planted e-mail and URL observed, QuaDream-style event flagged HIGH", async () => {
    const dir = tempBackupDir();
    makeBackup(dir, files, { rows: 400, plant: PLANT });
    const r = await scanBackup(dir, [calendar]);
    const recs = r.records.get("calendar")!;
    expect(recs).toHaveLength(22);
    expect(Object.keys(recs[0])).toEqual(Object.keys((await expectedMvt("calendar"))[0]));
    const obs = observablesOf(calendar, recs);
    expect(obs).toContain("email:planted.attacker@example.net");
    expect(obs).toContain("url:https://planted-bad.example/meet");
    expect(obs).toContain("url:https://planted-bad.example/agenda");
    const high = r.detections.filter((d) => d.level === "high");
    expect(high).toHaveLength(1);
    expect(high[0].message).toMatch(/^Potential Quadream exploit event identified: [0-9A-F-]{36}/);
    expect(high[0].heuristic).toBe("calendar.quadream_invitation");
  });

  it("reads an older schema without Participant (participant fields null) and warns", async () => {
    const dir = tempBackupDir();
    makeBackup(dir, one(`CREATE TABLE CalendarItem (ROWID INTEGER PRIMARY KEY, summary TEXT, description TEXT, start_date REAL, end_date REAL, organizer_id INTEGER, UUID TEXT);
      INSERT INTO CalendarItem VALUES (1, 'Meeting', 'Notes', 700000000, 700003600, 0, 'ABC');`));
    const r = await scanBackup(dir, [calendar]);
    const rec = r.records.get("calendar")![0];
    expect(rec).toMatchObject({ id: 1, summary: "Meeting", start_date: "2023-03-08 20:26:40.000000", participant_email: null, all_day: null });
    expect(r.timeline.map((e) => e.data)[0]).toBe("Calendar event Meeting (Notes) (invitation by None)");
    expect(r.detections.map((d) => d.level)).toEqual(["high"]);
    expect(r.coverage.get("calendar")!.warnings[0]).toMatch(/older schema/);
  });

  it("a truncated database or one without CalendarItem never crashes the scan", async () => {
    const dir = tempBackupDir();
    makeBackup(dir, one("CREATE TABLE Store (ROWID INTEGER PRIMARY KEY);"));
    const r = await scanBackup(dir, [calendar]);
    expect(r.coverage.get("calendar")!.status).toBe("failed");
    const dir2 = tempBackupDir();
    makeBackup(dir2, files, { rows: 40000 });
    truncateHalf(backupFilePath(dir2, "HomeDomain", REL));
    const r2 = await scanBackup(dir2, [calendar]);
    expect(r2.coverage.get("calendar")).toBeTruthy();
  });
});
