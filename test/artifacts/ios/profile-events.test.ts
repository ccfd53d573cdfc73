import { describe, it, expect } from "vitest";
import { profileEvents } from "../../../src/core/artifacts/ios/profile-events.js";
import { files } from "../../../src/node/generate/ios/profile-events.js";
import { xmlPlist } from "../../../src/node/generate/ios/plist-xml.js";
import { scanBackup } from "../../helpers/scan.js";
import { PLANT, backupFilePath, makeBackup, observablesOf, tempBackupDir, truncateHalf } from "../../helpers/backup.js";

const DOMAIN = "SysSharedContainerDomain-systemgroup.com.apple.configurationprofiles";
const REL = "Library/ConfigurationProfiles/MCProfileEvents.plist";

describe("profile_events (MCProfileEvents.plist)", () => {
  it("yields exact records, process + profile_id observables and MVT's timeline sentence", async () => {
    const dir = tempBackupDir();
    makeBackup(dir, [
      {
        modules: ["profile_events"],
        domain: DOMAIN,
        relativePath: REL,
        bytes: () =>
          xmlPlist({
            ProfileEvents: [
              { "com.example.vpn.1234": { timestamp: new Date("2023-01-02T03:04:05Z"), operation: "install", process: "Preferences" } },
              { "com.example.mdm": { Timestamp: new Date("2023-02-02T00:00:00Z"), Operation: "remove", Process: "dmd", Extra: 1 } },
            ],
          }),
      },
    ]);
    const r = await scanBackup(dir, [profileEvents]);
    const recs = r.records.get("profile_events")!;
    expect(recs).toEqual([
      { profile_id: "com.example.vpn.1234", timestamp: "2023-01-02 03:04:05.000000", operation: "install", process: "Preferences" },
      { profile_id: "com.example.mdm", timestamp: "2023-02-02 00:00:00.000000", operation: "remove", process: "dmd", extra: 1 },
    ]);
    expect(observablesOf(profileEvents, recs)).toEqual(["process:Preferences", "profile_id:com.example.vpn.1234", "process:dmd", "profile_id:com.example.mdm"]);
    expect(r.timeline[0]).toEqual({
      timestamp: "2023-01-02 03:04:05.000000",
      module: "ProfileEvents",
      event: "profile_operation",
      data: "Process Preferences started operation install of profile com.example.vpn.1234",
    });
  });

  it("generated file: planted process appears as an observable", async () => {
    const dir = tempBackupDir();
    makeBackup(dir, files, { plant: PLANT });
    const r = await scanBackup(dir, [profileEvents]);
    const recs = r.records.get("profile_events")!;
    expect(recs).toHaveLength(4);
    expect(observablesOf(profileEvents, recs)).toContain("process:plantedproc");
  });

  it("a truncated plist is a failed module with a coverage gap, never a crash", async () => {
    const dir = tempBackupDir();
    makeBackup(dir, files);
    truncateHalf(backupFilePath(dir, DOMAIN, REL));
    const r = await scanBackup(dir, [profileEvents]);
    const cov = r.coverage.get("profile_events")!;
    expect(cov.status).toBe("failed");
    expect(cov.gaps).toHaveLength(1);
  });
});
