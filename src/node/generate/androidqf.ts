// Synthetic androidqf collection generator: the folder androidqf writes (acquisition.json, getprop.txt,
// packages.json, ps.txt, settings_*.txt, files.json, root_binaries.json, mounts.json, logs/), in the real
// formats, deterministic from a seed. Optionally plants indicator values (app ids, paths, hashes, certificate
// hashes, process and property names) and the conditions the heuristics look for (root tools, sideloaded
// apps, Play Protect off, /system read-write, an executable in /data/local/tmp, an old security patch).
// files.json is streamed to disk, so a million entries cost little memory. Used by tests and bench/.

import { createHash } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, rmSync, utimesSync, writeFileSync, writeSync } from "node:fs";
import path from "node:path";
import { generateAndroidBackup } from "./android-backup.js";
import { generateBugreport } from "./android-bugreport.js";
import { Rng } from "./ios/types.js";

/** Indicator values to plant (each list may be empty). */
export interface AndroidqfPlantSet {
  appIds: string[];
  /** Paths planted as files in files.json. */
  filePaths: string[];
  /** SHA-256 values given to planted files and APKs. */
  sha256: string[];
  /** Signing-certificate hashes (MD5, SHA-1 or SHA-256) given to planted APKs. */
  certHashes: string[];
  processes: string[];
  properties: string[];
}

export interface GenerateAndroidqfOptions {
  /** Folder to write (created; must be empty or absent unless `overwrite`). */
  dir: string;
  seed?: number;
  /** files.json entries (default 1000). */
  files?: number;
  /** files.json as a JSON array ("array", androidqf's older output) or one object per line ("ndjson"). */
  filesFormat?: "array" | "ndjson";
  /** Installed packages (default 150). */
  packages?: number;
  /** Running processes (default 200). */
  processes?: number;
  /** Indicator values to plant, or null. */
  plant?: AndroidqfPlantSet | null;
  /** Plant the conditions the indicator-free heuristics flag (default true). */
  heuristics?: boolean;
  /** persist.sys.timezone (default "Europe/Berlin"; null leaves it out). */
  timezone?: string | null;
  /** Unix seconds of the acquisition (default 1,700,000,000). */
  now?: number;
  overwrite?: boolean;
  /** Add a backup.ab with SMS/MMS (androidqf's backup), encrypted when a password is given. */
  backup?: { messages?: number; password?: string | null } | null;
  /** Add a bugreport.zip (androidqf's bugreport) with this many packages. */
  bugreport?: { packages?: number } | null;
}

export interface GenerateAndroidqfResult {
  dir: string;
  files: number;
  packages: number;
  processes: number;
  /** What the heuristics should flag, by module (counts of expected heuristic detections). */
  expectedHeuristics: Record<string, number>;
  ms: number;
}

export const ANDROIDQF_DEFAULT_NOW = 1_700_000_000;

const FOLDERS = [
  "/sdcard/DCIM/Camera",
  "/sdcard/Download",
  "/sdcard/Android/data/com.whatsapp/files",
  "/sdcard/Android/media/com.whatsapp/WhatsApp/Media",
  "/sdcard/Pictures/Screenshots",
  "/data/app",
  "/system/app",
  "/system/priv-app",
  "/vendor/lib64",
  "/system/lib64",
];
const EXT = [".jpg", ".mp4", ".opus", ".pdf", ".apk", ".so", ".odex", ".txt", ".db", ""];
const CONTEXTS = ["u:object_r:sdcardfs:s0", "u:object_r:media_rw_data_file:s0", "u:object_r:system_file:s0", "u:object_r:apk_data_file:s0", ""];
const VENDORS = ["com.google.android", "com.samsung.android", "com.android", "org.example", "com.example", "net.sample"];
const WORDS = ["camera", "gallery", "music", "notes", "maps", "weather", "clock", "calendar", "mail", "chat", "bank", "fitness", "reader"];

const hex = (rng: Rng, n: number) => rng.hex(n);

