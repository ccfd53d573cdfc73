// Synthetic iOS backup generator: writes a complete, real-format *unencrypted* iOS backup folder
// (Manifest.db + Info.plist + Manifest.plist + Status.plist + every file at <fileID[0:2]>/<fileID>) from the
// per-artifact generator files in ./ios/. Deterministic from a seed; optionally plants public Pegasus
// indicators (from the bundled Amnesty STIX file) so a scan has something to find. Used by
// `spyscope generate-backup`, the tests and the benchmarks.

import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { makeMBFile, writeBinaryPlist, writeXmlPlist, type PlistWritable } from "../../core/formats/bplist-writer.js";
import { ALL_GENERATED_FILES, infoPlistApplications } from "./ios/index.js";
import { Rng, type GenContext, type GeneratedFile, type PlantSet } from "./ios/types.js";

export interface GenerateBackupOptions {
  /** Backup folder to write (created; must be empty or absent unless `overwrite`). */
  dir: string;
  /** PRNG seed: the same seed gives the same backup. Default 1. */
  seed?: number;
  /** Rows of the big tables (messages, visits…); small tables scale down. Default 1000. */
  rows?: number;
  /** Total Manifest.db entries (real files + directories + filler). Default rows*0.3, capped at 300,000. */
  manifestFiles?: number;
  /** Plant indicators: true = a few public Pegasus values from the bundled STIX file, a PlantSet, or false. */
  plant?: boolean | PlantSet;
  /** Unix seconds the backup was taken (generated times fall before it). Default 1,700,000,000 (2023-11-14). */
  now?: number;
  /** Delete an existing non-empty `dir` first. Default false (an error). */
  overwrite?: boolean;
  /** Generator files to use (default: all of ./ios/). */
  generators?: GeneratedFile[];
  /** STIX file to take planted values from (default: the bundled iocs/amnesty/2021-07-18_nso/pegasus.stix2). */
  stix?: string;
}

export interface GenerateBackupResult {
  dir: string;
  /** Manifest.db entries (files + directories + filler). */
  files: number;
  /** Files written into the folder (artifact databases/plists + small filler files; not the root plists). */
  written: number;
  /** Artifact files generated (databases + plists from the generator files). */
  artifacts: number;
  /** The indicator values planted, or null. */
  plant: PlantSet | null;
  ms: number;
}

export const DEFAULT_NOW = 1_700_000_000;
export const MAX_MANIFEST_FILES = 300_000;
/** Filler Manifest entries that are real (small) files on disk; the rest of the filler is directories. */
const FILLER_REAL_FILES = 256;

const MODE_FILE = 0o100644;
const MODE_DIR = 0o40755;

export function fileId(domain: string, relativePath: string): string {
  return createHash("sha1").update(`${domain}-${relativePath}`).digest("hex");
}

/** Directory of the project (the nearest package.json above this file), for the bundled indicators. */
export function projectRoot(from: string = path.dirname(fileURLToPath(import.meta.url))): string {
  let d = from;
  for (;;) {
    if (existsSync(path.join(d, "package.json"))) return d;
    const up = path.dirname(d);
    if (up === d) return from;
    d = up;
  }
}

export const BUNDLED_PEGASUS_STIX = path.join("iocs", "amnesty", "2021-07-18_nso", "pegasus.stix2");

/** The first public Pegasus indicators of each kind in Amnesty's 2021-07-18 STIX file, used when it is not available. */
const FALLBACK_PLANT: PlantSet = {
  domains: ["weather4free.com", "smscentro.com", "tookcheckout.com"],
  processes: ["fservernetd", "accountpfd", "ReminderIntentsUIExtension"],
  emails: ["bogaardlisa803@gmail.com", "k.williams.enny74@gmail.com", "bekkerfredi@gmail.com"],
  filePaths: [],
};

const PATTERN = /^\s*\[\s*(domain-name:value|process:name|email-addr:value|file:path)\s*=\s*'((?:[^'\\]|\\.)*)'\s*\]\s*$/;

