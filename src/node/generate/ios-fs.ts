// Synthetic iOS filesystem extraction: the per-artifact backup generators (./ios/*.ts, real schemas) laid
// out where iOS keeps each domain (private/var/mobile, private/var/wireless, app containers under UUID folders
// with their container metadata plists…), plus the filesystem-only artifacts (netusage.sqlite, Cache.db,
// Favicons.db, keychain analytics, analytics journals, shutdown.log, WebKit origin folders, app bundles with
// iTunesMetadata.plist) and, optionally, a large tree of filler paths for the filesystem module. Deterministic
// from a seed; optionally plants public Pegasus indicators so a scan has something to find.

import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { writeBinaryPlist } from "../../core/formats/bplist-writer.js";
import { CONTAINER_KINDS, CONTAINER_METADATA, FIXED_DOMAINS } from "../../core/formats/ios-fs.js";
import { ALL_GENERATED_FILES, infoPlistApplications } from "./ios/index.js";
import { generateDatausage } from "./ios/datausage.js";
import { Rng, type GenContext, type GeneratedFile, type PlantSet } from "./ios/types.js";
import { DEFAULT_NOW, defaultPlantSet } from "./ios-backup.js";

export interface GenerateFsOptions {
  /** Folder to write the dump into (its root will hold private/var). Must be empty or absent unless `overwrite`. */
  dir: string;
  seed?: number;
  /** Rows of the big tables, as for generate-backup. Default 1000. */
  rows?: number;
  /** Plant indicators (default true: public Pegasus values from the bundled STIX file). */
  plant?: boolean | PlantSet;
  now?: number;
  overwrite?: boolean;
  /** Extra filler entries (files and folders) for the filesystem module. Default 0. */
  fillerPaths?: number;
  /** Leave a symbolic link inside the dump that points outside it (for hostile-input tests). Default false. */
  escapingSymlink?: boolean;
}

/** Where planted values ended up, so tests can assert on them. */
export interface PlantedFs {
  /** Dump path of a file under the roleaccountd staging folder, named after a process indicator. */
  stagingBinary: string | null;
  /** A file named after a file-name indicator. */
  fileNameHit: string | null;
  cacheUrl: string | null;
  faviconUrl: string | null;
  localStorageOrigin: string | null;
  analyticsProcess: string | null;
  shutdownClient: string | null;
}

export interface GenerateFsResult {
  dir: string;
  /** Artifact files written (databases, plists, logs). */
  artifacts: number;
  /** Filler entries written. */
  filler: number;
  plant: PlantSet | null;
  planted: PlantedFs;
  /** Build recorded by the analytics databases and journals. */
  builds: string[];
  ms: number;
}

const VAR = "private/var";
const BUNDLE_DIR = "containers/Bundle/Application";

/** The backup domain → dump folder mapping of formats/ios-fs.ts, run backwards. */
class Layout {
  private containers = new Map<string, string>();
  constructor(
    private root: string,
    private rng: Rng,
  ) {}

  /** Dump-relative folder of a domain, creating its container (UUID folder + metadata plist) on first use. */
  domainFolder(domain: string): string {
    const fixed = FIXED_DOMAINS[domain];
    if (fixed !== undefined) return `${VAR}/${fixed}`;
    const known = this.containers.get(domain);
    if (known) return known;
    const kind = CONTAINER_KINDS.find((k) => domain.startsWith(k.prefix));
    if (!kind) throw new Error(`no filesystem location for backup domain ${domain}`);
    const identifier = domain.slice(kind.prefix.length);
    const uuid = this.rng.uuid();
    const folder = `${VAR}/${kind.dir}/${uuid}`;
    this.write(`${folder}/${CONTAINER_METADATA}`, containerMetadata(identifier, uuid, kind.prefix));
    this.containers.set(domain, folder);
    return folder;
  }

  abs(rel: string): string {
    return path.join(this.root, rel);
  }

  write(rel: string, bytes: Uint8Array | string): void {
    const abs = this.abs(rel);
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, bytes);
  }

  sqlite(rel: string, fill: (db: Database.Database) => void): void {
    const abs = this.abs(rel);
    mkdirSync(path.dirname(abs), { recursive: true });
    rmSync(abs, { force: true });
    const db = new Database(abs);
    try {
      db.pragma("journal_mode = DELETE");
      db.pragma("synchronous = OFF");
      fill(db);
      if (db.inTransaction) db.exec("COMMIT");
    } finally {
      db.close();
    }
  }
}

