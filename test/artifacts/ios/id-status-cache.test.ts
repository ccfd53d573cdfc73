import { describe, it, expect } from "vitest";
import { idStatusCache } from "../../../src/core/artifacts/ios/id-status-cache.js";
import { files } from "../../../src/node/generate/ios/id-status-cache.js";
import { Real, xmlPlist } from "../../../src/node/generate/ios/plist-xml.js";
import { IOS_BACKUP, scanBackup } from "../../helpers/scan.js";
import { PLANT, backupFilePath, makeBackup, observablesOf, tempBackupDir, truncateHalf } from "../../helpers/backup.js";

const REL = "Library/Preferences/com.apple.identityservices.idstatuscache.plist";

describe("id_status_cache (idstatuscache.plist)", () => {
  it("yields lookups with occurrences, email observables, timeline and the NUL-pattern heuristic", async () => {
    const dir = tempBackupDir();
    makeBackup(dir, [
      {
        modules: ["id_status_cache"],
        domain: "HomeDomain",
        relativePath: REL,
        bytes: () =>
          xmlPlist({
            "com.apple.madrid": {
              "mailto:someone@example.org": { IDStatus: 1, LookupDate: new Real(600000000.5) },
              "tel:+15551234": { IDStatus: 2, LookupDate: new Real(600000100) },
              "mailto:x\u0000\u0000y@example.org": { IDStatus: 2, LookupDate: new Real(600000200) },
              "tel:+15550000": { IDStatus: 1 },
            },
            "com.apple.private.alloy.facetime.multi": { "mailto:someone@example.org": { IDStatus: 1, LookupDate: new Real(600000300) } },
            "__kIDSStatusCacheVersion": 3,
          }),
      },
    ]);
    const r = await scanBackup(dir, [idStatusCache]);
    const recs = r.records.get("id_status_cache")!;
    expect(recs).toEqual([
      { package: "com.apple.madrid", user: "mailto:someone@example.org", isodate: "2020-01-06 10:40:00.500000", idstatus: 1, occurrences: 2 },
      { package: "com.apple.madrid", user: "tel:+15551234", isodate: "2020-01-06 10:41:40.000000", idstatus: 2, occurrences: 1 },
      { package: "com.apple.madrid", user: "mailto:x\\x00\\x00y@example.org", isodate: "2020-01-06 10:43:20.000000", idstatus: 2, occurrences: 1 },
      { package: "com.apple.private.alloy.facetime.multi", user: "mailto:someone@example.org", isodate: "2020-01-06 10:45:00.000000", idstatus: 1, occurrences: 2 },
    ]);
    expect(observablesOf(idStatusCache, recs)).toEqual(["email:someone@example.org", "email:x\\x00\\x00y@example.org", "email:someone@example.org"]);
    expect(r.timeline[1]).toEqual({ timestamp: "2020-01-06 10:41:40.000000", module: "IDStatusCache", event: "lookup", data: "Lookup of tel:+15551234 within com.apple.madrid (Status 2)" });
    expect(r.detections).toHaveLength(1);
    expect(r.detections[0]).toMatchObject({ level: "medium", heuristic: "id_status_cache.nul_pattern", eventTime: "2020-01-06 10:43:20.000000" });
  });

  it("generated file: planted e-mail looked up by two services", async () => {
    const dir = tempBackupDir();
    makeBackup(dir, files, { rows: 2000, plant: PLANT });
    const r = await scanBackup(dir, [idStatusCache]);
    const recs = r.records.get("id_status_cache")!;
    expect(recs.length).toBeGreaterThanOrEqual(10);
    const planted = recs.filter((x) => x.user === "mailto:planted.attacker@example.net");
    expect(planted).toHaveLength(2);
    expect(planted[0].occurrences).toBe(2);
    expect(observablesOf(idStatusCache, recs)).toContain("email:planted.attacker@example.net");
  });

  it("a truncated plist is a coverage gap; the fixture lists the plist without the file", async () => {
    const dir = tempBackupDir();
    makeBackup(dir, files, { rows: 5000 });
    truncateHalf(backupFilePath(dir, "HomeDomain", REL));
    const r = await scanBackup(dir, [idStatusCache]);
    expect(r.coverage.get("id_status_cache")?.status).toBe("failed");
    const f = await scanBackup(IOS_BACKUP, [idStatusCache]);
    expect(f.coverage.get("id_status_cache")?.gaps[0].file).toMatch(/6b97989189901ceaa4e5be9b7f05fb584120e27b/);
  });
});
