// Synthetic Android bugreport in the real layout: a zip (or folder) with main_entry.txt naming the dumpstate
// text (system properties, then dumpsys sections: accessibility, adb, appops, batterystats, dbinfo, package,
// platform_compat) and FS/data/tombstones with text and protobuf tombstones. Deterministic from a seed, at any
// scale; the zip is written as it is generated (streaming deflate), so large ones cost little memory.
// Optional planted values make the scan report a known set of alerts.

import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import path from "node:path";
import { Zip, ZipDeflate } from "fflate";
import { Rng } from "./ios/types.js";

export interface BugreportPlant {
  /** Installed through the package installer, with REQUEST_INSTALL_PACKAGES, an enabled accessibility
   *  service and an SMS receiver; uninstalled later per battery daily stats. */
  appId: string;
  /** Process name of a crash running as root. */
  process: string;
  /** A system property name. */
  property: string;
}

export interface GenerateBugreportOptions {
  /** A .zip path, or a folder when `folder` is set. */
  out: string;
  folder?: boolean;
  seed?: number;
  packages?: number;
  /** Lines of the appops section (about). */
  appopsLines?: number;
  /** Lines of battery history plus daily stats (about). */
  batteryLines?: number;
  tombstones?: number;
  plant?: BugreportPlant | null;
  timezone?: string;
  /** Security patch level (YYYY-MM-DD). */
  securityPatch?: string;
  /** Unix seconds the bugreport was taken. */
  now?: number;
}

export interface GenerateBugreportResult {
  path: string;
  dumpstateBytes: number;
  packages: number;
  appopsPackages: number;
  batteryDailyUpdates: number;
  tombstones: number;
}

const WORDS = ["mail", "chat", "photo", "maps", "notes", "music", "bank", "news", "shop", "fit", "cloud", "weather", "radio", "scan"];
const VENDORS = ["com.google.android", "com.samsung.android", "com.whatsapp", "org.telegram", "com.example", "net.acme", "de.muster"];
const OPS = ["WAKE_LOCK", "READ_CONTACTS", "READ_SMS", "CAMERA", "RECORD_AUDIO", "FINE_LOCATION", "RUN_IN_BACKGROUND", "READ_PHONE_STATE", "TOAST_WINDOW"];
const PERMS = ["android.permission.INTERNET", "android.permission.CAMERA", "android.permission.READ_CONTACTS", "android.permission.RECORD_AUDIO", "android.permission.ACCESS_FINE_LOCATION"];
const DASHES = "-".repeat(79);

const p2 = (n: number) => String(n).padStart(2, "0");

/** Device-local wall clock of a Unix time in a fixed-offset zone (the generator's zones have no DST here). */
function wall(unix: number, offsetMin: number, sep = " ", timeSep = ":"): string {
  const d = new Date((unix + offsetMin * 60) * 1000);
  return `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())}${sep}${p2(d.getUTCHours())}${timeSep}${p2(d.getUTCMinutes())}${timeSep}${p2(d.getUTCSeconds())}`;
}

/** Output sink: text in ~1 MB pieces to a zip entry or a file; `raw` writes bytes (binary files). */
interface Sink {
  write(s: string): void;
  raw(b: Uint8Array): void;
}

function protoVarint(n: number): number[] {
  const out: number[] = [];
  let v = BigInt.asUintN(64, BigInt(n));
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v) b |= 0x80;
    out.push(b);
  } while (v);
  return out;
}

/** A protobuf tombstone (AOSP tombstone.proto field numbers). */
export function protoTombstone(t: { fingerprint: string; timestamp: string; pid: number; tid: number; uid: number; name: string; cmd: string; signal: string; code: string }): Uint8Array {
  const enc = new TextEncoder();
  const field = (n: number, wire: number) => protoVarint((n << 3) | wire);
  const bytes = (n: number, b: Uint8Array | number[]) => [...field(n, 2), ...protoVarint(b.length), ...b];
  const str = (n: number, s: string) => bytes(n, enc.encode(s));
  const int = (n: number, v: number) => [...field(n, 0), ...protoVarint(v)];
  const signal = [...int(1, 11), ...str(2, t.signal), ...int(3, 1), ...str(4, t.code)];
  const thread = [...int(1, t.tid), ...str(2, t.name)];
  const entry = [...int(1, t.tid), ...bytes(2, thread)];
  return new Uint8Array([
    ...int(1, 1),
    ...str(2, t.fingerprint),
    ...str(3, "0"),
    ...str(4, t.timestamp),
    ...int(5, t.pid),
    ...int(6, t.tid),
    ...int(7, t.uid),
    ...str(8, "u:r:system_server:s0"),
    ...str(9, t.cmd),
    ...bytes(10, signal),
    ...bytes(16, entry),
  ]);
}