function containerMetadata(identifier: string, uuid: string, prefix: string): Uint8Array {
  const contentClass = prefix === "AppDomain-" ? 2 : prefix === "AppDomainGroup-" ? 7 : prefix === "AppDomainPlugin-" ? 4 : 12;
  return writeBinaryPlist({
    MCMMetadataActiveDPClass: 0,
    MCMMetadataContentClass: contentClass,
    MCMMetadataIdentifier: identifier,
    MCMMetadataInfo: {},
    MCMMetadataSchemaVersion: 1,
    MCMMetadataUUID: uuid,
    MCMMetadataVersion: 6,
  });
}

const seedFor = (seed: number, name: string) => {
  let h = seed >>> 0;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return h;
};

// ---- filesystem-only artifacts (real schemas) ----

const CACHE_SCHEMA = `
CREATE TABLE cfurl_cache_response(entry_ID INTEGER PRIMARY KEY AUTOINCREMENT UNIQUE, version INTEGER, hash_value INTEGER, storage_policy INTEGER, request_key TEXT UNIQUE, time_stamp NOT NULL DEFAULT CURRENT_TIMESTAMP, partition TEXT);
CREATE TABLE cfurl_cache_blob_data(entry_ID INTEGER PRIMARY KEY, response_object BLOB, request_object BLOB, proto_props BLOB, user_info BLOB);
CREATE TABLE cfurl_cache_receiver_data(entry_ID INTEGER PRIMARY KEY, isDataOnFS INTEGER, receiver_data BLOB);
CREATE TABLE cfurl_cache_schema_version(schema_version INTEGER);
CREATE INDEX request_key_index ON cfurl_cache_response(request_key);
CREATE INDEX time_stamp_index ON cfurl_cache_response(time_stamp);
CREATE INDEX proto_props_index ON cfurl_cache_blob_data(entry_ID);
CREATE INDEX receiver_data_index ON cfurl_cache_receiver_data(entry_ID);
INSERT INTO cfurl_cache_schema_version VALUES (202);
`;

const FAVICONS_SCHEMA = `
CREATE TABLE icon_info (uuid TEXT NOT NULL UNIQUE, url TEXT NOT NULL, timestamp REAL NOT NULL, width REAL NOT NULL, height REAL NOT NULL, has_generated_representations INTEGER NOT NULL);
CREATE TABLE page_url (url TEXT NOT NULL UNIQUE, uuid TEXT NOT NULL);
CREATE TABLE rejected_resources (page_url TEXT NOT NULL UNIQUE, icon_url TEXT NOT NULL, timestamp REAL NOT NULL);
CREATE TABLE cache_settings (key TEXT NOT NULL UNIQUE, value);
`;

const ANALYTICS_SCHEMA = `
CREATE TABLE hard_failures (id INTEGER PRIMARY KEY AUTOINCREMENT, timestamp REAL, data BLOB);
CREATE TABLE soft_failures (id INTEGER PRIMARY KEY AUTOINCREMENT, timestamp REAL, data BLOB);
CREATE TABLE all_events (id INTEGER PRIMARY KEY AUTOINCREMENT, timestamp REAL, data BLOB);
CREATE TABLE rockwell (id INTEGER PRIMARY KEY AUTOINCREMENT, data BLOB);
CREATE TABLE samples (id INTEGER PRIMARY KEY AUTOINCREMENT, timestamp REAL, name TEXT, value REAL);
`;

const HOSTS = ["www.apple.com", "api.weather.com", "graph.instagram.com", "i.scdn.co", "www.bbc.co.uk", "cdn.jsdelivr.net"];
const APPS = ["com.burbn.instagram", "com.spotify.client", "com.atebits.Tweetie2", "com.google.Maps"];
export const FS_BUILDS: [build: string, version: string][] = [
  ["20F66", "iPhone OS 16.5 (20F66)"],
  ["20G75", "iPhone OS 16.6 (20G75)"],
  ["20H19", "iPhone OS 16.7.2 (20H19)"],
];

const macTime = (unix: number) => unix - 978307200;
const utc = (unix: number) => new Date(unix * 1000).toISOString().slice(0, 19).replace("T", " ");