/** A few values of each kind (first ones in file order) from a STIX 2.1 bundle's simple equality patterns. */
export function plantSetFromStix(json: string, perKind = 3): PlantSet {
  const bundle = JSON.parse(json) as { objects?: { type?: string; pattern?: string }[] };
  const out: PlantSet = { domains: [], processes: [], emails: [], filePaths: [] };
  const key: Record<string, keyof PlantSet> = {
    "domain-name:value": "domains",
    "process:name": "processes",
    "email-addr:value": "emails",
    "file:path": "filePaths",
  };
  for (const o of bundle.objects ?? []) {
    if (o.type !== "indicator" || typeof o.pattern !== "string") continue;
    const m = PATTERN.exec(o.pattern);
    if (!m) continue;
    const list = out[key[m[1]]];
    const value = m[2].replace(/\\(.)/g, "$1").trim();
    if (value && list.length < perKind && !list.includes(value)) list.push(value);
  }
  return out;
}

/** The PlantSet for `plant: true`: from the given/bundled STIX file, else a built-in handful of the same values. */
export function defaultPlantSet(stix?: string): PlantSet {
  const candidates = stix ? [stix] : [path.join(projectRoot(), BUNDLED_PEGASUS_STIX)];
  for (const c of candidates) {
    if (!existsSync(c)) continue;
    const set = plantSetFromStix(readFileSync(c, "utf8"));
    if (set.domains.length || set.processes.length || set.emails.length) {
      if (!set.processes.length) set.processes = FALLBACK_PLANT.processes.slice();
      if (!set.emails.length) set.emails = FALLBACK_PLANT.emails.slice();
      if (!set.domains.length) set.domains = FALLBACK_PLANT.domains.slice();
      return set;
    }
  }
  if (stix) throw new Error(`no domain/process/e-mail indicators found in ${stix}`);
  return structuredClone(FALLBACK_PLANT);
}

/** A seed for one file's PRNG, so each file's rows depend only on the seed and the file (not on the others). */
function fileSeed(seed: number, id: string): number {
  return (Math.imul(seed >>> 0, 0x9e3779b1) ^ parseInt(id.slice(0, 8), 16)) >>> 0;
}

interface ManifestRow {
  id: string;
  domain: string;
  relativePath: string;
  flags: 1 | 2;
  size: number;
  mtime: number;
}

// Realistic Manifest.db filler: domains and folders that a real backup lists by the tens of thousands.
const FILLER_DOMAINS: [string, string[]][] = [
  ["MediaDomain", ["Media/DCIM/100APPLE", "Media/PhotoData/Thumbnails/V2/DCIM/100APPLE", "Media/Recordings", "Media/PhotoData/Metadata/DCIM/100APPLE"]],
  ["CameraRollDomain", ["Media/PhotoData/CPLAssets/group1", "Media/PhotoData/Caches/GraphService", "Media/DCIM/101APPLE"]],
  ["HomeDomain", ["Library/Caches/com.apple.Maps", "Library/Preferences", "Library/Caches/com.apple.mobilesafari/fsCachedData", "Library/Mail/Attachments"]],
  ["AppDomain-com.burbn.instagram", ["Library/Caches/IGImageCache", "Documents/DirectMedia"]],
  ["AppDomain-com.spotify.client", ["Library/Caches/com.spotify.client/fsCachedData", "Library/Application Support/PersistentCache/Storage"]],
  ["AppDomain-net.whatsapp.WhatsApp", ["Library/Caches/ChatMedia", "Documents/StickerCache"]],
  ["AppDomainGroup-group.net.whatsapp.WhatsApp.shared", ["Message/Media", "Media/Profile"]],
  ["AppDomainGroup-group.com.apple.notes", ["Accounts/LocalAccount/Media", "Previews"]],
  ["AppDomain-com.google.chrome.ios", ["Library/Caches/com.google.chrome.ios/fsCachedData", "Library/Application Support/Google/Chrome/Default/Favicons"]],
  ["HealthDomain", ["Health/Workouts", "Health/Documents"]],
  ["SysContainerDomain-com.apple.mediaremoted", ["Library/Caches"]],
];
const FILLER_EXT = [".HEIC", ".JPG", ".MOV", ".plist", ".dat", ".jpg", ".png"];