function certificate(rng: Rng, plantHash: string | null, subject: string) {
  const md5 = plantHash?.length === 32 ? plantHash : hex(rng, 32);
  const sha1 = plantHash?.length === 40 ? plantHash : hex(rng, 40);
  const sha256 = plantHash?.length === 64 ? plantHash : hex(rng, 64);
  return {
    Md5: md5,
    Sha1: sha1,
    Sha256: sha256,
    ValidFrom: "2019-01-01T00:00:00Z",
    ValidTo: "2049-01-01T00:00:00Z",
    Issuer: subject,
    Subject: subject,
    SignatureAlgorithm: "SHA256-RSA",
    SerialNumber: rng.int(1, 2 ** 31),
  };
}

function packageEntry(rng: Rng, name: string, o: { installer: string; system: boolean; disabled?: boolean; sha256?: string; cert?: string | null; uid: number }) {
  return {
    name,
    files: [
      {
        path: `/data/app/~~${hex(rng, 8)}==/${name}-${hex(rng, 8)}==/base.apk`,
        local_name: "",
        md5: hex(rng, 32),
        sha1: hex(rng, 40),
        sha256: o.sha256 ?? hex(rng, 64),
        sha512: hex(rng, 128),
        error: "",
        verified_certificate: true,
        certificate: certificate(rng, o.cert ?? null, `C=US, O=${name}, CN=${name}`),
        certificate_error: "",
        trusted_certificate: !o.system,
      },
    ],
    installer: o.installer,
    uid: o.uid,
    disabled: o.disabled ?? false,
    system: o.system,
    third_party: !o.system,
  };
}

function fileEntry(rng: Rng, p: string, now: number, o: { mode?: string; sha256?: string } = {}) {
  const changed = now - rng.int(86_400, 400 * 86_400);
  const modified = changed + rng.int(0, 86_400 * 30);
  return {
    path: p,
    size: rng.int(0, 5_000_000),
    mode: o.mode ?? rng.pick(["-rw-rw----", "-rw-r--r--", "-rw-------"]),
    user_id: rng.pick([0, 1000, 10_000 + rng.int(0, 300)]),
    user_name: "",
    group_id: rng.pick([1015, 1023, 0]),
    group_name: "",
    changed_time: changed,
    modified_time: modified,
    access_time: rng.next() < 0.5 ? modified : modified + rng.int(1, 3600),
    error: "",
    context: rng.pick(CONTEXTS),
    sha1: "",
    sha256: o.sha256 ?? "",
    sha512: "",
    md5: "",
  };
}

