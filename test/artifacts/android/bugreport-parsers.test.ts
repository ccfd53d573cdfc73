// The dumpsys parsers on MVT's real dumpsys outputs (android_data fixtures), values checked against the files.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { AccessibilityParser } from "../../../src/core/artifacts/android/parsers/accessibility.js";
import { parseAdbState } from "../../../src/core/artifacts/android/parsers/adb.js";
import { AppopsParser } from "../../../src/core/artifacts/android/parsers/appops.js";
import { BatteryDailyParser, BatteryHistoryParser, classifyDailyUpdates, type BatteryDailyUpdate } from "../../../src/core/artifacts/android/parsers/battery.js";
import { DbinfoParser } from "../../../src/core/artifacts/android/parsers/dbinfo.js";
import { GetpropParser } from "../../../src/core/artifacts/android/parsers/getprop.js";
import { dumpsysSection, linesOf, parseText, textLines } from "../../../src/core/artifacts/android/parsers/lines.js";
import { DumpsysPackagesParser } from "../../../src/core/artifacts/android/parsers/packages.js";
import { PlatformCompatParser } from "../../../src/core/artifacts/android/parsers/platform-compat.js";
import { parseProtoTombstone, parseTextTombstone, tombstoneTime } from "../../../src/core/artifacts/android/parsers/tombstone.js";
import { FIXTURES } from "../../helpers/scan.js";

const DATA = FIXTURES + "mvt/android_data/";
const text = (f: string) => readFileSync(DATA + f, "utf8");