/** Write a synthetic iOS backup. See GenerateBackupOptions. */
export async function generateIosBackup(opts: GenerateBackupOptions): Promise<GenerateBackupResult> {
  const t0 = performance.now();
  const dir = path.resolve(opts.dir);
  const seed = opts.seed ?? 1;
  const rows = Math.max(1, Math.floor(opts.rows ?? 1000));
  const now = opts.now ?? DEFAULT_NOW;
  const manifestTarget = Math.max(0, Math.floor(opts.manifestFiles ?? Math.min(MAX_MANIFEST_FILES, Math.round(rows * 0.3))));
  const plant: PlantSet | null =
    opts.plant === false ? null : opts.plant === true || opts.plant === undefined ? defaultPlantSet(opts.stix) : opts.plant;
  const generators = opts.generators ?? ALL_GENERATED_FILES;

  if (existsSync(dir) && readdirSync(dir).length > 0) {
    if (!opts.overwrite) throw new Error(`${dir} exists and is not empty; choose an empty or new folder`);
    rmSync(dir, { recursive: true, force: true });
  }
  mkdirSync(dir, { recursive: true });
  const tmp = path.join(dir, ".spyscope-generating");
  mkdirSync(tmp, { recursive: true });

  const ctxFor = (id: string): GenContext => ({ rng: new Rng(fileSeed(seed, id)), rows, plant, now });
  const meta = new Rng(seed ^ 0x5eed);
  const manifest: ManifestRow[] = [];
  const seen = new Map<string, number>();
  const made = new Set<string>();
  let written = 0;
  let artifacts = 0;

  const place = (id: string, from: string | null, bytes: Uint8Array | null): number => {
    const sub = path.join(dir, id.slice(0, 2));
    if (!made.has(sub)) {
      mkdirSync(sub, { recursive: true });
      made.add(sub);
    }
    const dest = path.join(sub, id);
    if (from) renameSync(from, dest);
    else writeFileSync(dest, bytes!);
    written++;
    return statSync(dest).size;
  };
  const addRow = (r: ManifestRow) => {
    const at = seen.get(r.id);
    if (at !== undefined) manifest[at] = r;
    else {
      seen.set(r.id, manifest.length);
      manifest.push(r);
    }
  };
  const addDirs = (domain: string, rel: string, mtime: number) => {
    const parts = rel.split("/");
    for (let i = 0; i < parts.length; i++) {
      const d = parts.slice(0, i).join("/");
      const id = fileId(domain, d);
      if (seen.has(id)) continue;
      addRow({ id, domain, relativePath: d, flags: 2, size: 0, mtime });
    }
  };

  // 1. Artifact files from the generator modules.
  const timing = process.env.SPYSCOPE_GEN_TIMING ? new Map<string, number>() : null;
  for (const f of generators) {
    const tf = performance.now();
    const id = fileId(f.domain, f.relativePath);
    const g = ctxFor(id);
    let size: number;
    try {
      if (f.sqlite) {
        const tmpPath = path.join(tmp, id);
        rmSync(tmpPath, { force: true });
        const db = new Database(tmpPath);
        try {
          db.pragma("journal_mode = DELETE");
          db.pragma("synchronous = OFF");
          f.sqlite(db, g);
          if (db.inTransaction) db.exec("COMMIT");
        } finally {
          db.close();
        }
        size = place(id, tmpPath, null);
      } else if (f.bytes) {
        size = place(id, null, f.bytes(g));
      } else continue;
    } catch (e) {
      throw new Error(`generating ${f.domain}/${f.relativePath} (${f.modules.join(", ")}): ${(e as Error).message}`, { cause: e });
    }
    artifacts++;
    timing?.set(f.relativePath, performance.now() - tf);
    const mtime = now - meta.int(60, 3 * 86400);
    addDirs(f.domain, f.relativePath, mtime);
    addRow({ id, domain: f.domain, relativePath: f.relativePath, flags: 1, size, mtime });
  }

  // 2. Filler entries up to the Manifest target: a few hundred small real files, then directories.
  let fillerFiles = 0;
  for (let i = 0; manifest.length < manifestTarget; i++) {
    const [domain, folders] = FILLER_DOMAINS[i % FILLER_DOMAINS.length];
    const folder = folders[Math.floor(i / FILLER_DOMAINS.length) % folders.length];
    const mtime = now - meta.int(3600, 400 * 86400);
    if (fillerFiles < FILLER_REAL_FILES) {
      const rel = `${folder}/IMG_${String(i).padStart(4, "0")}${FILLER_EXT[i % FILLER_EXT.length]}`;
      const id = fileId(domain, rel);
      if (seen.has(id)) continue;
      const bytes = new Uint8Array(16 + (i % 48));
      for (let k = 0; k < bytes.length; k++) bytes[k] = meta.int(0, 255);
      const size = place(id, null, bytes);
      fillerFiles++;
      addDirs(domain, rel, mtime);
      if (manifest.length < manifestTarget) addRow({ id, domain, relativePath: rel, flags: 1, size, mtime });
    } else {
      const rel = `${folder}/${(i * 2654435761 >>> 0).toString(16).toUpperCase().padStart(8, "0")}-${i.toString(36)}`;
      const id = fileId(domain, rel);
      if (seen.has(id)) continue;
      addRow({ id, domain, relativePath: rel, flags: 2, size: 0, mtime });
    }
  }
  rmSync(tmp, { recursive: true, force: true });

  // 3. Manifest.db with the real schema, one transaction.
  const tm = performance.now();
  writeManifestDb(path.join(dir, "Manifest.db"), manifest);
  if (timing) {
    timing.set("Manifest.db", performance.now() - tm);
    for (const [k, v] of [...timing].sort((a, b) => b[1] - a[1])) console.error(`${v.toFixed(0).padStart(8)} ms  ${k}`);
  }

  // 4. Info.plist, Manifest.plist, Status.plist.
  const device = deviceIdentity(new Rng(fileSeed(seed, "1nf0p1157")));
  const apps = infoPlistApplications(ctxFor("0a9911ca7")) as Record<string, PlistWritable>;
  const backupDate = new Date(now * 1000);
  const info: Record<string, PlistWritable> = {
    "Build Version": device.build,
    "Device Name": device.name,
    "Display Name": device.name,
    GUID: device.guid,
    ICCID: device.iccid,
    IMEI: device.imei,
    MEID: device.imei.slice(0, 14),
    "Installed Applications": Object.keys(apps),
    "Last Backup Date": backupDate,
    "Phone Number": device.phone,
    "Product Name": "iPhone",
    "Product Type": device.productType,
    "Product Version": device.version,
    "Serial Number": device.serial,
    "Target Identifier": device.udid,
    "Target Type": "Device",
    "Unique Identifier": device.udid,
    "iTunes Version": "12.12.10",
  };
  if (Object.keys(apps).length) info.Applications = apps;
  writeFileSync(path.join(dir, "Info.plist"), writeXmlPlist(info));

  const appRng = new Rng(fileSeed(seed, "a9915"));
  const manifestApps: Record<string, PlistWritable> = {};
  for (const id of Object.keys(apps)) {
    manifestApps[id] = {
      CFBundleIdentifier: id,
      CFBundleVersion: `${appRng.int(1, 30)}.${appRng.int(0, 9)}`,
      ContainerContentClass: "Data/Application",
      Path: `/private/var/containers/Bundle/Application/${appRng.uuid()}/${id.split(".").pop()}.app`,
    };
  }
  writeFileSync(
    path.join(dir, "Manifest.plist"),
    writeBinaryPlist({
      Applications: manifestApps,
      Date: backupDate,
      IsEncrypted: false,
      Lockdown: {
        BuildVersion: device.build,
        DeviceName: device.name,
        ProductType: device.productType,
        ProductVersion: device.version,
        SerialNumber: device.serial,
        UniqueDeviceID: device.udid,
      },
      SystemDomainsVersion: "24.0",
      Version: "10.0",
      WasPasscodeSet: true,
    }),
  );
  writeFileSync(
    path.join(dir, "Status.plist"),
    writeBinaryPlist({
      BackupState: "new",
      Date: backupDate,
      IsFullBackup: false,
      SnapshotState: "finished",
      UUID: device.guid.replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, "$1-$2-$3-$4-$5"),
      Version: "3.3",
    }),
  );

  return { dir, files: manifest.length, written, artifacts, plant, ms: performance.now() - t0 };
}