/** Write a synthetic iOS filesystem dump. */
export async function generateIosFilesystem(opts: GenerateFsOptions): Promise<GenerateFsResult> {
  const t0 = performance.now();
  const dir = path.resolve(opts.dir);
  const seed = opts.seed ?? 1;
  const rows = Math.max(1, Math.floor(opts.rows ?? 1000));
  const now = opts.now ?? DEFAULT_NOW;
  const plant: PlantSet | null = opts.plant === false ? null : opts.plant === true || opts.plant === undefined ? defaultPlantSet() : opts.plant;
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    if (!opts.overwrite) throw new Error(`${dir} exists and is not empty; choose an empty or new folder`);
    rmSync(dir, { recursive: true, force: true });
  }
  mkdirSync(dir, { recursive: true });
  const rng = new Rng(seed ^ 0xf5d0);
  const layout = new Layout(dir, rng);
  const ctxFor = (name: string): GenContext => ({ rng: new Rng(seedFor(seed, name)), rows, plant, now });
  const planted: PlantedFs = {
    stagingBinary: null,
    fileNameHit: null,
    cacheUrl: null,
    faviconUrl: null,
    localStorageOrigin: null,
    analyticsProcess: null,
    shutdownClient: null,
  };
  let artifacts = 0;
  const domain0 = plant?.domains[0] ?? null;
  const process0 = plant?.processes[0] ?? null;

  // 1. Every backup artifact at its filesystem location.
  for (const f of ALL_GENERATED_FILES as GeneratedFile[]) {
    const rel = `${layout.domainFolder(f.domain)}/${f.relativePath}`;
    const g = ctxFor(`${f.domain}-${f.relativePath}`);
    if (f.sqlite) layout.sqlite(rel, (db) => f.sqlite!(db, g));
    else if (f.bytes) layout.write(rel, f.bytes(g));
    else continue;
    artifacts++;
  }

  // 2. App bundles with their iTunesMetadata.plist (what Info.plist's Applications holds in a backup).
  const apps = infoPlistApplications(ctxFor("applications")) as Record<string, { iTunesMetadata?: Uint8Array }>;
  for (const [id, app] of Object.entries(apps)) {
    if (!(app.iTunesMetadata instanceof Uint8Array)) continue;
    const bundle = `${VAR}/${BUNDLE_DIR}/${rng.uuid()}`;
    layout.write(`${bundle}/iTunesMetadata.plist`, app.iTunesMetadata);
    layout.write(`${bundle}/${id.split(".").pop()}.app/Info.plist`, writeBinaryPlist({ CFBundleIdentifier: id }));
    artifacts++;
  }

  // 3. networkd's netusage.sqlite (DataUsage's schema); binaries of its bundle-less daemons, except planted ones.
  const netusage = `${VAR}/networkd/db/netusage.sqlite`;
  layout.sqlite(netusage, (db) => generateDatausage(db, ctxFor("netusage")));
  artifacts++;
  {
    const db = new Database(layout.abs(netusage), { readonly: true });
    const names = db.prepare("SELECT DISTINCT ZPROCNAME AS n FROM ZPROCESS WHERE ZBUNDLENAME IS NULL").all() as { n: string }[];
    db.close();
    for (const { n } of names) if (!plant?.processes.includes(n)) layout.write(`usr/libexec/${n}`, "\x7fELF");
  }

  // 4. Cache.db of two apps, one with a planted URL.
  for (const [i, app] of APPS.slice(0, 2).entries()) {
    const g = ctxFor(`cache-${app}`);
    const rel = `${layout.domainFolder(`AppDomain-${app}`)}/Library/Caches/${app}/Cache.db`;
    layout.sqlite(rel, (db) => {
      db.exec(CACHE_SCHEMA);
      const ins = db.prepare("INSERT INTO cfurl_cache_response (version, hash_value, storage_policy, request_key, time_stamp, partition) VALUES (0, ?, 0, ?, ?, NULL)");
      const n = Math.max(5, Math.round(rows / 20));
      db.transaction(() => {
        for (let k = 0; k < n; k++) {
          let url = `https://${g.rng.pick(HOSTS)}/v1/${g.rng.hex(10)}?id=${k}`;
          if (i === 0 && k === 1 && domain0) url = planted.cacheUrl = `https://${domain0}/${g.rng.hex(8)}/index.html`;
          ins.run(g.rng.int(-(2 ** 31), 2 ** 31 - 1), url, utc(now - g.rng.int(60, 60 * 86400)));
        }
      })();
    });
    artifacts++;
  }

  // 5. Safari's favicon cache; a planted site among the rejected icons.
  layout.sqlite(`${VAR}/mobile/Library/Image Cache/Favicons/Favicons.db`, (db) => {
    const g = ctxFor("favicons");
    db.exec(FAVICONS_SCHEMA);
    const icon = db.prepare("INSERT INTO icon_info VALUES (?, ?, ?, 32, 32, 0)");
    const page = db.prepare("INSERT INTO page_url VALUES (?, ?)");
    const rejected = db.prepare("INSERT INTO rejected_resources VALUES (?, ?, ?)");
    db.transaction(() => {
      const n = Math.max(5, Math.round(rows / 50));
      for (let k = 0; k < n; k++) {
        const uuid = g.rng.uuid();
        const host = `${g.rng.hex(5)}.${g.rng.pick(HOSTS)}`;
        icon.run(uuid, `https://${host}/favicon.ico`, macTime(now - g.rng.int(60, 90 * 86400)));
        page.run(`https://${host}/${k}`, uuid);
      }
      const site = domain0 ? (planted.faviconUrl = `https://${domain0}/`) : `https://${g.rng.pick(HOSTS)}/`;
      rejected.run(site, `${site}favicon.ico`, macTime(now - 3 * 86400));
    })();
  });
  artifacts++;

  // 6. Keychain analytics databases (events as binary plists) and analytics journals.
  const builds = FS_BUILDS.map(([b]) => b);
  layout.sqlite(`${VAR}/Keychains/Analytics/trust_analytics.db`, (db) => {
    const g = ctxFor("analytics");
    db.exec(ANALYTICS_SCHEMA);
    const tables = ["hard_failures", "soft_failures", "all_events"];
    db.transaction(() => {
      const n = Math.max(6, Math.round(rows / 20));
      for (let k = 0; k < n; k++) {
        const b = Math.min(builds.length - 1, Math.floor((k / n) * builds.length));
        const ts = now - (n - k) * 3600 * 12;
        const event: Record<string, string | number> = {
          build: builds[b],
          product: "iPhone OS",
          modelid: "iPhone14,5",
          topic: "TrustTopic",
          eventType: g.rng.pick(["TrustEvaluation", "OCSPResponse", "CTCheck"]),
          process: g.rng.pick(["nsurlsessiond", "trustd", "MobileSafari", "apsd"]),
          host: g.rng.pick(HOSTS),
        };
        if (k === 2 && process0) event.process = planted.analyticsProcess = process0;
        db.prepare(`INSERT INTO ${tables[k % 3]} (timestamp, data) VALUES (?, ?)`).run(ts, writeBinaryPlist(event));
      }
    })();
  });
  artifacts++;
  for (const [k, [, version]] of FS_BUILDS.entries()) {
    const t = new Date((now - (FS_BUILDS.length - k) * 40 * 86400) * 1000 + 2 * 3600 * 1000);
    const local = t.toISOString().slice(0, 19).replace("T", " ") + ".00 +0200";
    const header = JSON.stringify({ timestamp: local, os_version: version, incident_id: rng.uuid() });
    layout.write(`${VAR}/db/analyticsd/Analytics-Journal-${String(k + 1).padStart(2, "0")}.ips`, `${header}\n{"message":{"name":"com.apple.Trial.event"}}\n`);
    artifacts++;
  }

  // 7. shutdown.log (classic "remaining client pid" format); a planted process delays a shutdown from the staging folder.
  {
    const lines: string[] = [];
    for (let s = 0; s < 3; s++) {
      const t = now - (3 - s) * 7 * 86400;
      lines.push(`remaining client pid: ${100 + s} (/usr/libexec/nsurlsessiond)`);
      if (s === 1 && process0) {
        planted.shutdownClient = `/private/var/db/com.apple.xpc.roleaccountd.staging/${process0}`;
        lines.push(`remaining client pid: 4242 (${planted.shutdownClient})`);
      }
      lines.push("After 0.63s, these clients are still here:");
      lines.push(`remaining client pid: ${100 + s} (/usr/libexec/nsurlsessiond)`);
      lines.push(`SIGTERM: [${t}] All processes, still running after ${s + 1}.23 seconds`);
    }
    layout.write(`${VAR}/db/diagnostics/shutdown.log`, lines.join("\n") + "\n");
    artifacts++;
  }

  // 8. WebKit origin folders in an app container; a planted origin in LocalStorage and SafariViewService.
  {
    const container = layout.domainFolder(`AppDomain-${APPS[2]}`);
    const web = `${container}/Library/WebKit/WebsiteData`;
    const g = ctxFor("webkit");
    for (const h of HOSTS.slice(0, 3)) {
      layout.write(`${web}/LocalStorage/https_${h}_0.localstorage`, "SQLite format 3\0");
      mkdirSync(layout.abs(`${web}/IndexedDB/https_${h}_0`), { recursive: true });
    }
    layout.write(`${web}/LocalStorage/StorageTracker.db`, "SQLite format 3\0");
    if (domain0) {
      planted.localStorageOrigin = `https://${domain0}`;
      layout.write(`${web}/LocalStorage/https_${domain0}_0.localstorage`, "SQLite format 3\0");
      mkdirSync(layout.abs(`${container}/SystemData/com.apple.SafariViewService/Library/WebKit/WebsiteData/https_${domain0}_0`), { recursive: true });
    }
    mkdirSync(layout.abs(`${container}/SystemData/com.apple.SafariViewService/Library/WebKit/WebsiteData/https_${g.rng.pick(HOSTS)}_0`), { recursive: true });
  }

  // 9. Planted files: a process-named binary in the roleaccountd staging folder and a known file name.
  if (process0) {
    planted.stagingBinary = `${VAR}/db/com.apple.xpc.roleaccountd.staging/${process0}`;
    layout.write(planted.stagingBinary, "\xca\xfe\xba\xbe");
  }
  if (plant) {
    planted.fileNameHit = `${VAR}/root/Library/Preferences/roleaccountd.plist`;
    layout.write(planted.fileNameHit, writeBinaryPlist({ Label: "roleaccountd" }));
    for (const p of plant.filePaths) layout.write(p.replace(/^\/+/, ""), "");
  }

  // The system version file (read-only system volume), as on a device running the last build above.
  layout.write(
    "System/Library/CoreServices/SystemVersion.plist",
    writeBinaryPlist({ ProductBuildVersion: FS_BUILDS[FS_BUILDS.length - 1][0], ProductName: "iPhone OS", ProductVersion: "16.7.2" }),
  );

  if (opts.escapingSymlink) symlinkSync("/etc", layout.abs(`${VAR}/mobile/Library/escape`));

  // 10. Filler.
  const filler = writeFiller(layout, opts.fillerPaths ?? 0, seed);

  // Stable modification times for the planted entries (the rest keep the time they were written).
  for (const p of [planted.stagingBinary, planted.fileNameHit]) if (p) utimesSync(layout.abs(p), now - 86400, now - 86400);

  return { dir, artifacts, filler, plant, planted, builds, ms: performance.now() - t0 };
}

