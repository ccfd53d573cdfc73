// Test helper: a temporary iOS backup folder built from generator files (src/node/generate/ios/*.ts):
// Manifest.db with the real schema (Files + Properties), Info.plist, and each file at <fileID[0:2]>/<fileID>.

import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { Rng, type GenContext, type GeneratedFile, type PlantSet } from "../../src/node/generate/ios/types.js";
import { xmlPlist } from "../../src/node/generate/ios/plist-xml.js";
import { IOS_BACKUP } from "./scan.js";

export interface BackupOptions {
  rows?: number;
  seed?: number;
  plant?: PlantSet | null;
  /** Unix seconds of the backup (generated times fall before it). */
  now?: number;
  /** Extra Info.plist keys (e.g. "Applications"), or a function of the generator context. */
  info?: Record<string, unknown> | ((g: GenContext) => Record<string, unknown>);
  /** Manifest entries listed without a file in the folder (to test missing files). */
  listedOnly?: { domain: string; relativePath: string }[];
}

export const PLANT: PlantSet = {
  domains: ["planted-bad.example"],
  processes: ["plantedproc"],
  emails: ["planted.attacker@example.net"],
  filePaths: ["/private/var/tmp/planted"],
};

/** The backup's file name for (domain, relativePath): one definition, the generator's. */
export { fileId } from "../../src/node/generate/ios-backup.js";
import { fileId } from "../../src/node/generate/ios-backup.js";

/** A fresh temporary directory for a backup. */
export function tempBackupDir(prefix = "spyscope-backup-"): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** Write a backup into `dir` from generator files; returns the generator context used. */
export function makeBackup(dir: string, files: GeneratedFile[], opts: BackupOptions = {}): GenContext {
  const g: GenContext = { rng: new Rng(opts.seed ?? 1), rows: opts.rows ?? 200, plant: opts.plant ?? null, now: opts.now ?? 1_700_000_000 };
  mkdirSync(dir, { recursive: true });
  const manifest = new Database(path.join(dir, "Manifest.db"));
  manifest.exec("CREATE TABLE Files (fileID TEXT PRIMARY KEY, domain TEXT, relativePath TEXT, flags INTEGER, file BLOB)");
  manifest.exec("CREATE INDEX FilesDomainIdx ON Files(domain)");
  manifest.exec("CREATE INDEX FilesRelativePathIdx ON Files(relativePath)");
  manifest.exec("CREATE INDEX FilesFlagsIdx ON Files(flags)");
  manifest.exec("CREATE TABLE Properties (key TEXT PRIMARY KEY, value BLOB)");
  const ins = manifest.prepare("INSERT OR REPLACE INTO Files VALUES (?, ?, ?, ?, NULL)");
  const dirs = new Set<string>();
  const addDirs = (domain: string, rel: string) => {
    const parts = rel.split("/");
    for (let i = 0; i < parts.length; i++) {
      const d = parts.slice(0, i).join("/");
      const key = `${domain}\u0000${d}`;
      if (dirs.has(key)) continue;
      dirs.add(key);
      ins.run(fileId(domain, d), domain, d, 2);
    }
  };
  for (const f of files) {
    const id = fileId(f.domain, f.relativePath);
    mkdirSync(path.join(dir, id.slice(0, 2)), { recursive: true });
    const target = path.join(dir, id.slice(0, 2), id);
    if (f.sqlite) {
      const db = new Database(target);
      f.sqlite(db, g);
      db.close();
    } else if (f.bytes) {
      writeFileSync(target, f.bytes(g));
    }
    addDirs(f.domain, f.relativePath);
    ins.run(id, f.domain, f.relativePath, 1);
  }
  for (const f of opts.listedOnly ?? []) {
    addDirs(f.domain, f.relativePath);
    ins.run(fileId(f.domain, f.relativePath), f.domain, f.relativePath, 1);
  }
  manifest.close();
  const extra = typeof opts.info === "function" ? opts.info(g) : (opts.info ?? {});
  const info = {
    "Build Version": "20G75",
    "Device Name": "Test iPhone",
    "Display Name": "Test iPhone",
    GUID: "0123456789ABCDEF0123456789ABCDEF",
    "Installed Applications": [],
    "Last Backup Date": new Date(g.now * 1000),
    "Product Type": "iPhone12,1",
    "Product Version": "16.6",
    "Serial Number": "F00XXXXXXXXX",
    "Target Identifier": "00008030-000000000000002E",
    "Target Type": "Device",
    "Unique Identifier": "00008030-000000000000002E",
    "iTunes Version": "12.12",
    ...extra,
  };
  writeFileSync(path.join(dir, "Info.plist"), xmlPlist(info));
  return g;
}

/** Path of a generated file inside the backup folder. */
export function backupFilePath(dir: string, domain: string, relativePath: string): string {
  const id = fileId(domain, relativePath);
  return path.join(dir, id.slice(0, 2), id);
}

/** Cut a file to half its size (a corrupt / partially copied database or plist). */
export function truncateHalf(file: string): void {
  const bytes = readFileSync(file);
  writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length / 2)));
}

/** Every observable a module exposes for `records`, as "type:value" strings. */
export function observablesOf(module: { observables?(r: any): Iterable<{ type: string; value: string }> }, records: unknown[]): string[] {
  const out: string[] = [];
  for (const r of records) for (const o of module.observables?.(r) ?? []) out.push(`${o.type}:${o.value}`);
  return out;
}

/** A writable copy of MVT's iOS backup fixture (read-only in ../shared) to break on purpose. */
export function copyFixtureBackup(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "spyscope-corrupt-"));
  cpSync(IOS_BACKUP, dir, { recursive: true });
  const makeWritable = (d: string) => {
    chmodSync(d, 0o755);
    for (const n of readdirSync(d)) {
      const p = path.join(d, n);
      if (statSync(p).isDirectory()) makeWritable(p);
      else chmodSync(p, 0o644);
    }
  };
  makeWritable(dir);
  return dir;
}