function writeManifestDb(file: string, rows: ManifestRow[]): void {
  rmSync(file, { force: true });
  const db = new Database(file);
  try {
    db.pragma("journal_mode = DELETE");
    db.pragma("synchronous = OFF");
    db.pragma("cache_size = -131072");
    db.exec(`
      CREATE TABLE Files (fileID TEXT PRIMARY KEY, domain TEXT, relativePath TEXT, flags INTEGER, file BLOB);
      CREATE INDEX FilesDomainIdx ON Files(domain);
      CREATE INDEX FilesRelativePathIdx ON Files(relativePath);
      CREATE INDEX FilesFlagsIdx ON Files(flags);
      CREATE TABLE Properties (key TEXT PRIMARY KEY, value BLOB);
    `);
    const ins = db.prepare("INSERT INTO Files (fileID, domain, relativePath, flags, file) VALUES (?, ?, ?, ?, ?)");
    let inode = 1_000_000;
    // Inode numbers in listing order; rows inserted in fileID order (the primary key), which is much faster.
    const ordered = rows.map((r) => ({ r, inode: inode++ })).sort((a, b) => (a.r.id < b.r.id ? -1 : a.r.id > b.r.id ? 1 : 0));
    db.transaction(() => {
      for (const { r, inode } of ordered) {
        const blob = makeMBFile({
          relativePath: r.relativePath,
          mode: r.flags === 2 ? MODE_DIR : MODE_FILE,
          size: r.size,
          lastModified: r.mtime,
          birth: r.mtime - 86400,
          inode,
          protectionClass: r.flags === 2 ? 0 : 3,
        });
        ins.run(r.id, r.domain, r.relativePath, r.flags, blob);
      }
    })();
  } finally {
    db.close();
  }
}

