// The iOS exposure module on MVT's fixture backup and on generated backups with chosen versions.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { iosExposure } from "../../../src/core/artifacts/ios/exposure.js";
import { IOS_BACKUP_MODULES } from "../../../src/core/artifacts/ios/index.js";
import { parsePlist } from "../../../src/core/formats/plist.js";
import { writeXmlPlist, type PlistWritable } from "../../../src/core/formats/bplist-writer.js";
import { generateIosBackup } from "../../../src/node/generate/ios-backup.js";
import { IOS_BACKUP, scanBackup } from "../../helpers/scan.js";
import { mkdirSync } from "node:fs";
import { scan } from "../../../src/core/analysis/engine.js";
import { IOS_FS_MODULES } from "../../../src/core/artifacts/ios/fs/index.js";
import { IosFilesystem } from "../../../src/core/formats/ios-fs.js";
import { writeBinaryPlist } from "../../../src/core/formats/bplist-writer.js";
import { FsDumpDirectory } from "../../../src/node/fs-dump-dir.js";
import { NodeSqliteOpener } from "../../../src/node/sqlite.js";
import type { Detection, RecordData } from "../../../src/core/types.js";
import { hashTree } from "../../helpers/hash.js";

describe("exposure on MVT's iOS backup fixture", () => {
  it("reports iOS 14.3 (18C66) as exposed, WhatsApp with no recorded version, and Lockdown Mode on", async () => {
    const before = hashTree(IOS_BACKUP);
    const r = await scanBackup(IOS_BACKUP, [iosExposure]);
    expect(hashTree(IOS_BACKUP)).toEqual(before);
    const records = r.records.get("exposure")!;
    expect(records.map((x) => [x.product, x.version, x.status])).toEqual([
      ["ios", "14.3", "exposed"],
      ["whatsapp-ios", null, "unknown-version"],
    ]);
    const osRecord = records[0] as any;
    expect(osRecord).toMatchObject({ os_name: "iOS", build: "18C66", lockdown_mode: true, update_to: "18.6.2" });
    const forced = osRecord.exposed_to.find((e: any) => e.cve === "CVE-2021-30860");
    expect(forced).toMatchObject({ fixed_in: "14.8", basis: "below-fix", advisory: "https://support.apple.com/en-us/HT212807", kev_date_added: "2021-11-03" });
    for (const e of osRecord.exposed_to) expect(e.sources.length, e.cve).toBeGreaterThan(0);
    // An iPhone: the iPadOS-only 17.7.10 is not offered as the fix.
    expect(osRecord.exposed_to.find((e: any) => e.cve === "CVE-2025-43300").fixed_in).toBe("18.6.2");
    const medium = r.detections.filter((d) => d.module === "exposure" && d.level === "medium");
    expect(medium).toHaveLength(osRecord.exposed_to.length);
    expect(medium[0].message).toMatch(/^iOS 14\.3 \(18C66\) is open to CVE-2021-30860.*Fixed in iOS 14\.8 and iPadOS 14\.8\..*Lockdown Mode is on.*Source: https:\/\/support\.apple\.com\/en-us\/HT212807$/);
    const info = r.detections.filter((d) => d.module === "exposure" && d.level === "info");
    expect(info.map((d) => d.message)).toEqual([expect.stringMatching(/^WhatsApp for iOS \(net\.whatsapp\.WhatsApp\) is installed, but the acquisition does not record this version/)]);
    expect(r.detections.some((d) => d.level === "high" || d.level === "critical")).toBe(false);
    expect(r.coverage.get("exposure")).toMatchObject({ status: "ran", records: 2, gaps: [] });
  });

  it("is part of check-backup's modules", () => {
    expect(IOS_BACKUP_MODULES.map((m) => m.id)).toContain("exposure");
  });
});