export function generateBugreport(opts: GenerateBugreportOptions): GenerateBugreportResult {
  const rng = new Rng(opts.seed ?? 42);
  const nPackages = opts.packages ?? 200;
  const appopsLines = opts.appopsLines ?? 2000;
  const batteryLines = opts.batteryLines ?? 2000;
  const nTombstones = opts.tombstones ?? 3;
  const plant = opts.plant ?? null;
  const tz = opts.timezone ?? "Europe/Berlin";
  const offset = 60; // minutes; the generated dates avoid DST periods of Europe/Berlin (winter)
  const now = opts.now ?? 1_706_000_000; // 2024-01-23
  const fingerprint = "google/oriole/oriole:14/UQ1A.240105.004/11206848:user/release-keys";
  const mtime = new Date(wall(now, offset, "T") + "Z"); // zip tools store the phone's local time

  const files: { name: string; fill: (s: Sink) => void }[] = [];
  const dumpName = `bugreport-oriole-UQ1A.240105.004-${wall(now, offset, "-", "-")}.txt`;

  // Package names, with the planted and heuristic-triggering ones mixed in.
  const pkgs: { name: string; uid: number; installer: string; system: boolean; disabled: boolean; version: number }[] = [];
  for (let i = 0; i < nPackages; i++) {
    const system = i % 3 === 0;
    pkgs.push({
      name: `${rng.pick(VENDORS)}.${rng.pick(WORDS)}${i}`,
      uid: system ? 1000 + (i % 50) : 10_000 + i,
      installer: system ? "" : "com.android.vending",
      system,
      disabled: false,
      version: rng.int(1, 900_000_000),
    });
  }
  pkgs.push({ name: "com.samsung.android.securitylogagent", uid: 1000, installer: "", system: true, disabled: true, version: 12 });
  if (plant) pkgs.push({ name: plant.appId, uid: 10_999, installer: "com.google.android.packageinstaller", system: false, disabled: false, version: 3 });

  const appopsPkgs: string[] = [];
  const dailyUpdates: number[] = [0];

  files.push({ name: "main_entry.txt", fill: (s) => s.write(dumpName) });
  files.push({
    name: dumpName,
    fill(s) {
      s.write(`========================================================\n== dumpstate: ${wall(now, offset)}\n========================================================\n\n`);
      s.write(`Build: UQ1A.240105.004\nBuild fingerprint: '${fingerprint}'\n\n`);
      s.write("------ SYSTEM PROPERTIES (getprop) ------\n");
      s.write(`[persist.sys.timezone]: [${tz}]\n[ro.build.fingerprint]: [${fingerprint}]\n`);
      s.write(`[ro.build.version.security_patch]: [${opts.securityPatch ?? "2024-01-05"}]\n[ro.product.model]: [Pixel 6]\n`);
      if (plant) s.write(`[${plant.property}]: [1]\n`);
      s.write("------ 0.021s was the duration of 'SYSTEM PROPERTIES' ------\n\n");
      const section = (name: string, body: () => void) => {
        s.write(`${DASHES}\nDUMP OF SERVICE ${name}:\n`);
        body();
        s.write(`--------- 0.010s was the duration of dumpsys ${name}, ending at: ${wall(now, offset)}\n`);
      };
      section("accessibility", () => {
        s.write("ACCESSIBILITY MANAGER (dumpsys accessibility)\n\nUser state[\n");
        s.write("     Bound services:{}\n");
        s.write(`     Enabled services:{{com.google.android.marvin.talkback/com.google.android.marvin.talkback.TalkBackService}${plant ? `, {${plant.appId}/${plant.appId}.Helper}` : ""}}\n`);
        s.write("     Binding services:{}\n]\n");
      });
      section("adb", () => {
        s.write("ADB MANAGER STATE (dumpsys adb):\n{\n  debugging_manager={\n    connected_to_adb=true\n");
        s.write(`    user_keys=QAAAAAcgbytJst31DsaSP7hn8QcBXKR9NPVPK9MZssFVSNIP examiner@laptop\n\n`);
        s.write("    keystore=<?xml version='1.0' encoding='utf-8' standalone='yes' ?>\n    <keyStore version=\"1\">\n");
        s.write(`    <adbKey key="QAAAAAcgbytJst31DsaSP7hn8QcBXKR9NPVPK9MZssFVSNIP examiner@laptop" lastConnection="${(now - 3600) * 1000}" />\n`);
        s.write("    </keyStore>\n\n  }\n}\n");
      });
      section("appops", () => {
        s.write("Current AppOps Service state:\n  Settings:\n    top_state_settle_time=+5s0ms\n  Uid 0:\n    state=pers\n    Package android:\n      WAKE_LOCK (allow):\n");
        let lines = 0;
        let k = 0;
        while (lines < appopsLines) {
          const p = pkgs[k++ % pkgs.length];
          s.write(`  Uid ${p.uid >= 10_000 ? `u0a${p.uid - 10_000}` : p.uid}:\n    Package ${p.name}:\n`);
          appopsPkgs.push(p.name);
          lines += 2;
          for (let o = 0; o < 3; o++) {
            const op = OPS[(k + o) % OPS.length];
            s.write(`      ${op} (allow):\n`);
            const t = now - rng.int(60, 80 * 86400);
            s.write(`          Access: [fg-s]${wall(t, offset)}.${String(rng.int(0, 999)).padStart(3, "0")} (-${rng.int(1, 80)}d1h2m3s4ms)\n`);
            lines += 2;
          }
          if (plant && p.name === plant.appId) {
            s.write(`      REQUEST_INSTALL_PACKAGES (allow):\n          Access: [top-s]${wall(now - 5 * 86400, offset)}.000 (-5d0h0m0s0ms)\n`);
            lines += 2;
          }
        }
        if (plant && !appopsPkgs.includes(plant.appId)) {
          s.write(`  Uid u0a999:\n    Package ${plant.appId}:\n      REQUEST_INSTALL_PACKAGES (allow):\n          Access: [top-s]${wall(now - 5 * 86400, offset)}.000 (-5d0h0m0s0ms)\n`);
          appopsPkgs.push(plant.appId);
        }
        s.write("\n");
      });
      section("batterystats", () => {
        s.write("Battery History (12% used, 500KB used of 4096KB, 80 strings using 7KB):\n");
        s.write(`                    0 (19) RESET:TIME: ${wall(now - 86400, offset, "-", "-")}\n`);
        const half = Math.floor(batteryLines / 2);
        for (let i = 0; i < half; i++) {
          const p = rng.pick(pkgs);
          const ms = i * 1000 + rng.int(0, 999);
          const t = `+${Math.floor(ms / 3600000)}h${Math.floor(ms / 60000) % 60}m${Math.floor(ms / 1000) % 60}s${ms % 1000}ms`;
          if (i % 2 === 0) s.write(`${t.padStart(20)} (2) 100 +job=u0a${p.uid % 1000}:"${p.name}/.SyncJob"\n`);
          else s.write(`${t.padStart(20)} (2) 099 +top=u0a${p.uid % 1000}:"${p.name}"\n`);
        }
        s.write("\n\nDaily stats:\n  Current start time: " + wall(now, offset, "-", "-") + "\n");
        const perDay = 40;
        const days = Math.max(1, Math.ceil(half / perDay));
        for (let d = days; d >= 1; d--) {
          const start = now - d * 86400;
          s.write(`  Daily from ${wall(start, offset, "-", "-")} to ${wall(start + 86400, offset, "-", "-")}:\n    Package changes:\n`);
          for (let i = 0; i < perDay; i++) {
            const p = pkgs[(d * perDay + i) % pkgs.length];
            s.write(`      Update ${p.name} vers=${p.version + days - d}\n`);
            dailyUpdates[0]++;
          }
          if (plant && d === 2) {
            s.write(`      Update ${plant.appId} vers=0\n`);
            dailyUpdates[0]++;
          }
          if (d === 1) {
            // A downgrade: the first package goes back below the version recorded the day before.
            s.write(`      Update ${pkgs[(2 * perDay) % pkgs.length].name} vers=1\n`);
            dailyUpdates[0]++;
          }
        }
        s.write("\n");
      });
      section("dbinfo", () => {
        s.write("Applications Database Info:\n\n** Database info for pid 1234 [com.google.android.gms] **\n\n");
        s.write("Connection pool for /data/user/0/com.google.android.gms/databases/gms.db:\n  Open: true\n  Most recently executed operations:\n");
        for (let i = 0; i < 5; i++) s.write(`        ${i}: [${wall(now - i * 60, offset)}.123] [Pid:(1234)]executeForCursorWindow took 1ms - succeeded, sql="SELECT * FROM t${i}"\n`);
        s.write("\n");
      });
      section("package", () => {
        s.write("Activity Resolver Table:\n  Non-Data Actions:\n      android.intent.action.MAIN:\n");
        for (const p of pkgs.slice(0, 50)) s.write(`        ${rng.hex(7)} ${p.name}/.MainActivity filter ${rng.hex(7)}\n`);
        s.write("\nReceiver Resolver Table:\n  Non-Data Actions:\n      android.provider.Telephony.SMS_RECEIVED:\n");
        s.write(`        ${rng.hex(7)} com.google.android.apps.messaging/.SmsReceiver filter ${rng.hex(7)}\n`);
        if (plant) s.write(`        ${rng.hex(7)} ${plant.appId}/.SmsSpy filter ${rng.hex(7)}\n`);
        s.write("      android.intent.action.BOOT_COMPLETED:\n");
        for (const p of pkgs.slice(0, 20)) s.write(`        ${rng.hex(7)} ${p.name}/.Boot filter ${rng.hex(7)}\n`);
        s.write("\nPackages:\n");
        for (const p of pkgs) {
          const inst = now - rng.int(86400, 400 * 86400);
          s.write(`  Package [${p.name}] (${rng.hex(7)}):\n    userId=${p.uid}\n    pkg=Package{${rng.hex(7)} ${p.name}}\n`);
          s.write(`    codePath=${p.system ? "/system/app/" : "/data/app/~~"}${p.name}\n    versionCode=${p.version} minSdk=26 targetSdk=34\n    versionName=${p.version % 100}.${p.version % 7}\n`);
          s.write(`    flags=[ ${p.system ? "SYSTEM " : ""}HAS_CODE ALLOW_CLEAR_USER_DATA ]\n`);
          s.write(`    timeStamp=${wall(inst + 3600, offset)}\n    firstInstallTime=${wall(inst, offset)}\n    lastUpdateTime=${wall(inst + 3600, offset)}\n`);
          if (p.installer) s.write(`    installerPackageName=${p.installer}\n`);
          s.write(`    pkgFlags=[ ${p.system ? "SYSTEM " : ""}HAS_CODE ALLOW_CLEAR_USER_DATA ]\n    requested permissions:\n`);
          for (const perm of PERMS.slice(0, 3)) s.write(`      ${perm}\n`);
          s.write("    install permissions:\n");
          for (const perm of PERMS.slice(0, 2)) s.write(`      ${perm}: granted=true\n`);
          s.write(`    User 0: ceDataInode=${rng.int(1000, 99999)} installed=true hidden=false suspended=false stopped=false notLaunched=false enabled=${p.disabled ? 2 : 0} instant=false virtual=false\n`);
          s.write("      runtime permissions:\n");
          for (const perm of PERMS.slice(2)) s.write(`        ${perm}: granted=${rng.next() < 0.5}, flags=[ USER_SET ]\n`);
        }
        s.write("\nHidden system packages:\n");
      });
      section("platform_compat", () => {
        s.write("ChangeId(174227820; name=FORCE_DISABLE_HEVC_SUPPORT; disabled)\n");
        const raw = [...pkgs.slice(0, 3).map((p) => p.name), ...(plant ? [plant.appId] : [])].map((n) => `${n}=false`).join(", ");
        s.write(`ChangeId(168419799; name=DOWNSCALED; disabled; rawOverrides={${raw}}; overridable)\n`);
      });
      s.write(`${DASHES}\n`);
    },
  });
  for (let i = 0; i < nTombstones; i++) {
    const t = now - (i + 1) * 86400;
    const uid = plant && i === 0 ? 0 : 10_000 + i;
    const name = plant && i === 0 ? plant.process : `worker${i}`;
    const stamp = `${wall(t, offset)}.123456789+0100`;
    if (i % 2 === 1) {
      const pb = protoTombstone({ fingerprint, timestamp: stamp, pid: 400 + i, tid: 401 + i, uid, name, cmd: `/system/bin/${name}`, signal: "SIGSEGV", code: "SEGV_MAPERR" });
      files.push({ name: `FS/data/tombstones/tombstone_${p2(i)}.pb`, fill: (s) => s.raw(pb) });
      continue;
    }
    files.push({
      name: `FS/data/tombstones/tombstone_${p2(i)}`,
      fill(s) {
        s.write("*** *** *** *** *** *** *** *** *** *** *** *** *** *** *** ***\n");
        s.write(`Build fingerprint: '${fingerprint}'\nRevision: '0'\nABI: 'arm64'\nTimestamp: ${stamp}\nProcess uptime: 12s\n`);
        s.write(`Cmdline: /system/bin/${name}\npid: ${400 + i}, tid: ${401 + i}, name: ${name}  >>> /system/bin/${name} <<<\nuid: ${uid}\n`);
        s.write("signal 11 (SIGSEGV), code 1 (SEGV_MAPERR), fault addr 0x0\nCause: null pointer dereference\n");
        s.write("    x0  0000000000000000  x1  0000007fc0a1b2c0\n\nbacktrace:\n      #00 pc 000000000004f2a8  /apex/com.android.runtime/lib64/bionic/libc.so (abort+164)\n");
      },
    });
  }

  let dumpstateBytes = 0;
  const enc = new TextEncoder();
  if (opts.folder) {
    for (const f of files) {
      const target = path.join(opts.out, f.name);
      mkdirSync(path.dirname(target), { recursive: true });
      const fd = openSync(target, "w");
      let bytes = 0;
      let buf = "";
      const flush = () => {
        if (buf) bytes += writeSync(fd, enc.encode(buf));
        buf = "";
      };
      f.fill({
        write(s: string) {
          buf += s;
          if (buf.length > 1 << 20) flush();
        },
        raw(b: Uint8Array) {
          flush();
          bytes += writeSync(fd, b);
        },
      });
      flush();
      closeSync(fd);
      if (f.name === dumpName) dumpstateBytes = bytes;
    }
  } else {
    mkdirSync(path.dirname(path.resolve(opts.out)), { recursive: true });
    const fd = openSync(opts.out, "w");
    const zip = new Zip((err, chunk, final) => {
      if (err) throw err;
      writeSync(fd, chunk);
      if (final) closeSync(fd);
    });
    for (const f of files) {
      const entry = new ZipDeflate(f.name, { level: 6 });
      entry.mtime = mtime;
      zip.add(entry);
      let buf = "";
      let bytes = 0;
      const flush = (final: boolean) => {
        const b = enc.encode(buf);
        bytes += b.length;
        entry.push(b, final);
        buf = "";
      };
      f.fill({
        write(s: string) {
          buf += s;
          if (buf.length > 1 << 20) flush(false);
        },
        raw(b: Uint8Array) {
          flush(false);
          bytes += b.length;
          entry.push(b, false);
        },
      });
      flush(true);
      if (f.name === dumpName) dumpstateBytes = bytes;
    }
    zip.end();
  }
  return {
    path: opts.out,
    dumpstateBytes,
    packages: pkgs.length,
    appopsPackages: appopsPkgs.length,
    batteryDailyUpdates: dailyUpdates[0],
    tombstones: nTombstones,
  };
}
