import { describe, it, expect } from "vitest";
import { globalPreferences, LOCKDOWN_OFF, LOCKDOWN_ON, pyDateFromAppleSeconds } from "../../../src/core/artifacts/ios/global-preferences.js";
import { files, globalPreferencesPlist } from "../../../src/node/generate/ios/global-preferences.js";
import { writeBinaryPlist } from "../../../src/core/formats/bplist-writer.js";
import { asJson, expectedMvt, IOS_BACKUP, scanBackup } from "../../helpers/scan.js";
import { makeBackup, tempBackupDir } from "../../helpers/backup.js";

const REL = "Library/Preferences/.GlobalPreferences.plist";
const withBytes = (bytes: Uint8Array) => [{ modules: ["global_preferences"], domain: "HomeDomain", relativePath: REL, bytes: () => bytes }];

describe("global_preferences (.GlobalPreferences.plist)", () => {
  it("yields MVT's 16 entries in file order, the date with its microseconds", async () => {
    const r = await scanBackup(IOS_BACKUP, [globalPreferences]);
    const recs = r.records.get("global_preferences")!;
    expect(recs).toHaveLength(16);
    expect(await asJson(recs)).toEqual(await expectedMvt("global_preferences"));
  });

  it("reports Lockdown Mode enabled as MVT (INFO, record = the entry)", async () => {
    const r = await scanBackup(IOS_BACKUP, [globalPreferences]);
    expect(r.detections.map((d) => [d.level, d.message, d.record])).toEqual([["info", LOCKDOWN_ON, { entry: "LDMGlobalEnabled", value: true }]]);
    expect((await expectedMvt("global_preferences_detected"))[0].message).toBe("Lockdown mode enabled");
  });

  it("reports Lockdown Mode disabled as LOW, as MVT does", async () => {
    const dir = tempBackupDir();
    makeBackup(dir, [{ ...files[0], bytes: (g) => globalPreferencesPlist(g, false) }]);
    const r = await scanBackup(dir, [globalPreferences]);
    expect(r.detections.map((d) => [d.level, d.message])).toEqual([["low", LOCKDOWN_OFF]]);
    const recs = r.records.get("global_preferences")!;
    expect(recs.find((x) => x.entry === "AKLastEmailListRequestDateKey")!.value).toBe("2023-11-13 22:13:20.150000");
    expect(recs.find((x) => x.entry === "NSTextSize")!.value).toBe(1);
  });

  it("says nothing when LDMGlobalEnabled is absent (as MVT)", async () => {
    const dir = tempBackupDir();
    makeBackup(dir, withBytes(writeBinaryPlist({ AppleLocale: "en_US", Blob: new Uint8Array([104, 105]) })));
    const r = await scanBackup(dir, [globalPreferences]);
    expect(r.records.get("global_preferences")).toEqual([{ entry: "AppleLocale", value: "en_US" }, { entry: "Blob", value: "hi" }]);
    expect(r.detections).toEqual([]);
  });

  it("prints dates as Python's str(datetime)", () => {
    expect(pyDateFromAppleSeconds(712617706.150919)).toBe("2023-08-01 21:21:46.150919");
    expect(pyDateFromAppleSeconds(0)).toBe("2001-01-01 00:00:00");
  });

  it("an unreadable plist is a failed module with the reason", async () => {
    const dir = tempBackupDir();
    makeBackup(dir, withBytes(new TextEncoder().encode("bplist00 broken")));
    const r = await scanBackup(dir, [globalPreferences]);
    const cov = r.coverage.get("global_preferences")!;
    expect(cov.status).toBe("failed");
    expect(cov.reason).toMatch(/not a readable property list/);
  });
});
