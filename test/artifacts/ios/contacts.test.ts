import { describe, it, expect } from "vitest";
import { contacts } from "../../../src/core/artifacts/ios/contacts.js";
import { files } from "../../../src/node/generate/ios/contacts.js";
import { IOS_BACKUP, scanBackup } from "../../helpers/scan.js";
import { PLANT, backupFilePath, makeBackup, observablesOf, tempBackupDir, truncateHalf } from "../../helpers/backup.js";

const REL = "Library/AddressBook/AddressBook.sqlitedb";

describe("contacts (AddressBook.sqlitedb)", () => {
  it("yields one record per multi-value with the person's names, e-mails as email observables", async () => {
    const dir = tempBackupDir();
    makeBackup(dir, files, { rows: 2000, plant: PLANT });
    const r = await scanBackup(dir, [contacts]);
    const recs = r.records.get("contacts")!;
    expect(recs.length).toBeGreaterThan(20);
    expect(Object.keys(recs[0])).toEqual(["value", "first", "middle", "last", "organization"]);
    expect(recs[0].value).toBe("+1 (415) 555-3001");
    const planted = recs.find((c) => c.value === "planted.attacker@example.net")!;
    expect(planted).toEqual({ value: "planted.attacker@example.net", first: "Support", middle: null, last: null, organization: "Account Security" });
    const obs = observablesOf(contacts, recs);
    expect(obs).toContain("email:planted.attacker@example.net");
    expect(obs.every((o) => o.startsWith("email:"))).toBe(true);
    expect(r.timeline).toHaveLength(0); // MVT has no timeline for contacts
  });

  it("a database without ABPerson (older/other format) warns and yields nothing", async () => {
    const dir = tempBackupDir();
    makeBackup(dir, [{ modules: ["contacts"], domain: "HomeDomain", relativePath: REL, sqlite: (db) => db.exec("CREATE TABLE ABStore (x)") }]);
    const r = await scanBackup(dir, [contacts]);
    expect(r.records.get("contacts")).toBeUndefined();
    expect(r.coverage.get("contacts")?.warnings.join(" ")).toMatch(/ABPerson/);
  });

  it("a truncated database is a failed module / coverage gap; the fixture's absent file is a gap", async () => {
    const dir = tempBackupDir();
    makeBackup(dir, files, { rows: 100000 });
    truncateHalf(backupFilePath(dir, "HomeDomain", REL));
    const r = await scanBackup(dir, [contacts]);
    const cov = r.coverage.get("contacts")!;
    expect(cov.status === "failed" || cov.gaps.length > 0).toBe(true);

    const f = await scanBackup(IOS_BACKUP, [contacts]);
    expect(f.coverage.get("contacts")?.gaps[0].file).toMatch(/31bb7ba8914766d4ba40d6dfb6113c8b614be442/);
  });
});
