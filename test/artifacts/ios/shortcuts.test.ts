import { describe, it, expect } from "vitest";
import { shortcuts } from "../../../src/core/artifacts/ios/shortcuts.js";
import { files } from "../../../src/node/generate/ios/shortcuts.js";
import { xmlPlist } from "../../../src/node/generate/ios/plist-xml.js";
import { IOS_BACKUP, scanBackup } from "../../helpers/scan.js";
import { PLANT, backupFilePath, makeBackup, observablesOf, tempBackupDir, truncateHalf } from "../../helpers/backup.js";

const REL = "Library/Shortcuts/Shortcuts.sqlite";

describe("shortcuts (Shortcuts.sqlite)", () => {
  it("parses action plists into action_urls, url observables and created/modified timeline events", async () => {
    const dir = tempBackupDir();
    makeBackup(dir, files, { rows: 3000, plant: PLANT });
    const r = await scanBackup(dir, [shortcuts]);
    const recs = r.records.get("shortcuts")!;
    expect(recs).toHaveLength(4);
    expect(Object.keys(recs[0])).toEqual(["shortcut_id", "shortcut_name", "modified_date", "description", "parsed_actions", "action_urls", "isodate"]);
    expect(recs[0]).toMatchObject({ shortcut_id: 1, shortcut_name: "Morning News", description: "Open URLs", parsed_actions: 1, action_urls: ["https://www.bbc.com/news"] });
    expect(recs[1]).toMatchObject({ shortcut_name: "Home ETA", parsed_actions: 2, action_urls: [] });
    const planted = recs[3];
    expect((planted.action_urls as string[])[0]).toMatch(/^https:\/\/planted-bad\.example\/cfg\/[0-9a-f]{6}$/);
    expect(observablesOf(shortcuts, recs)).toEqual(["url:https://www.bbc.com/news", `url:${(planted.action_urls as string[])[0]}`]);
    const tl = r.timeline.filter((e) => e.module === "Shortcuts");
    expect(tl).toHaveLength(8);
    expect(tl.filter((e) => e.event === "shortcut_created")[0].data).toBe("iOS Shortcut 'Morning News': Open URLs - URLs in actions: https://www.bbc.com/news");
    expect(tl.find((e) => e.event === "shortcut_modified" && e.data.startsWith("iOS Shortcut 'Home ETA'"))!.data).toBe(
      "iOS Shortcut 'Home ETA': Get Travel Time, Send Message ",
    );
  });

  it("shortcuts without action data: action_urls null, parsed_actions 0; an older database without ZSHORTCUTACTIONS", async () => {
    const dir = tempBackupDir();
    makeBackup(dir, [
      {
        modules: ["shortcuts"],
        domain: "HomeDomain",
        relativePath: REL,
        sqlite: (db) => {
          db.exec(`CREATE TABLE ZSHORTCUT (Z_PK INTEGER PRIMARY KEY, ZNAME VARCHAR, ZCREATIONDATE TIMESTAMP, ZMODIFICATIONDATE TIMESTAMP, ZACTIONSDESCRIPTION VARCHAR);
                   CREATE TABLE ZSHORTCUTACTIONS (Z_PK INTEGER PRIMARY KEY, ZSHORTCUT INTEGER, ZDATA BLOB);
                   INSERT INTO ZSHORTCUT VALUES (1, 'Empty', 600000000, 600000060, NULL);
                   INSERT INTO ZSHORTCUT VALUES (2, 'Web', 600000000, 600000000, 'Open URLs');
                   INSERT INTO ZSHORTCUTACTIONS VALUES (1, 2, X'00');`);
          db.prepare("INSERT INTO ZSHORTCUTACTIONS VALUES (2, 2, ?)").run(
            Buffer.from(xmlPlist([{ WFWorkflowActionIdentifier: "is.workflow.actions.openurl", WFWorkflowActionParameters: { WFInput: { Value: { string: "see https://a.example/x, ok" } } } }])),
          );
        },
      },
    ]);
    const r = await scanBackup(dir, [shortcuts]);
    const recs = r.records.get("shortcuts")!;
    expect(recs).toEqual([
      { shortcut_id: 1, shortcut_name: "Empty", modified_date: "2020-01-06 10:41:00.000000", description: null, parsed_actions: 0, action_urls: null, isodate: "2020-01-06 10:40:00.000000" },
      { shortcut_id: 2, shortcut_name: "Web", modified_date: "2020-01-06 10:40:00.000000", description: "Open URLs", parsed_actions: 0, action_urls: null, isodate: "2020-01-06 10:40:00.000000" },
      { shortcut_id: 2, shortcut_name: "Web", modified_date: "2020-01-06 10:40:00.000000", description: "Open URLs", parsed_actions: 1, action_urls: ["https://a.example/x"], isodate: "2020-01-06 10:40:00.000000" },
    ]);
    expect(r.timeline.find((e) => e.event === "shortcut_created")!.data).toBe("iOS Shortcut 'Empty':  ");

    const old = tempBackupDir();
    makeBackup(old, [{ modules: ["shortcuts"], domain: "HomeDomain", relativePath: REL, sqlite: (db) => db.exec("CREATE TABLE ZSHORTCUT (Z_PK INTEGER PRIMARY KEY, ZNAME VARCHAR); INSERT INTO ZSHORTCUT VALUES (1, 'Old');") }]);
    const r2 = await scanBackup(old, [shortcuts]);
    expect(r2.records.get("shortcuts")).toEqual([{ shortcut_id: 1, shortcut_name: "Old", modified_date: null, description: null, parsed_actions: 0, action_urls: null, isodate: null }]);
    expect(r2.coverage.get("shortcuts")?.warnings.join(" ")).toMatch(/ZSHORTCUTACTIONS/);
  });

  it("a database without ZSHORTCUT warns; a truncated one fails cleanly; the fixture's absent file is a gap", async () => {
    const dir = tempBackupDir();
    makeBackup(dir, [{ modules: ["shortcuts"], domain: "HomeDomain", relativePath: REL, sqlite: (db) => db.exec("CREATE TABLE ZOTHER (x)") }]);
    const r = await scanBackup(dir, [shortcuts]);
    expect(r.coverage.get("shortcuts")?.warnings.join(" ")).toMatch(/ZSHORTCUT/);

    const bad = tempBackupDir();
    makeBackup(bad, files, { rows: 3000 });
    truncateHalf(backupFilePath(bad, "HomeDomain", REL));
    const r2 = await scanBackup(bad, [shortcuts]);
    const cov = r2.coverage.get("shortcuts")!;
    expect(cov.status === "failed" || cov.gaps.length > 0).toBe(true);

    const f = await scanBackup(IOS_BACKUP, [shortcuts]);
    expect(f.coverage.get("shortcuts")?.gaps[0].file).toMatch(/5b4d0b44b5990f62b9f4d34ad8dc382bf0b01094/);
  });
});
