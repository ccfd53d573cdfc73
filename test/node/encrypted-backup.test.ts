// Encrypted iOS backups end to end: a generated backup with planted indicators and its encrypted twin (real
// keybag, per-file keys) must give the same records, detections and timeline; decrypt-backup must give back
// the original files byte for byte; wrong passwords, key files and damaged files must behave.

import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scan } from "../../src/core/analysis/engine.js";
import { IOS_BACKUP_MODULES } from "../../src/core/artifacts/ios/index.js";
import { webBackupCrypto, type BackupCrypto } from "../../src/core/formats/backup-crypto.js";
import { EncryptedBackupError, IosBackup, passwordUnlock, type BackupUnlock } from "../../src/core/formats/ios-backup.js";
import { Keybag, WrongPasswordError } from "../../src/core/formats/ios-keybag.js";
import { parsePlist } from "../../src/core/formats/plist.js";
import { unarchive } from "../../src/core/formats/nskeyedarchiver.js";
import { toJson } from "../../src/core/report/json.js";
import type { Detection, Matcher } from "../../src/core/types.js";
import { nodeBackupCrypto } from "../../src/node/backup-crypto.js";
import { runCheckBackup } from "../../src/node/check-backup.js";
import { decryptBackup, HASH_LIST } from "../../src/node/decrypt-backup.js";
import { DirectoryEvidence } from "../../src/node/evidence-dir.js";
import { encryptBackup, type EncryptBackupResult } from "../../src/node/generate/encrypt-backup.js";
import { BUNDLED_PEGASUS_STIX, fileId, generateIosBackup, projectRoot, type GenerateBackupResult } from "../../src/node/generate/ios-backup.js";
import { loadIndicators } from "../../src/node/iocs.js";
import { NodeSqliteOpener } from "../../src/node/sqlite.js";
import { hashTree } from "../helpers/hash.js";

const PASSWORD = "tr0ub4dor&3 ünïcode";
const STIX = path.join(projectRoot(), BUNDLED_PEGASUS_STIX);
const SMS_ID = fileId("HomeDomain", "Library/SMS/sms.db");
const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

interface Scanned {
  records: Map<string, string[]>;
  detections: string[];
  timeline: string[];
  counts: Record<string, number>;
  failed: string[];
  hashes: Map<string, string>;
}

const detectionKey = (d: Detection) => `${d.level}|${d.module}|${d.message}|${d.match?.indicator.value ?? ""}|${toJson(d.record)}`;

async function scanIn(dir: string, matcher: Matcher, opts: { unlock?: BackupUnlock; crypto?: BackupCrypto } = {}): Promise<Scanned> {
  const evidence = await DirectoryEvidence.open(dir);
  const sqlite = new NodeSqliteOpener();
  const backup = await IosBackup.open(evidence, sqlite, opts);
  const out: Scanned = { records: new Map(), detections: [], timeline: [], counts: {}, failed: [], hashes: new Map() };
  try {
    const summary = await scan({
      acquisition: backup,
      modules: IOS_BACKUP_MODULES,
      matcher,
      sqlite,
      sink: {
        record(m, r) {
          const list = out.records.get(m.id) ?? [];
          list.push(toJson(r));
          out.records.set(m.id, list);
        },
        detection: (d) => out.detections.push(detectionKey(d)),
        timeline: (e) => out.timeline.push(JSON.stringify(e)),
      },
    });
    for (const c of summary.coverage) {
      out.counts[c.module] = c.records;
      if (c.status === "failed") out.failed.push(`${c.module}: ${c.reason}`);
    }
    out.hashes = evidence.hashes();
    return out;
  } finally {
    backup.close();
    sqlite.dispose();
  }
}

