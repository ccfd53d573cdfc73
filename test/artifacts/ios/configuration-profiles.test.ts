import { describe, it, expect } from "vitest";
import { configurationProfiles, CONF_PROFILES_DOMAIN } from "../../../src/core/artifacts/ios/configuration-profiles.js";
import { files } from "../../../src/node/generate/ios/configuration-profiles.js";
import { IOS_BACKUP, asJson, scanBackup } from "../../helpers/scan.js";
import { PLANT, backupFilePath, makeBackup, observablesOf, tempBackupDir, truncateHalf } from "../../helpers/backup.js";

describe("configuration_profiles (profile-*.stub)", () => {
  it("yields each profile's plist and install date, profile_id observables and install events", async () => {
    const dir = tempBackupDir();
    makeBackup(dir, files, { plant: PLANT, listedOnly: [{ domain: CONF_PROFILES_DOMAIN, relativePath: "Library/ConfigurationProfiles/MCMeta.plist" }] });
    const r = await scanBackup(dir, [configurationProfiles]);
    const recs = r.records.get("configuration_profiles")!;
    expect(recs).toHaveLength(2); // MCMeta.plist is not a profile
    const wifi = recs.find((p) => (p.plist as any).PayloadDisplayName === "Office Wi-Fi")!;
    expect(wifi).toMatchObject({ domain: CONF_PROFILES_DOMAIN, relative_path: expect.stringMatching(/^Library\/ConfigurationProfiles\/profile-[0-9a-f]+\.stub$/) });
    expect(wifi.file_id).toMatch(/^[0-9a-f]{40}$/);
    expect(wifi.install_date).toMatch(/^2023-\d\d-\d\d \d\d:\d\d:\d\d\.000000$/);
    const json = await asJson(wifi);
    expect(json.plist.SignerCerts).toEqual(["MIIBCgKC"]); // data as base64, like MVT
    const uuid = (wifi.plist as any).PayloadUUID as string;
    expect(observablesOf(configurationProfiles, [wifi])).toEqual([`profile_id:${uuid}`]);
    const ev = r.timeline.find((e) => e.data.includes(uuid))!;
    expect(ev).toEqual({ timestamp: wifi.install_date, module: "ConfigurationProfiles", event: "configuration_profile_install", data: `Configuration installed: ${uuid} - Office Wi-Fi: Wi-Fi settings for the office` });
  });

  it("flags a notification-settings payload (medium) and lists any other installed profile (low)", async () => {
    const dir = tempBackupDir();
    makeBackup(dir, files, { plant: PLANT });
    const r = await scanBackup(dir, [configurationProfiles]);
    const notif = r.detections.find((d) => d.heuristic === "configuration_profiles.notification_settings")!;
    expect(notif.level).toBe("medium");
    expect(notif.message).toMatch(/Carrier Update.*com\.apple\.notificationsettings.*hide notifications/);
    const other = r.detections.filter((d) => d.heuristic === "configuration_profiles.installed");
    expect(other).toHaveLength(1);
    expect(other[0].level).toBe("low");
    expect(other[0].message).toMatch(/Office Wi-Fi/);
  });

  it("an unreadable profile is kept with an empty plist (as MVT) and named as a coverage gap", async () => {
    const dir = tempBackupDir();
    makeBackup(dir, files);
    truncateHalf(backupFilePath(dir, CONF_PROFILES_DOMAIN, files[0].relativePath));
    const r = await scanBackup(dir, [configurationProfiles]);
    const recs = r.records.get("configuration_profiles")!;
    expect(recs).toHaveLength(2);
    expect(recs.some((p) => Object.keys(p.plist as object).length === 0 && p.install_date === null)).toBe(true);
    expect(r.coverage.get("configuration_profiles")?.gaps).toHaveLength(1);
  });

  it("the MVT fixture has no profile stubs: skipped", async () => {
    const r = await scanBackup(IOS_BACKUP, [configurationProfiles]);
    expect(r.coverage.get("configuration_profiles")?.status).toBe("skipped");
  });
});