describe("exposure on generated backups", () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "spyscope-exposure-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A generated backup whose Info.plist says the given iOS, model and app versions. */
  async function backup(name: string, iosVersion: string | null, productType: string, apps: Record<string, string | null>) {
    const target = path.join(dir, name);
    await generateIosBackup({ dir: target, rows: 20, plant: false });
    const infoPath = path.join(target, "Info.plist");
    const info = parsePlist(readFileSync(infoPath)) as Record<string, any>;
    if (iosVersion === null) delete info["Product Version"];
    else info["Product Version"] = iosVersion;
    info["Product Type"] = productType;
    info.Applications = {};
    for (const [id, version] of Object.entries(apps)) {
      const meta: Record<string, PlistWritable> = { softwareVersionBundleId: id, itemName: id };
      if (version !== null) meta.bundleShortVersionString = version;
      info.Applications[id] = { iTunesMetadata: writeXmlPlist(meta) };
    }
    info["Installed Applications"] = Object.keys(apps);
    writeFileSync(infoPath, writeXmlPlist(info as PlistWritable));
    return target;
  }

  it("16.6 is open to BLASTPASS and 16.6.1 is not; WhatsApp 2.19.50 is open to CVE-2019-3568 and 2.19.51 is not", async () => {
    const old = await scanBackup(await backup("old", "16.6", "iPhone14,2", { "net.whatsapp.WhatsApp": "2.19.50", "com.example.other": "1.0" }), [iosExposure]);
    const [osOld, waOld] = old.records.get("exposure")! as any[];
    expect(osOld.exposed_to.map((e: any) => e.cve)).toContain("CVE-2023-41064");
    expect(waOld).toMatchObject({ product: "whatsapp-ios", app_id: "net.whatsapp.WhatsApp", version: "2.19.50", status: "exposed", update_to: "2.19.51" });
    expect(old.records.get("exposure")).toHaveLength(2);

    const fixed = await scanBackup(await backup("fixed", "16.6.1", "iPhone14,2", { "net.whatsapp.WhatsApp": "2.19.51" }), [iosExposure]);
    const [osNew, waNew] = fixed.records.get("exposure")! as any[];
    expect(osNew.exposed_to.map((e: any) => e.cve)).not.toContain("CVE-2023-41064");
    expect(osNew.exposed_to.map((e: any) => e.cve)).not.toContain("CVE-2023-41061");
    expect(waNew).toMatchObject({ version: "2.19.51", status: "not-exposed", exposed_to: [] });
  });

  it("reads App Store short WhatsApp versions and the iPad line, and says not exposed for current versions", async () => {
    const r = await scanBackup(
      await backup("ipad", "17.7.10", "iPad7,5", { "net.whatsapp.WhatsApp": "25.21.73", "net.whatsapp.WhatsAppSMB": "25.21.77" }),
      [iosExposure],
    );
    const [osr, wa, smb] = r.records.get("exposure")! as any[];
    expect(osr).toMatchObject({ os_name: "iPadOS", version: "17.7.10", status: "not-exposed" });
    expect(wa).toMatchObject({ version: "25.21.73", compared_version: "2.25.21.73", status: "not-exposed" });
    expect(smb).toMatchObject({ product: "whatsapp-business-ios", status: "exposed", update_to: "2.25.21.78" });
    const notExposed = r.detections.find((d) => (d.record as any).product === "ios")!;
    expect(notExposed.level).toBe("info");
    expect(notExposed.message).toMatch(/^iPadOS 17\.7\.10 \(\w+\) is not open to the \d+ spyware-exploited vulnerabilities spyscope lists for it/);
    expect(notExposed.message).not.toMatch(/\bsafe\b|\bclean\b/i);
  });

  it("an Info.plist without Product Version gives an unknown iOS version, not a clean bill", async () => {
    const r = await scanBackup(await backup("noversion", null, "iPhone14,2", {}), [iosExposure]);
    expect(r.records.get("exposure")).toMatchObject([{ product: "ios", version: null, status: "unknown-version" }]);
    expect(r.detections.map((d) => d.level)).toEqual(["info"]);
  });
});

describe("exposure on a filesystem dump", () => {
  it("reads SystemVersion.plist, the app bundles' iTunesMetadata.plist and Lockdown Mode", async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), "spyscope-fs-exposure-"));
    try {
      const put = (rel: string, bytes: Uint8Array) => {
        mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
        writeFileSync(path.join(root, rel), bytes);
      };
      put("System/Library/CoreServices/SystemVersion.plist", writeXmlPlist({ ProductName: "iPhone OS", ProductVersion: "18.3", ProductBuildVersion: "22D63" }));
      put(
        "private/var/containers/Bundle/Application/0A1B2C3D-0000-4000-8000-000000000001/iTunesMetadata.plist",
        writeXmlPlist({ softwareVersionBundleId: "net.whatsapp.WhatsApp", itemName: "WhatsApp Messenger", bundleShortVersionString: "25.21.72" }),
      );
      put("private/var/mobile/Library/Preferences/.GlobalPreferences.plist", writeBinaryPlist({ LDMGlobalEnabled: false }));
      const acquisition = await IosFilesystem.open(await FsDumpDirectory.open(root));
      const records: RecordData[] = [];
      const detections: Detection[] = [];
      const sqlite = new NodeSqliteOpener();
      await scan({ acquisition, modules: [iosExposure], matcher: null, sqlite, sink: { record: (_m, r) => void records.push(r), detection: (d) => void detections.push(d) } });
      sqlite.dispose();
      expect(records.map((r: any) => [r.product, r.version, r.build, r.status, r.lockdown_mode])).toEqual([
        ["ios", "18.3", "22D63", "exposed", false],
        ["whatsapp-ios", "25.21.72", null, "exposed", false],
      ]);
      expect((records[0] as any).exposed_to.map((e: any) => e.cve)).toEqual(["CVE-2025-43200", "CVE-2025-43300"]);
      expect((records[1] as any).exposed_to.map((e: any) => e.fixed_in)).toEqual(["2.25.21.73"]);
      expect(detections.find((d) => (d.record as any).product === "ios")!.message).toMatch(/turn on Lockdown Mode/);
      expect(IOS_FS_MODULES).toContain(iosExposure);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