describe("encrypted iOS backup", () => {
  let base: string;
  let plain: GenerateBackupResult;
  let enc: EncryptBackupResult;
  let matcher: Matcher;
  let plainScan: Scanned;

  beforeAll(async () => {
    base = mkdtempSync(path.join(os.tmpdir(), "spyscope-enc-"));
    plain = await generateIosBackup({ dir: path.join(base, "plain"), rows: 300, seed: 11, plant: true });
    enc = await encryptBackup({ source: plain.dir, dest: path.join(base, "enc"), password: PASSWORD, iterations: 10, dpIterations: 10 });
    matcher = (await loadIndicators([STIX])).set;
    plainScan = await scanIn(plain.dir, matcher);
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it("is really encrypted: Manifest.plist carries a keybag and every file differs from the original", () => {
    const mp = parsePlist(readFileSync(path.join(enc.dest, "Manifest.plist"))) as Record<string, unknown>;
    expect(mp.IsEncrypted).toBe(true);
    expect(Keybag.parse(mp.BackupKeyBag as Uint8Array).uuidHex).toBe(enc.keybagUuid);
    expect((mp.ManifestKey as Uint8Array).length).toBe(44);
    const listed = new Database(path.join(plain.dir, "Manifest.db"), { readonly: true }).prepare("SELECT fileID FROM Files WHERE flags = 1").all() as { fileID: string }[];
    expect(enc.files).toBe(listed.length);
    expect(enc.files).toBeGreaterThan(25);
    for (const { fileID } of listed) {
      const rel = path.join(fileID.slice(0, 2), fileID);
      const original = readFileSync(path.join(plain.dir, rel));
      const encrypted = readFileSync(path.join(enc.dest, rel));
      expect(encrypted.length, rel).toBe((Math.floor(original.length / 16) + 1) * 16);
      expect(encrypted.subarray(0, original.length).equals(original), rel).toBe(false);
    }
    const encSms = readFileSync(path.join(enc.dest, SMS_ID.slice(0, 2), SMS_ID));
    expect(encSms.subarray(0, 16).toString("latin1")).not.toBe("SQLite format 3\0");
    expect(readFileSync(path.join(enc.dest, "Manifest.db")).subarray(0, 16).toString("latin1")).not.toBe("SQLite format 3\0");
  });

  it.each([["node:crypto", nodeBackupCrypto], ["WebCrypto", webBackupCrypto()]] as const)(
    "gives the same records, detections and timeline as its unencrypted twin (%s)",
    async (_name, crypto) => {
      const before = hashTree(enc.dest);
      const s = await scanIn(enc.dest, matcher, { unlock: passwordUnlock(PASSWORD), crypto });
      expect(s.failed).toEqual(plainScan.failed);
      expect(s.counts).toEqual(plainScan.counts);
      expect(plainScan.detections.filter((d) => d.startsWith("critical")).length).toBeGreaterThan(5);
      expect(s.detections.sort()).toEqual([...plainScan.detections].sort());
      for (const [module, records] of plainScan.records) expect(s.records.get(module), module).toEqual(records);
      expect(s.timeline).toEqual(plainScan.timeline);
      // The hashes are those of the evidence as stored: the encrypted bytes.
      const smsPath = `${SMS_ID.slice(0, 2)}/${SMS_ID}`;
      expect(s.hashes.get(smsPath)).toBe(sha256(readFileSync(path.join(enc.dest, smsPath))));
      expect(s.hashes.get("Manifest.db")).toBe(sha256(readFileSync(path.join(enc.dest, "Manifest.db"))));
      const after = hashTree(enc.dest);
      expect([...after]).toEqual([...before]);
    },
  );

  it("check-backup: same alerts and record counts end to end; info.json says how it was decrypted, never the password", async () => {
    const outPlain = path.join(base, "out-plain");
    const outEnc = path.join(base, "out-enc");
    const a = await runCheckBackup({ target: plain.dir, output: outPlain, iocs: [STIX] });
    const b = await runCheckBackup({ target: enc.dest, output: outEnc, iocs: [STIX] }, { password: PASSWORD, prompt: null });
    expect(b.exitCode).toBe(1);
    expect(b.summary.counts).toEqual(a.summary.counts);
    expect(b.summary.records).toBe(a.summary.records);
    const alerts = (dir: string) => JSON.parse(readFileSync(path.join(dir, "alerts.json"), "utf8"));
    expect(alerts(outEnc)).toEqual(alerts(outPlain));
    const info = readFileSync(path.join(outEnc, "info.json"), "utf8");
    expect(JSON.parse(info).backup_encryption).toEqual({
      encrypted: true,
      keybag_uuid: enc.keybagUuid,
      key_source: "password",
      key_file: null,
      key_file_written: false,
    });
    expect(JSON.parse(info).coverage.complete).toBe(JSON.parse(readFileSync(path.join(outPlain, "info.json"), "utf8")).coverage.complete);
    for (const f of readdirSync(outEnc)) expect(readFileSync(path.join(outEnc, f), "utf8"), f).not.toContain(PASSWORD);
  });

  it("fails on a wrong password after one key derivation, having read nothing but Manifest.plist", async () => {
    const evidence = await DirectoryEvidence.open(enc.dest);
    const sqlite = new NodeSqliteOpener();
    let derivations = 0;
    const unlock: BackupUnlock = (kb, c) => {
      derivations++;
      return kb.deriveKey("not the password", c);
    };
    const err = await IosBackup.open(evidence, sqlite, { unlock, crypto: nodeBackupCrypto }).catch((e) => e);
    sqlite.dispose();
    expect(err).toBeInstanceOf(WrongPasswordError);
    expect(err.message).toMatch(/wrong backup password/);
    expect(derivations).toBe(1);
    expect([...evidence.hashes().keys()]).toEqual(["Manifest.plist"]);

    const out = path.join(base, "out-wrong");
    mkdirSync(out);
    await expect(runCheckBackup({ target: enc.dest, output: out, iocs: [STIX] }, { password: "nope", prompt: null })).rejects.toThrow(WrongPasswordError);
    expect(readdirSync(out)).toEqual([]);
  });

  it("asks for a password when none is given, and takes one from SPYSCOPE_BACKUP_PASSWORD", async () => {
    const err = await runCheckBackup({ target: enc.dest, iocs: [STIX] }, { prompt: null, env: {} }).catch((e) => e);
    expect(err).toBeInstanceOf(EncryptedBackupError);
    expect(err.message).toMatch(/encrypted iOS backup .*--password, the SPYSCOPE_BACKUP_PASSWORD environment variable/);
    let asked = 0;
    const prompted = await runCheckBackup({ target: enc.dest, iocs: [STIX], modules: ["sms"] }, { env: {}, prompt: async () => (asked++, PASSWORD) });
    expect(asked).toBe(1);
    expect(prompted.info.backup_encryption).toMatchObject({ key_source: "prompt" });
    const fromEnv = await runCheckBackup({ target: enc.dest, iocs: [STIX], modules: ["sms"] }, { env: { SPYSCOPE_BACKUP_PASSWORD: PASSWORD }, prompt: null });
    expect(fromEnv.summary.counts.critical).toBe(prompted.summary.counts.critical);
    expect(fromEnv.summary.counts.critical).toBeGreaterThan(0);
    expect(fromEnv.info.backup_encryption).toMatchObject({ key_source: "environment" });
    // an unencrypted backup ignores a password
    const p = await runCheckBackup({ target: plain.dir, iocs: [STIX], modules: ["sms"] }, { password: "unused", prompt: null });
    expect(p.info.backup_encryption).toEqual({ encrypted: false });
  });

  it("--key-file: derives once and saves the key (mode 0600), then reuses it without a password", async () => {
    const keyFile = path.join(base, "case.key.json");
    const first = await runCheckBackup({ target: enc.dest, iocs: [STIX], modules: ["sms"] }, { password: PASSWORD, keyFile, prompt: null });
    expect(first.info.backup_encryption).toMatchObject({ key_source: "password", key_file_written: true });
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(readFileSync(keyFile, "utf8"));
    expect(saved).toMatchObject({ format: "spyscope-ios-backup-key", version: 1, keybag_uuid: enc.keybagUuid, key: Buffer.from(enc.derivedKey).toString("hex") });
    expect(readFileSync(keyFile, "utf8")).not.toContain(PASSWORD);

    const second = await runCheckBackup({ target: enc.dest, iocs: [STIX], modules: ["sms"] }, { keyFile, env: {}, prompt: null });
    expect(second.info.backup_encryption).toMatchObject({ key_source: "key-file", key_file_written: false });
    expect(second.summary.counts).toEqual(first.summary.counts);

    // MVT's key file (64 hex digits of the same derived key) is accepted too.
    const hexKey = path.join(base, "mvt.key");
    writeFileSync(hexKey, Buffer.from(enc.derivedKey).toString("hex") + "\n");
    const mvt = await runCheckBackup({ target: enc.dest, iocs: [STIX], modules: ["sms"] }, { keyFile: hexKey, env: {}, prompt: null });
    expect(mvt.summary.counts).toEqual(first.summary.counts);
    writeFileSync(hexKey, "00".repeat(32));
    await expect(runCheckBackup({ target: enc.dest, iocs: [STIX] }, { keyFile: hexKey, prompt: null })).rejects.toThrow(WrongPasswordError);

    // A key file of another backup is refused with its reason; one inside the evidence is never written.
    const other = await encryptBackup({ source: plain.dir, dest: path.join(base, "enc-other"), password: PASSWORD, iterations: 10, dpIterations: 10 });
    await expect(runCheckBackup({ target: other.dest, iocs: [STIX] }, { keyFile, prompt: null })).rejects.toThrow(/is for another backup/);
    await expect(
      runCheckBackup({ target: other.dest, iocs: [STIX] }, { password: PASSWORD, keyFile: path.join(other.dest, "k.json"), prompt: null }),
    ).rejects.toThrow(/inside the evidence/);
    expect(existsSync(path.join(other.dest, "k.json"))).toBe(false);
    // A saved key that no longer unwraps (tampered) fails like a wrong password.
    const tampered = path.join(base, "tampered.key.json");
    writeFileSync(tampered, JSON.stringify({ ...saved, key: "00".repeat(32) }));
    await expect(runCheckBackup({ target: enc.dest, iocs: [STIX] }, { keyFile: tampered, prompt: null })).rejects.toThrow(WrongPasswordError);
  });

  it("a damaged or truncated encrypted file is a named coverage gap; the scan goes on", async () => {
    const dir = path.join(base, "damaged");
    await encryptBackup({ source: plain.dir, dest: dir, password: PASSWORD, iterations: 10, dpIterations: 10 });
    const sms = path.join(dir, SMS_ID.slice(0, 2), SMS_ID);
    const bytes = readFileSync(sms);
    bytes[3] ^= 0xff; // first block garbled: the SQLite header no longer decrypts
    writeFileSync(sms, bytes);
    const tcc = fileId("HomeDomain", "Library/TCC/TCC.db");
    const tccPath = path.join(dir, tcc.slice(0, 2), tcc);
    truncateSync(tccPath, statSync(tccPath).size - 5);
    const s = await scanIn(dir, matcher, { unlock: passwordUnlock(PASSWORD), crypto: nodeBackupCrypto });
    expect(s.failed.find((f) => f.startsWith("sms:"))).toMatch(/not a SQLite database/);
    expect(s.failed.find((f) => f.startsWith("tcc:"))).toMatch(/not a whole number of 16-byte AES blocks/);
    expect(s.counts.calls).toBe(plainScan.counts.calls);
    expect(s.counts.safari_history).toBe(plainScan.counts.safari_history);
  });

  describe("decrypt-backup", () => {
    let dest: string;
    beforeAll(async () => {
      dest = path.join(base, "decrypted");
    });

    it("writes the original files byte for byte, Manifest.db decrypted and Manifest.plist marked unencrypted", async () => {
      const before = hashTree(enc.dest);
      const r = await decryptBackup({ source: enc.dest, dest, key: { password: PASSWORD, prompt: null } });
      expect(r.failed).toEqual([]);
      expect(r.missing).toEqual([]);
      expect(r.files).toBe(enc.files);
      const original = hashTree(plain.dir);
      const copy = hashTree(dest);
      for (const [f, h] of original) {
        if (f === "Manifest.db" || f === "Manifest.plist") continue;
        expect(copy.get(f), f).toBe(h);
      }
      expect([...copy.keys()].sort()).toEqual([...original.keys(), HASH_LIST].sort());
      // Manifest.db: the same entries, now holding each file's wrapped key.
      const rows = (f: string) => new Database(f, { readonly: true }).prepare("SELECT fileID, domain, relativePath, flags, file FROM Files ORDER BY fileID").all() as any[];
      const plainRows = rows(path.join(plain.dir, "Manifest.db"));
      const decRows = rows(path.join(dest, "Manifest.db"));
      expect(decRows.map(({ file, ...r }) => r)).toEqual(plainRows.map(({ file, ...r }) => r));
      const smsRow = decRows.find((r) => r.fileID === SMS_ID);
      expect((unarchive(parsePlist(smsRow.file)) as any).EncryptionKey.length).toBe(44);
      const mp = parsePlist(readFileSync(path.join(dest, "Manifest.plist"))) as Record<string, unknown>;
      const orig = parsePlist(readFileSync(path.join(plain.dir, "Manifest.plist"))) as Record<string, unknown>;
      expect(mp.IsEncrypted).toBe(false);
      expect(mp.ManifestKey).toBeUndefined();
      const { BackupKeyBag, ...rest } = mp;
      expect(BackupKeyBag).toBeInstanceOf(Uint8Array);
      expect(rest).toEqual(orig);
      expect([...hashTree(enc.dest)]).toEqual([...before]);
    });

    it("lists the SHA-256 of every source file read and every file written", () => {
      const lines = readFileSync(path.join(dest, HASH_LIST), "utf8").trim().split("\n");
      expect(lines[0]).toBe("path,domain,relative_path,source_bytes,source_sha256,written_bytes,written_sha256,note");
      const rows = lines.slice(1).map((l) => l.split(","));
      expect(rows.length).toBe(enc.files + 4);
      for (const [p, , , srcBytes, srcSha, wBytes, wSha] of rows) {
        expect(srcSha, p).toBe(sha256(readFileSync(path.join(enc.dest, p))));
        expect(Number(srcBytes), p).toBe(statSync(path.join(enc.dest, p)).size);
        expect(wSha, p).toBe(sha256(readFileSync(path.join(dest, p))));
        expect(Number(wBytes), p).toBe(statSync(path.join(dest, p)).size);
      }
      const sms = rows.find((r) => r[0] === `${SMS_ID.slice(0, 2)}/${SMS_ID}`)!;
      expect(sms.slice(1, 3)).toEqual(["HomeDomain", "Library/SMS/sms.db"]);
    });

    it("the decrypted copy scans exactly like the original", async () => {
      const s = await scanIn(dest, matcher);
      expect(s.counts).toEqual(plainScan.counts);
      expect(s.detections.sort()).toEqual([...plainScan.detections].sort());
    });

    it("refuses a destination inside the evidence, a non-empty one, an unencrypted source and a wrong password", async () => {
      await expect(decryptBackup({ source: enc.dest, dest: path.join(enc.dest, "out"), key: { password: PASSWORD } })).rejects.toThrow(/overlap/);
      expect(existsSync(path.join(enc.dest, "out"))).toBe(false);
      await expect(decryptBackup({ source: enc.dest, dest, key: { password: PASSWORD } })).rejects.toThrow(/not empty/);
      await expect(decryptBackup({ source: plain.dir, dest: path.join(base, "d2"), key: { password: PASSWORD } })).rejects.toThrow(/not an encrypted backup/);
      await expect(decryptBackup({ source: enc.dest, dest: path.join(base, "d3"), key: { password: "bad", prompt: null } })).rejects.toThrow(WrongPasswordError);
      expect(existsSync(path.join(base, "d3"))).toBe(false);
    });
  });
});