const FILLER_ROOTS = [
  `${VAR}/mobile/Media/DCIM`,
  `${VAR}/mobile/Media/PhotoData/Thumbnails/V2/DCIM`,
  `${VAR}/mobile/Library/Caches/com.apple.Maps/Tiles`,
  `${VAR}/containers/Bundle/Application/Frameworks`,
  `${VAR}/mobile/Library/Mail/Attachments`,
  "System/Library/PrivateFrameworks",
  "usr/share/zoneinfo",
];
const FILLER_EXT = [".HEIC", ".JPG", ".MOV", ".plist", ".dat", ".png", ".dylib"];

/** `count` entries (files, with a folder every 250) spread over a few deep trees, like a phone's media and caches. */
function writeFiller(layout: Layout, count: number, seed: number): number {
  let written = 0;
  let folder = "";
  const rng = new Rng(seed ^ 0xf111e7);
  for (let i = 0; written < count; i++) {
    if (i % 250 === 0) {
      const root = FILLER_ROOTS[(i / 250) % FILLER_ROOTS.length];
      folder = `${root}/${(100 + Math.floor(i / 250 / FILLER_ROOTS.length)) % 1000}APPLE-${rng.hex(4)}`;
      mkdirSync(layout.abs(folder), { recursive: true });
      written++;
      continue;
    }
    writeFileSync(layout.abs(`${folder}/IMG_${String(i).padStart(7, "0")}${FILLER_EXT[i % FILLER_EXT.length]}`), "");
    written++;
  }
  return written;
}
