import { describe, it, expect } from "vitest";
import { createHash } from "node:crypto";
import { applications } from "../../../src/core/artifacts/ios/applications.js";
import { files, infoPlistApplications } from "../../../src/node/generate/ios/applications.js";
import { xmlPlist } from "../../../src/node/generate/ios/plist-xml.js";
import { IOS_BACKUP, scanBackup } from "../../helpers/scan.js";
import { PLANT, makeBackup, observablesOf, tempBackupDir } from "../../helpers/backup.js";

describe("applications (Info.plist Applications / iTunesMetadata)", () => {
  it("merges each app's iTunesMetadata, purchase date, icon hash; app_id observables; install events", async () => {
    const icon = Uint8Array.from([1, 2, 3, 4]);
    const dir = tempBackupDir();
    makeBackup(dir, files, {
      info: {
        Applications: {
          "com.example.good": {
            iTunesMetadata: xmlPlist({
              softwareVersionBundleId: "com.example.good",
              itemName: "Good",
              artistName: "Example Inc.",
              bundleShortVersionString: "2.1",
              sourceApp: "com.apple.AppStore",
              "com.apple.iTunesStore.downloadInfo": { purchaseDate: "2022-05-06T07:08:09Z" },
            }),
            PlaceholderIcon: icon,
          },
          "com.example.side": { iTunesMetadata: xmlPlist({ softwareVersionBundleId: "com.example.side", sourceApp: "com.example.installer" }) },
          "com.example.nometa": { iTunesMetadata: xmlPlist({ itemName: "Broken" }) },
        },
      },
    });
    const r = await scanBackup(dir, [applications]);
    const recs = r.records.get("applications")!;
    expect(recs).toHaveLength(3);
    expect(recs[0]).toEqual({
      name: "com.example.good",
      softwareVersionBundleId: "com.example.good",
      itemName: "Good",
      artistName: "Example Inc.",
      bundleShortVersionString: "2.1",
      sourceApp: "com.apple.AppStore",
      "com.apple.iTunesStore.downloadInfo": { purchaseDate: "2022-05-06T07:08:09Z" },
      isodate: "2022-05-06 07:08:09.000000",
      icon_sha256: createHash("sha256").update(icon).digest("hex"),
    });
    expect(observablesOf(applications, recs)).toEqual([
      "app_id:com.example.good",
      "process:com.example.good",
      "app_id:com.example.side",
      "process:com.example.side",
    ]);
    expect(r.timeline).toEqual([
      { timestamp: "2022-05-06 07:08:09.000000", module: "Applications", event: "app_installed", data: "App com.example.good version 2.1 from Example Inc. installed from com.apple.AppStore" },
    ]);
    const side = r.detections.find((d) => d.heuristic === "applications.not_from_app_store")!;
    expect(side.level).toBe("medium");
    expect(side.message).toMatch(/com\.example\.side .*installed by com\.example\.installer, not from the App Store/);
    expect(r.detections.find((d) => d.heuristic === "applications.no_bundle_id")?.level).toBe("medium");
    expect(r.detections).toHaveLength(2);
  });

  it("generated Applications: a planted sideloaded app is flagged, App Store apps are not", async () => {
    const dir = tempBackupDir();
    makeBackup(dir, files, { plant: PLANT, info: (g) => ({ Applications: infoPlistApplications(g) }) });
    const r = await scanBackup(dir, [applications]);
    const recs = r.records.get("applications")!;
    expect(recs).toHaveLength(6);
    expect(observablesOf(applications, recs)).toContain("process:plantedproc");
    expect(r.detections.map((d) => d.heuristic)).toEqual(["applications.not_from_app_store"]);
  });

  it("the MVT fixture's Info.plist has no Applications dict: no records, no crash", async () => {
    const r = await scanBackup(IOS_BACKUP, [applications]);
    expect(r.records.get("applications")).toBeUndefined();
    expect(["ran", "failed"]).toContain(r.coverage.get("applications")?.status);
  });
});
