import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { generateIosBackup, plantSetFromStix, defaultPlantSet, type GenerateBackupResult } from "../../src/node/generate/ios-backup.js";
import { ALL_GENERATED_FILES } from "../../src/node/generate/ios/index.js";
import { parsePlist } from "../../src/core/formats/plist.js";
import { unarchive } from "../../src/core/formats/nskeyedarchiver.js";

const sha1 = (s: string) => createHash("sha1").update(s).digest("hex");

type FileRow = { fileID: string; domain: string; relativePath: string; flags: number; file: Buffer };

function readManifest(dir: string): FileRow[] {
  const db = new Database(path.join(dir, "Manifest.db"), { readonly: true });
  try {
    return db.prepare("SELECT fileID, domain, relativePath, flags, file FROM Files ORDER BY fileID").all() as FileRow[];
  } finally {
    db.close();
  }
}

function tableRows(file: string): Record<string, number> {
  const db = new Database(file, { readonly: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as { name: string }[];
    const out: Record<string, number> = {};
    for (const { name } of tables) out[name] = (db.prepare(`SELECT COUNT(*) AS n FROM "${name.replace(/"/g, '""')}"`).get() as { n: number }).n;
    return out;
  } finally {
    db.close();
  }
}

describe("generateIosBackup", () => {
  let base: string;
  let a: GenerateBackupResult;
  let b: GenerateBackupResult;

  beforeAll(async () => {
    base = mkdtempSync(path.join(tmpdir(), "spyscope-gen-"));
    a = await generateIosBackup({ dir: path.join(base, "a"), rows: 200, seed: 7 });
    b = await generateIosBackup({ dir: path.join(base, "b"), rows: 200, seed: 7 });
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it("writes the root plists and leaves no temporary files", () => {
    for (const f of ["Manifest.db", "Info.plist", "Manifest.plist", "Status.plist"]) expect(existsSync(path.join(a.dir, f))).toBe(true);
    const names = readdirSync(a.dir);
    expect(names.filter((n) => n.startsWith("."))).toEqual([]);
    expect(names.some((n) => n.endsWith("-wal") || n.endsWith("-journal"))).toBe(false);
    expect(a.artifacts).toBe(ALL_GENERATED_FILES.length);
  });

  it("lists every generated file in Manifest.db with fileID = sha1(domain-relativePath) and an MBFile blob", () => {
    const rows = readManifest(a.dir);
    expect(rows.length).toBe(a.files);
    expect(rows.length).toBeGreaterThanOrEqual(60); // rows*0.3 entries at least
    for (const r of rows) {
      expect(r.fileID).toBe(sha1(`${r.domain}-${r.relativePath}`));
      expect([1, 2]).toContain(r.flags);
      const mb = unarchive(parsePlist(new Uint8Array(r.file))) as Record<string, unknown>;
      expect(mb.RelativePath ?? "").toBe(r.relativePath);
      expect(typeof mb.Mode).toBe("number");
      expect(((mb.Mode as number) & 0o170000) === 0o40000).toBe(r.flags === 2);
      if (r.flags === 1) {
        const onDisk = path.join(a.dir, r.fileID.slice(0, 2), r.fileID);
        expect(existsSync(onDisk)).toBe(true);
        expect(Number(mb.Size)).toBe(readFileSync(onDisk).length);
      }
    }
    const byId = new Map(rows.map((r) => [r.fileID, r]));
    for (const f of ALL_GENERATED_FILES) {
      const r = byId.get(sha1(`${f.domain}-${f.relativePath}`));
      expect(r, `${f.domain}/${f.relativePath}`).toBeDefined();
      expect(r!.flags).toBe(1);
      // parent directories are listed too
      const parent = f.relativePath.split("/").slice(0, -1).join("/");
      expect(byId.get(sha1(`${f.domain}-${parent}`))?.flags).toBe(2);
    }
    const db = new Database(path.join(a.dir, "Manifest.db"), { readonly: true });
    const idx = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'Files%Idx'").all() as { name: string }[]).map((r) => r.name);
    expect(idx.sort()).toEqual(["FilesDomainIdx", "FilesFlagsIdx", "FilesRelativePathIdx"]);
    expect((db.prepare("SELECT COUNT(*) AS n FROM Properties").get() as { n: number }).n).toBe(0);
    db.close();
  });

  it("writes Info.plist, Manifest.plist and Status.plist that parse", () => {
    const info = parsePlist(readFileSync(path.join(a.dir, "Info.plist"))) as Record<string, unknown>;
    for (const k of [
      "Build Version", "Device Name", "Display Name", "GUID", "ICCID", "IMEI", "Installed Applications", "Last Backup Date",
      "Product Name", "Product Type", "Product Version", "Serial Number", "Target Identifier", "Target Type", "Unique Identifier", "iTunes Version",
    ]) expect(info[k], k).toBeDefined();
    expect(info["Last Backup Date"]).toBeInstanceOf(Date);
    expect((info["Last Backup Date"] as Date).getTime()).toBe(1_700_000_000_000);
    expect(String(info.IMEI)).toMatch(/^\d{15}$/);
    expect(typeof info.Applications).toBe("object");
    expect(info["Installed Applications"]).toEqual(Object.keys(info.Applications as object));

    const manifest = parsePlist(readFileSync(path.join(a.dir, "Manifest.plist"))) as Record<string, any>;
    expect(manifest.IsEncrypted).toBe(false);
    expect(manifest.Version).toBe("10.0");
    expect(manifest.Lockdown.UniqueDeviceID).toBe(info["Unique Identifier"]);
    expect(manifest.Lockdown.ProductVersion).toBe(info["Product Version"]);
    const status = parsePlist(readFileSync(path.join(a.dir, "Status.plist"))) as Record<string, unknown>;
    expect(status).toMatchObject({ Version: "3.3", BackupState: "new", SnapshotState: "finished", IsFullBackup: false });
  });

  it("opens every generated database with its tables", () => {
    for (const f of ALL_GENERATED_FILES.filter((x) => x.sqlite)) {
      const id = sha1(`${f.domain}-${f.relativePath}`);
      const counts = tableRows(path.join(a.dir, id.slice(0, 2), id));
      expect(Object.keys(counts).length, f.relativePath).toBeGreaterThan(0);
      expect(Object.values(counts).some((n) => n > 0), f.relativePath).toBe(true);
    }
    for (const f of ALL_GENERATED_FILES.filter((x) => x.bytes)) {
      const id = sha1(`${f.domain}-${f.relativePath}`);
      expect(readFileSync(path.join(a.dir, id.slice(0, 2), id)).length, f.relativePath).toBeGreaterThan(0);
    }
  });

  it("is deterministic: the same seed gives the same rows and the same files", () => {
    const ra = readManifest(a.dir);
    const rb = readManifest(b.dir);
    expect(rb.map((r) => [r.fileID, r.flags, sha1(r.file.toString("hex"))])).toEqual(ra.map((r) => [r.fileID, r.flags, sha1(r.file.toString("hex"))]));
    for (const r of ra.filter((x) => x.flags === 1)) {
      const pa = path.join(a.dir, r.fileID.slice(0, 2), r.fileID);
      const pb = path.join(b.dir, r.fileID.slice(0, 2), r.fileID);
      const bytesA = readFileSync(pa);
      if (bytesA.subarray(0, 16).toString("latin1") === "SQLite format 3\u0000") {
        const rowsA = JSON.stringify(dump(pa));
        expect(JSON.stringify(dump(pb)), r.relativePath).toBe(rowsA);
      } else {
        expect(readFileSync(pb).equals(bytesA), r.relativePath).toBe(true);
      }
    }
    for (const f of ["Info.plist", "Manifest.plist", "Status.plist"]) {
      expect(readFileSync(path.join(b.dir, f)).equals(readFileSync(path.join(a.dir, f))), f).toBe(true);
    }
  });

  it("a different seed gives different rows", async () => {
    const c = await generateIosBackup({ dir: path.join(base, "c"), rows: 200, seed: 8 });
    const sms = ALL_GENERATED_FILES.find((f) => f.relativePath === "Library/SMS/sms.db")!;
    expect(sms).toBeDefined();
    const id = sha1(`${sms.domain}-${sms.relativePath}`);
    expect(JSON.stringify(dump(path.join(c.dir, id.slice(0, 2), id)))).not.toBe(JSON.stringify(dump(path.join(a.dir, id.slice(0, 2), id))));
  });

  it("honours manifestFiles, plant:false and refuses a non-empty folder", async () => {
    const r = await generateIosBackup({ dir: path.join(base, "d"), rows: 100, manifestFiles: 2000, plant: false });
    expect(r.files).toBe(2000);
    expect(r.plant).toBeNull();
    expect(readManifest(r.dir).length).toBe(2000);
    await expect(generateIosBackup({ dir: path.join(base, "d"), rows: 100 })).rejects.toThrow(/not empty/);
  });

  it("plants public Pegasus indicators", () => {
    const p = defaultPlantSet();
    expect(p.domains.length).toBeGreaterThan(0);
    expect(p.processes.length).toBeGreaterThan(0);
    expect(p.emails.length).toBeGreaterThan(0);
    expect(a.plant).toEqual(p);
    const stix = JSON.stringify({
      type: "bundle",
      objects: [
        { type: "indicator", pattern: "[domain-name:value='evil.example']" },
        { type: "indicator", pattern: "[process:name='badproc']" },
        { type: "indicator", pattern: "[email-addr:value='x@evil.example']" },
        { type: "indicator", pattern: "[file:path='/private/var/tmp/x']" },
        { type: "indicator", pattern: "[url:value='https://evil.example/a']" },
        { type: "malware", name: "x" },
      ],
    });
    expect(plantSetFromStix(stix)).toEqual({
      domains: ["evil.example"],
      processes: ["badproc"],
      emails: ["x@evil.example"],
      filePaths: ["/private/var/tmp/x"],
    });
  });
});

function dump(file: string): Record<string, unknown[]> {
  const db = new Database(file, { readonly: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[];
    const out: Record<string, unknown[]> = {};
    for (const { name } of tables) {
      out[name] = (db.prepare(`SELECT * FROM "${name.replace(/"/g, '""')}"`).raw().all() as unknown[][]).map((row) =>
        row.map((v) => (Buffer.isBuffer(v) ? v.toString("hex") : typeof v === "bigint" ? String(v) : v)),
      );
    }
    return out;
  } finally {
    db.close();
  }
}