interface DeviceIdentity {
  name: string;
  productType: string;
  version: string;
  build: string;
  serial: string;
  udid: string;
  guid: string;
  imei: string;
  iccid: string;
  phone: string;
}

const DEVICES: [string, string, string][] = [
  ["iPhone14,2", "16.6.1", "20G81"],
  ["iPhone13,2", "16.5", "20F66"],
  ["iPhone15,2", "17.1.1", "21B91"],
  ["iPhone12,1", "15.7.9", "19H365"],
];

function digits(rng: Rng, n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += String(rng.int(0, 9));
  return s;
}

/** Luhn check digit, as IMEIs and ICCIDs carry. */
function luhn(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return body + String((10 - (sum % 10)) % 10);
}

function deviceIdentity(rng: Rng): DeviceIdentity {
  const [productType, version, build] = rng.pick(DEVICES);
  const alnum = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";
  let serial = "";
  for (let i = 0; i < 12; i++) serial += alnum[rng.int(0, alnum.length - 1)];
  const udid = `00008${rng.int(101, 130)}-00${rng.hex(14).toUpperCase()}`;
  return {
    name: rng.pick(["Test iPhone", "Synthetic iPhone", "Lab Device"]),
    productType,
    version,
    build,
    serial,
    udid,
    guid: rng.hex(32).toUpperCase(),
    imei: luhn(`35${digits(rng, 12)}`),
    iccid: luhn(`8901${digits(rng, 15)}`),
    phone: `+1 (555) 01${digits(rng, 2)}-${digits(rng, 4)}`,
  };
}

export interface GenerateCommandOptions {
  out: string;
  seed?: number;
  rows?: number;
  manifestFiles?: number;
  plant?: boolean;
}

/** `spyscope generate-backup`: write a synthetic backup and print one line about it. */
export async function generateCommand(opts: GenerateCommandOptions): Promise<void> {
  const r = await generateIosBackup({
    dir: opts.out,
    seed: opts.seed,
    rows: opts.rows,
    manifestFiles: opts.manifestFiles,
    plant: opts.plant ?? true,
  });
  const planted = r.plant
    ? `, planted ${r.plant.domains.length} domains/${r.plant.processes.length} processes/${r.plant.emails.length} e-mails`
    : ", nothing planted";
  console.log(
    `wrote synthetic iOS backup ${r.dir}: ${r.artifacts} artifact files, ${r.files} Manifest entries (seed ${opts.seed ?? 1}, rows ${opts.rows ?? 1000}${planted}) in ${(r.ms / 1000).toFixed(2)} s`,
  );
}