describe("dumpsys parsers on real dumpsys output", () => {
  it("accessibility: installed services (old layout) and enabled services (Android 14+)", () => {
    const old = parseText(text("dumpsys_accessibility.txt"), new AccessibilityParser());
    expect(old.map((s) => [s.package_name, s.state])).toEqual([
      ["com.android.settings", "installed"],
      ["com.samsung.accessibility", "installed"],
      ["com.samsung.accessibility", "installed"],
      ["com.sec.android.app.camera", "installed"],
    ]);
    expect(old[1].service).toBe("com.samsung.accessibility/.universalswitch.UniversalSwitchService");
    expect(parseText(text("dumpsys_accessibility_v14_or_later.txt"), new AccessibilityParser())).toEqual([
      { package_name: "com.malware.accessibility", service: "com.malware.service.malwareservice", state: "enabled" },
    ]);
  });

  it("appops: 13 packages with uids, modes and Access/Reject times", () => {
    const pkgs = parseText(text("dumpsys_appops.txt"), new AppopsParser());
    expect(pkgs).toHaveLength(13);
    expect(pkgs[0]).toEqual({ package_name: "com.android.phone", permissions: [{ name: "MANAGE_IPSEC_TUNNELS", entries: [], access: "allow" }], uid: "0" });
    const fdroid = pkgs.find((p) => p.package_name === "org.fdroid.fdroid")!;
    expect(fdroid.uid).toBe("u0a110");
    expect(fdroid.permissions.find((p) => p.name === "REQUEST_INSTALL_PACKAGES")).toEqual({
      name: "REQUEST_INSTALL_PACKAGES",
      entries: [{ access: "Access", type: "top-s", timestamp: "2022-02-02 23:20:13.096000" }],
      access: "allow",
    });
  });

  it("batterystats: daily package updates de-duplicated, and the battery history's jobs and foreground apps", () => {
    const daily = parseText(text("dumpsys_battery.txt"), new BatteryDailyParser());
    classifyDailyUpdates(daily);
    expect(daily.map((d) => [d.package_name, d.version_code, d.occurrences, d.action])).toEqual([
      ["com.facebook.services", 385230290, 6, "update"],
      ["com.facebook.katana", 315814651, 6, "update"],
      ["com.facebook.system", 385230279, 6, "update"],
    ]);
    expect(daily[0].period_start).toBe("2022-08-16 15:56:39");
    expect(daily[0].period_end).toBe("2022-08-17 01:15:45");
    const history = parseText(text("dumpsys_battery.txt"), new BatteryHistoryParser());
    expect(history.map((h) => [h.time_elapsed, h.event, h.uid, h.package_name])).toEqual([
      ["+47s645ms", "start_job", "u0a94", "com.samsung.android.app.reminder"],
      ["+47s731ms", "end_job", "u0a94", "com.samsung.android.app.reminder"],
      ["+1h26m18s315ms", "start_top", "u0a280", "com.whatsapp"],
      ["+1h28m35s053ms", "end_top", "u0a280", "com.whatsapp"],
      ["+2d23h22m24s588ms", "start_top", "u0a44", "com.sec.android.app.launcher"],
    ]);
  });

  it("batterystats: a version 0 is an uninstall and a lower version a downgrade, in time order", () => {
    const daily = parseText(
      [
        "  Daily from 2024-01-02-00-00-00 to 2024-01-03-00-00-00:",
        "    Package changes:",
        "      Update com.example.app vers=5",
        "      Update com.spy.app vers=0",
        "  Daily from 2024-01-01-00-00-00 to 2024-01-02-00-00-00:",
        "      Update com.example.app vers=9",
      ].join("\n"),
      new BatteryDailyParser(),
    );
    classifyDailyUpdates(daily);
    expect(daily.map((d) => [d.package_name, d.action, d.previous_version_code])).toEqual([
      ["com.example.app", "downgrade", 9],
      ["com.spy.app", "uninstall", undefined],
      ["com.example.app", "update", undefined],
    ]);
  });

  it("batterystats: marks what MVT's walk in (period, package) order marks, same-period repeats in read order", () => {
    // MVT: sort by (period start, period end, package) — stable — then walk, remembering each package's version.
    const reference = (records: BatteryDailyUpdate[]) => {
      const versions = new Map<string, number>();
      const marks = new Map<BatteryDailyUpdate, [string, number | undefined]>();
      const key = (r: BatteryDailyUpdate) => [r.period_start, r.period_end, r.package_name];
      const sorted = [...records].sort((a, b) => {
        const [x, y] = [key(a), key(b)];
        for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
        return 0;
      });
      for (const r of sorted) {
        const v = r.version_code as number;
        if (v === 0) {
          marks.set(r, ["uninstall", undefined]);
          versions.delete(r.package_name);
          continue;
        }
        const prev = versions.get(r.package_name);
        marks.set(r, prev !== undefined && v < prev ? ["downgrade", prev] : ["update", undefined]);
        versions.set(r.package_name, v);
      }
      return records.map((r) => marks.get(r));
    };
    let seed = 11;
    const rnd = (n: number) => Math.floor(((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * n);
    const lines: string[] = [];
    for (let day = 0; day < 40; day++) {
      const d = 1 + rnd(28);
      lines.push(`  Daily from 2024-02-${String(d).padStart(2, "0")}-00-00-00 to 2024-02-${String(d + 1).padStart(2, "0")}-00-00-00:`);
      for (let k = rnd(12); k > 0; k--) lines.push(`      Update app.n${rnd(5)} vers=${rnd(4) === 0 ? 0 : 1 + rnd(6)}`);
    }
    const daily = parseText(lines.join("\n"), new BatteryDailyParser());
    expect(daily.length).toBeGreaterThan(100);
    const want = reference(daily);
    classifyDailyUpdates(daily);
    expect(daily.map((r) => [r.action, r.previous_version_code])).toEqual(want);
    expect(want.filter((m) => m![0] === "downgrade").length).toBeGreaterThan(10);
  });

  it("dbinfo, packages, platform_compat and getprop", () => {
    const db = parseText(text("dumpsys_dbinfo.txt"), new DbinfoParser());
    expect(db).toHaveLength(5);
    expect(db[0]).toEqual({
      isodate: "2023-07-27 12:21:44.097",
      pid: "0",
      action: "executeForCursorWindow",
      sql: "PRAGMA database_list;",
      path: "/data/user/0/com.wssyncmldm/databases/idmsdk.db",
    });
    const pkgs = parseText(text("dumpsys_packages.txt"), new DumpsysPackagesParser());
    expect(pkgs.map((p) => [p.package_name, p.system, p.permissions.length, p.requested_permissions.length])).toEqual([
      ["com.samsung.android.provider.filterprovider", true, 4, 0],
      ["com.sec.android.app.DataCreate", true, 34, 11],
    ]);
    expect(parseText(text("dumpsys_platform_compat.txt"), new PlatformCompatParser())).toEqual([
      { package_name: "org.torproject.torbrowser" },
      { package_name: "org.article19.circulo.next" },
    ]);
    const props = parseText(text("getprop.txt"), new GetpropParser());
    expect(props).toHaveLength(13);
    expect(props[0]).toEqual({ name: "af.fast_track_multiplier", value: "1" });
  });

  it("adb: trusted keys with Android's MD5 fingerprint, from user_keys and XML or binary keystores", () => {
    const abx = parseAdbState(linesOf(text("dumpsys_adb.txt")))!;
    // The phone itself reports the fingerprint of the last key it received: ours must agree.
    expect(abx.last_key_received).toBe("F0:A1:3D:8C:B3:F4:7B:09:9F:EE:8B:D8:38:2E:BD:C6");
    expect(abx.user_keys.map((k) => [k.user, k.fingerprint])).toEqual([["user@linux", abx.last_key_received]]);
    expect(abx.keystore.map((k) => k.user)).toEqual(["user@linux"]);
    const xml = parseAdbState(linesOf(text("dumpsys_adb_xml.txt")))!;
    expect(xml.keystore).toEqual([
      {
        user: "user@laptop",
        fingerprint: "F0:0B:27:08:E3:68:7B:FA:4C:79:A2:B4:BF:0E:CF:70",
        key: "QAAAAAcgbytJst31DsaSP7hn8QcBXKR9NPVPK9MZssFVSNIP",
        last_connected: 1628501829898,
      },
    ]);
    expect(parseAdbState(["nothing here"])).toBeNull();
  });
});

describe("tombstones", () => {
  it("reads the same crash from its text and its protobuf form", () => {
    const txt = parseTextTombstone("tombstone_process.txt", "2024-01-01 00:00:00.000000", text("tombstone_process.txt"));
    const pb = parseProtoTombstone("tombstone_process.pb", "2024-01-01 00:00:00.000000", readFileSync(DATA + "tombstone_process.pb"));
    for (const t of [txt, pb]) {
      expect(t).toMatchObject({
        build_fingerprint: "Redmi/rosemary_global/rosemary:12/SP1A.210812.016/V13.0.13.0.SKLMIXM:user/release-keys",
        revision: "0",
        timestamp: "2023-04-12 12:32:40.518290",
        timestamp_utc: "2023-04-12 10:32:40.518290",
        pid: 25541,
        tid: 21307,
        uid: 1046,
        process_name: "mtk.ape.decoder",
        command_line: ["/vendor/bin/hw/android.hardware.media.c2@1.2-mediatek"],
        signal_info: { code: 1, code_name: "SEGV_MAPERR", name: "SIGSEGV", number: 0 },
      });
    }
    expect(txt.cause).toBe("null pointer dereference");
    expect(pb.causes).toEqual([{ human_readable: "null pointer dereference" }]);
    expect(pb.arch).toBe("ARM32");
  });

  it("refuses what is not a tombstone with a reason", () => {
    expect(() => parseTextTombstone("t", "", "hello\nworld\n")).toThrow(/no build fingerprint/);
    expect(() => parseProtoTombstone("t.pb", "", new Uint8Array([0x0a, 0xff, 0x01]))).toThrow(/not a protobuf tombstone/);
    expect(tombstoneTime("2021-09-29 17:43:49+0200")).toEqual({ local: "2021-09-29 17:43:49.000000", utc: "2021-09-29 15:43:49.000000" });
    expect(tombstoneTime("2021-09-29 17:43:49")).toEqual({ local: "2021-09-29 17:43:49.000000", utc: null });
  });
});

describe("section cutting", () => {
  it("cuts one service's dump up to the dashed separator, across chunk boundaries, and stops reading there", async () => {
    const dump = readFileSync(FIXTURES + "mvt/android_data/bugreport/dumpstate.txt");
    let chunksRead = 0;
    async function* chunks() {
      for (let i = 0; i < dump.length; i += 97) {
        chunksRead++;
        yield dump.subarray(i, i + 97);
      }
    }
    const lines: string[] = [];
    for await (const b of dumpsysSection(textLines(chunks()), "appops")) lines.push(...b);
    expect(lines[0]).toBe("Current AppOps Service state:");
    expect(lines.at(-1)).toBe("--------- 0.053s was the duration of dumpsys appops, ending at: 2022-03-29 23:14:27");
    expect(lines).toHaveLength(121 - 19);
    expect(chunksRead).toBeLessThan(Math.ceil(dump.length / 97) / 2);
  });
});