/** Streamed line writer (files.json can be hundreds of MB). */
class Out {
  private fd: number;
  private buf: string[] = [];
  private size = 0;
  constructor(file: string) {
    this.fd = openSync(file, "w");
  }
  write(s: string): void {
    this.buf.push(s);
    this.size += s.length;
    if (this.size > 1 << 20) this.flush();
  }
  flush(): void {
    if (this.buf.length) writeSync(this.fd, this.buf.join(""));
    this.buf = [];
    this.size = 0;
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

export async function generateAndroidqf(opts: GenerateAndroidqfOptions): Promise<GenerateAndroidqfResult> {
  const t0 = performance.now();
  const dir = path.resolve(opts.dir);
  if (existsSync(dir) && readdirSync(dir).length) {
    if (!opts.overwrite) throw new Error(`${dir} is not empty (use overwrite)`);
    rmSync(dir, { recursive: true, force: true });
  }
  mkdirSync(path.join(dir, "logs"), { recursive: true });
  const rng = new Rng(opts.seed ?? 1);
  const now = opts.now ?? ANDROIDQF_DEFAULT_NOW;
  const plant = opts.plant ?? null;
  const heur = opts.heuristics ?? true;
  const tz = opts.timezone === undefined ? "Europe/Berlin" : opts.timezone;
  const nFiles = opts.files ?? 1000;
  const nPackages = opts.packages ?? 150;
  const nProcs = opts.processes ?? 200;
  const expected: Record<string, number> = {};
  const expect = (m: string, n = 1) => (expected[m] = (expected[m] ?? 0) + n);
  const write = (name: string, text: string) => writeFileSync(path.join(dir, name), text);

  write(
    "acquisition.json",
    JSON.stringify(
      { uuid: `${hex(rng, 8)}-${hex(rng, 4)}-${hex(rng, 4)}-${hex(rng, 4)}-${hex(rng, 12)}`, androidqf_version: "v1.7.0", storage_path: dir, started: new Date((now - 600) * 1000).toISOString(), completed: new Date(now * 1000).toISOString(), collector: "adb" },
      null,
      4,
    ),
  );

  // getprop.txt
  const patchDate = new Date((heur ? now - 400 * 86_400 : now - 20 * 86_400) * 1000).toISOString().slice(0, 10);
  const props: [string, string][] = [
    ["ro.build.version.release", "13"],
    ["ro.build.version.sdk", "33"],
    ["ro.build.version.security_patch", patchDate],
    ["ro.product.vendor.manufacturer", "Google"],
    ["ro.product.vendor.model", "Pixel 6"],
    ["ro.product.cpu.abi", "arm64-v8a"],
    ["gsm.sim.operator.iso-country", "de"],
  ];
  if (tz) props.push(["persist.sys.timezone", tz]);
  for (let i = 0; i < 60; i++) props.push([`dalvik.vm.prop${i}`, String(rng.int(1, 1024))]);
  for (const p of plant?.properties ?? []) props.push([p, "1"]);
  if (heur) expect("aqf_get_prop");
  write("getprop.txt", "\n" + props.map(([k, v]) => `[${k}]: [${v}]`).join("\n") + "\n");

  // packages.json
  const packages: unknown[] = [];
  let uid = 10_100;
  for (let i = 0; i < nPackages; i++) {
    const system = rng.next() < 0.6;
    packages.push(packageEntry(rng, `${rng.pick(VENDORS)}.${rng.pick(WORDS)}${i}`, { installer: system ? "null" : "com.android.vending", system, uid: uid++ }));
  }
  if (heur) {
    packages.push(packageEntry(rng, "com.topjohnwu.magisk", { installer: "com.google.android.packageinstaller", system: false, uid: uid++ }));
    expect("aqf_packages"); // root package (its installer is not looked at further, as in MVT)
    packages.push(packageEntry(rng, "com.example.sideloaded", { installer: "com.android.packageinstaller", system: false, uid: uid++ }));
    packages.push(packageEntry(rng, "com.example.adbinstalled", { installer: "null", system: false, uid: uid++ }));
    packages.push(packageEntry(rng, "com.example.fromfdroid", { installer: "org.fdroid.fdroid", system: false, uid: uid++ }));
    packages.push(packageEntry(rng, "com.samsung.android.securitylogagent", { installer: "null", system: true, disabled: true, uid: uid++ }));
    packages.push(packageEntry(rng, "com.google.android.gms", { installer: "null", system: true, disabled: true, uid: uid++ }));
    expect("aqf_packages", 5);
  }
  for (let i = 0; i < (plant?.appIds.length ?? 0); i++) {
    packages.push(packageEntry(rng, plant!.appIds[i], { installer: "com.android.vending", system: false, uid: uid++ }));
  }
  plant?.sha256.forEach((h, i) => packages.push(packageEntry(rng, `com.example.hashed${i}`, { installer: "com.android.vending", system: false, sha256: h, uid: uid++ })));
  plant?.certHashes.forEach((h, i) => packages.push(packageEntry(rng, `com.example.signed${i}`, { installer: "com.android.vending", system: false, cert: h, uid: uid++ })));
  write("packages.json", JSON.stringify(packages, null, 4));

  // ps.txt
  const ps = ["USER           PID  PPID     VSZ    RSS WCHAN            ADDR S NAME"];
  const names = ["init", "[kthreadd]", "zygote64", "system_server", "surfaceflinger", "com.android.phone", "com.google.android.gms"];
  const procLine = (user: string, pid: number, name: string) =>
    `${user.padEnd(12)} ${String(pid).padStart(5)} ${String(rng.int(1, 2000)).padStart(5)} ${String(rng.int(0, 9_000_000)).padStart(7)} ${String(rng.int(0, 300_000)).padStart(6)} 0                   0 S ${name}`;
  for (let i = 0; i < nProcs; i++) ps.push(procLine(rng.pick(["root", "system", "u0_a123", "shell"]), i + 1, i < names.length ? names[i] : `${rng.pick(VENDORS)}.${rng.pick(WORDS)}`));
  for (const p of plant?.processes ?? []) ps.push(procLine("u0_a200", nProcs + ps.length, p));
  if (heur) {
    ps.push(procLine("shell", nProcs + ps.length, "/data/local/tmp/agent"));
    expect("aqf_processes");
  }
  write("ps.txt", ps.join("\n") + "\n");

  // settings_*.txt
  const secure = ["android_id=" + hex(rng, 16), "bluetooth_name=Pixel", "accessibility_enabled=" + (heur ? "1" : "0"), "install_non_market_apps=1"];
  const global = ["adb_enabled=1", "package_verifier_user_consent=1", "verifier_verify_adb_installs=" + (heur ? "0" : "1"), "package_verifier_enable=" + (heur ? "0" : "1"), "auto_time=1"];
  const system = ["screen_brightness=102", "font_scale=1.0", "time_12_24=24"];
  if (heur) expect("aqf_settings", 3);
  write("settings_secure.txt", secure.join("\n") + "\n");
  write("settings_global.txt", global.join("\n") + "\n");
  write("settings_system.txt", system.join("\n") + "\n");

  // root_binaries.json, mounts.json
  write("root_binaries.json", JSON.stringify(heur ? ["/system/bin/su", "/data/local/tmp/magisk"] : [], null, 4));
  if (heur) expect("root_binaries", 2);
  const mountLines = [
    "/dev/block/dm-12 on / type ext4 (ro,seclabel,relatime)",
    "tmpfs on /dev type tmpfs (rw,seclabel,nosuid,relatime,size=3823620k,nr_inodes=955905,mode=755)",
    "/dev/block/dm-14 on /vendor type ext4 (ro,seclabel,noatime)",
    "/dev/block/dm-40 on /data type f2fs (rw,lazytime,seclabel,nosuid,nodev,noatime)",
    heur ? "/dev/block/dm-13 on /system type ext4 (rw,seclabel,relatime)" : "/dev/block/dm-13 on /system type ext4 (ro,seclabel,relatime)",
  ];
  if (heur) expect("mounts", 1); // read-write (the "rw" option is not raised a second time)
  write("mounts.json", JSON.stringify(mountLines, null, 4));

  // logs/: a few files with known modification times.
  for (let i = 0; i < 3; i++) {
    const f = path.join(dir, "logs", `log${i}.txt`);
    writeFileSync(f, `log ${i}\n`);
    const t = now - (3 - i) * 3600;
    utimesSync(f, t, t);
  }

  // files.json, streamed.
  const format = opts.filesFormat ?? "ndjson";
  const out = new Out(path.join(dir, "files.json"));
  let n = 0;
  const emit = (entry: unknown) => {
    const json = JSON.stringify(entry);
    if (format === "array") out.write((n ? "," : "[") + json);
    else out.write(json + "\n");
    n++;
  };
  const planted: unknown[] = [];
  for (const p of plant?.filePaths ?? []) planted.push(fileEntry(rng, p, now));
  plant?.sha256.forEach((h, i) => planted.push(fileEntry(rng, `/sdcard/Download/dropped${i}.bin`, now, { sha256: h })));
  if (heur) {
    planted.push(fileEntry(rng, "/data/local/tmp/exploit", now, { mode: "-rwxr-xr-x" }));
    expect("aqf_files");
  }
  const every = planted.length ? Math.max(1, Math.floor(nFiles / (planted.length + 1))) : 0;
  let next = 0;
  for (let i = 0; i < nFiles; i++) {
    if (every && i > 0 && i % every === 0 && next < planted.length) emit(planted[next++]);
    const folder = rng.pick(FOLDERS);
    emit(fileEntry(rng, `${folder}/${rng.pick(WORDS)}_${i}${rng.pick(EXT)}`, now, rng.next() < 0.05 ? { sha256: createHash("sha256").update(String(i)).digest("hex") } : {}));
  }
  while (next < planted.length) emit(planted[next++]);
  if (format === "array") out.write(n ? "]" : "[]");
  out.close();

  if (opts.backup) {
    await generateAndroidBackup({ file: path.join(dir, "backup.ab"), seed: opts.seed, messages: opts.backup.messages ?? 50, password: opts.backup.password ?? null, now, rounds: 1000 });
  }
  if (opts.bugreport) {
    generateBugreport({ out: path.join(dir, "bugreport.zip"), seed: opts.seed, packages: opts.bugreport.packages ?? 50, appopsLines: 200, batteryLines: 200, tombstones: 1, timezone: tz ?? undefined, now });
  }

  return { dir, files: n, packages: packages.length, processes: ps.length - 1, expectedHeuristics: expected, ms: performance.now() - t0 };
}
