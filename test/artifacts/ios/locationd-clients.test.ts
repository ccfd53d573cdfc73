import { describe, it, expect } from "vitest";
import { locationdClients } from "../../../src/core/artifacts/ios/locationd-clients.js";
import { files } from "../../../src/node/generate/ios/locationd-clients.js";
import { Real, xmlPlist } from "../../../src/node/generate/ios/plist-xml.js";
import { IOS_BACKUP, asJson, scanBackup } from "../../helpers/scan.js";
import { PLANT, backupFilePath, makeBackup, observablesOf, tempBackupDir, truncateHalf } from "../../helpers/backup.js";

const REL = "Library/Caches/locationd/clients.plist";

describe("locationd_clients (clients.plist)", () => {
  it("yields each client with converted timestamps, process/app_id/file_path observables and one event per timestamp key", async () => {
    const dir = tempBackupDir();
    makeBackup(dir, [
      {
        modules: ["locationd_clients"],
        domain: "RootDomain",
        relativePath: REL,
        bytes: () =>
          xmlPlist({
            "com.apple.locationd.migration": 2,
            "com.apple.Maps": { BundleId: "com.apple.Maps", Authorization: 4, LocationTimeStopped: new Real(600000000), ConsumptionPeriodBegin: new Real(599000000.25), ClientStorageToken: Uint8Array.from([1, 2, 3]) },
            "/usr/libexec/evild:": { Executable: "/usr/libexec/evild", Registered: "/usr/libexec/evild", FenceTimeStopped: new Real(600000500) },
            "/usr/libexec/other:": { Registered: true },
          }),
      },
    ]);
    const r = await scanBackup(dir, [locationdClients]);
    const recs = await asJson(r.records.get("locationd_clients")!);
    expect(recs).toEqual([
      { BundleId: "com.apple.Maps", Authorization: 4, LocationTimeStopped: "2020-01-06 10:40:00.000000", ConsumptionPeriodBegin: "2019-12-25 20:53:20.250000", ClientStorageToken: "AQID", package: "com.apple.Maps" },
      { Executable: "/usr/libexec/evild", Registered: "/usr/libexec/evild", FenceTimeStopped: "2020-01-06 10:48:20.000000", package: "/usr/libexec/evild" },
      { Registered: true, package: "/usr/libexec/other" },
    ]);
    const raw = r.records.get("locationd_clients")!;
    expect(observablesOf(locationdClients, raw)).toEqual([
      "process:com.apple.Maps",
      "process:com.apple.Maps",
      "app_id:com.apple.Maps",
      "process:evild",
      "file_path:/usr/libexec/evild",
      "file_path:/usr/libexec/evild",
      "process:other",
    ]);
    expect(r.timeline.map((e) => `${e.timestamp}|${e.event}|${e.data}`)).toEqual([
      "2019-12-25 20:53:20.250000|ConsumptionPeriodBegin|ConsumptionPeriodBegin from com.apple.Maps",
      "2020-01-06 10:40:00.000000|LocationTimeStopped|LocationTimeStopped from com.apple.Maps",
      "2020-01-06 10:48:20.000000|FenceTimeStopped|FenceTimeStopped from /usr/libexec/evild",
    ]);
    expect(r.timeline.every((e) => e.module === "LocationdClients")).toBe(true);
  });

  it("generated file: planted process is a process observable", async () => {
    const dir = tempBackupDir();
    makeBackup(dir, files, { plant: PLANT });
    const r = await scanBackup(dir, [locationdClients]);
    const recs = r.records.get("locationd_clients")!;
    expect(recs).toHaveLength(10);
    expect(observablesOf(locationdClients, recs)).toContain("process:plantedproc");
  });

  it("a truncated plist is a coverage gap; the fixture lists clients.plist without the file", async () => {
    const dir = tempBackupDir();
    makeBackup(dir, files);
    truncateHalf(backupFilePath(dir, "RootDomain", REL));
    const r = await scanBackup(dir, [locationdClients]);
    expect(r.coverage.get("locationd_clients")?.status).toBe("failed");
    const f = await scanBackup(IOS_BACKUP, [locationdClients]);
    expect(f.coverage.get("locationd_clients")?.gaps[0].file).toMatch(/a690d7769cce8904ca2b67320b107c8fe5f79412/);
  });
});
