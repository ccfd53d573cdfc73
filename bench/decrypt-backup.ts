// Benchmark of encrypted iOS backups: decrypt-and-scan vs. scanning the unencrypted twin, key derivation, and
// `decrypt-backup`, at several scales.
//
//   node --expose-gc dist/bench/decrypt-backup.js
//   BENCH_SCALES=10000,100000,1000000 BENCH_OUTPUT=1 node --expose-gc dist/bench/decrypt-backup.js
//
// For each scale a plain backup (generateIosBackup, planted indicators) and its encrypted twin (realistic
// keybag: DPIC 10,000,000 / ITER 10,000) are generated once under bench/out/decrypt/ and reused. The derived
// key is saved as a key file, so the scans measure decryption and scanning only, after key derivation; the
// derivation is timed on its own. Every measurement runs in its own child process (peak RSS is that run's);
// scans alternate plain/encrypted BENCH_REPEAT times (default 2) and the fastest of each is reported, with its
// CPU time. BENCH_OUTPUT=1 also writes the full output folder (default: summary only, where decryption's
// share of the time is largest).

import { reportResult, runBenchChild } from "./child.js";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { webBackupCrypto } from "../src/core/formats/backup-crypto.js";
import { Keybag, derivedKeyFile } from "../src/core/formats/ios-keybag.js";
import { parsePlist } from "../src/core/formats/plist.js";
import { nodeBackupCrypto } from "../src/node/backup-crypto.js";
import { runCheckBackup } from "../src/node/check-backup.js";
import { decryptBackup } from "../src/node/decrypt-backup.js";
import { encryptBackup } from "../src/node/generate/encrypt-backup.js";
import { generateIosBackup, projectRoot } from "../src/node/generate/ios-backup.js";

const PASSWORD = "bench-password";
const thisFile = fileURLToPath(import.meta.url);

interface Measure {
  wallMs: number;
  cpuMs: number;
  maxRssMB: number;
  records?: number;
  counts?: Record<string, number>;
  bytes?: number;
  files?: number;
  nodeDeriveMs?: number;
  webDeriveMs?: number;
}

function cpuMs(since: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
}

function emit(m: Measure): void {
  reportResult({ ...m, maxRssMB: process.resourceUsage().maxRSS / 1024 });
}

/** Child: one scan (encrypted when a key file is given). */
async function childScan(dir: string, keyFile: string | undefined, withOutput: boolean): Promise<void> {
  (globalThis as { gc?: () => void }).gc?.();
  const output = withOutput ? mkdtempSync(path.join(os.tmpdir(), "spyscope-bench-dec-out-")) : undefined;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await runCheckBackup({ target: dir, output, quiet: true }, keyFile ? { keyFile, prompt: null, env: {} } : { prompt: null, env: {} });
  const wallMs = performance.now() - t0;
  const cpu = cpuMs(c0);
  if (output) rmSync(output, { recursive: true, force: true });
  emit({ wallMs, cpuMs: cpu, maxRssMB: 0, records: r.summary.records, counts: r.summary.counts });
}

/** Child: the password → key derivation alone (node:crypto and WebCrypto), plus the class-key unwrap. */
async function childDerive(dir: string): Promise<void> {
  const mp = parsePlist(readFileSync(path.join(dir, "Manifest.plist"))) as Record<string, unknown>;
  const kb = Keybag.parse(mp.BackupKeyBag as Uint8Array);
  const c0 = process.cpuUsage();
  let t = performance.now();
  const key = await kb.deriveKey(PASSWORD, nodeBackupCrypto);
  await kb.unlock(key, nodeBackupCrypto);
  const nodeDeriveMs = performance.now() - t;
  t = performance.now();
  await kb.deriveKey(PASSWORD, webBackupCrypto());
  const webDeriveMs = performance.now() - t;
  emit({ wallMs: nodeDeriveMs + webDeriveMs, cpuMs: cpuMs(c0), maxRssMB: 0, nodeDeriveMs, webDeriveMs });
}

/** Child: decrypt-backup into a temporary folder (removed afterwards). */
async function childDecrypt(dir: string, keyFile: string): Promise<void> {
  const dest = path.join(mkdtempSync(path.join(os.tmpdir(), "spyscope-bench-decrypted-")), "copy");
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await decryptBackup({ source: dir, dest, key: { keyFile, prompt: null, env: {} } });
  const wallMs = performance.now() - t0;
  const cpu = cpuMs(c0);
  rmSync(path.dirname(dest), { recursive: true, force: true });
  if (r.failed.length) throw new Error(`decrypt-backup failed on ${r.failed.length} files: ${r.failed[0].reason}`);
  emit({ wallMs, cpuMs: cpu, maxRssMB: 0, bytes: r.bytes, files: r.files });
}

function runChild(args: string[]): Measure {
  return runBenchChild<Measure>(thisFile, args);
}

/** The plain backup, its encrypted twin and the saved key of one scale (generated once, then reused). */
async function ensureBackups(root: string, scale: number, seed: number): Promise<{ plain: string; enc: string; keyFile: string; genS: number }> {
  const out = path.join(root, "bench", "out", "decrypt");
  mkdirSync(out, { recursive: true });
  const plain = path.join(out, `${scale}-${seed}-plain`);
  const enc = path.join(out, `${scale}-${seed}-encrypted`);
  const keyFile = path.join(out, `${scale}-${seed}-encrypted.key.json`);
  const done = path.join(out, `${scale}-${seed}.json`);
  if (existsSync(done) && existsSync(keyFile)) return { plain, enc, keyFile, genS: JSON.parse(readFileSync(done, "utf8")).genS };
  for (const d of [plain, enc, `${plain}.partial`, `${enc}.partial`, keyFile]) rmSync(d, { recursive: true, force: true });
  process.stderr.write(`generating ${scale} rows (plain, then encrypted with a realistic keybag) under ${out} …\n`);
  const t0 = performance.now();
  await generateIosBackup({ dir: `${plain}.partial`, seed, rows: scale, plant: true });
  renameSync(`${plain}.partial`, plain);
  const e = await encryptBackup({ source: plain, dest: `${enc}.partial`, password: PASSWORD });
  renameSync(`${enc}.partial`, enc);
  const mp = parsePlist(readFileSync(path.join(enc, "Manifest.plist"))) as Record<string, unknown>;
  writeFileSync(keyFile, JSON.stringify(derivedKeyFile(Keybag.parse(mp.BackupKeyBag as Uint8Array), e.derivedKey), null, 2), { mode: 0o600 });
  const genS = (performance.now() - t0) / 1000;
  writeFileSync(done, JSON.stringify({ scale, seed, genS }) + "\n");
  return { plain, enc, keyFile, genS };
}

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  return [line(head), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

const best = (ms: Measure[]) => ms.reduce((a, b) => (b.wallMs < a.wallMs ? b : a));
const s = (ms: number) => (ms / 1000).toFixed(2);

async function main(): Promise<void> {
  const [mode, dir, keyFile] = process.argv.slice(2);
  const withOutput = process.env.BENCH_OUTPUT === "1";
  if (mode === "--scan") return childScan(dir, keyFile, withOutput);
  if (mode === "--derive") return childDerive(dir);
  if (mode === "--decrypt") return childDecrypt(dir, keyFile);

  const root = projectRoot(path.dirname(thisFile));
  const seed = Number(process.env.BENCH_SEED ?? 1);
  const repeat = Math.max(1, Number(process.env.BENCH_REPEAT ?? 2));
  const scales = (process.env.BENCH_SCALES ?? "10000,100000")
    .split(",")
    .map((x) => Number(x.trim().replace(/_/g, "")))
    .filter((n) => Number.isFinite(n) && n > 0);
  const rows: string[][] = [];
  let derive: Measure | null = null;
  for (const scale of scales) {
    const b = await ensureBackups(root, scale, seed);
    derive ??= runChild(["--derive", b.enc]);
    const plainRuns: Measure[] = [];
    const encRuns: Measure[] = [];
    for (let i = 0; i < repeat; i++) {
      plainRuns.push(runChild(["--scan", b.plain]));
      encRuns.push(runChild(["--scan", b.enc, b.keyFile]));
    }
    const p = best(plainRuns);
    const e = best(encRuns);
    if (p.records !== e.records || JSON.stringify(p.counts) !== JSON.stringify(e.counts)) {
      throw new Error(`scale ${scale}: the encrypted twin gave ${e.records} records / ${JSON.stringify(e.counts)}, the plain one ${p.records} / ${JSON.stringify(p.counts)}`);
    }
    const d = runChild(["--decrypt", b.enc, b.keyFile]);
    rows.push([
      scale.toLocaleString("en-US"),
      p.records!.toLocaleString("en-US"),
      `${s(p.wallMs)} / ${s(p.cpuMs)}`,
      `${s(e.wallMs)} / ${s(e.cpuMs)}`,
      (e.wallMs / p.wallMs).toFixed(2),
      (e.cpuMs / p.cpuMs).toFixed(2),
      p.maxRssMB.toFixed(0),
      e.maxRssMB.toFixed(0),
      `${s(d.wallMs)} / ${s(d.cpuMs)}`,
      ((d.bytes! / 1e6) / (d.wallMs / 1000)).toFixed(0),
      d.maxRssMB.toFixed(0),
    ]);
    process.stderr.write(`scale ${scale}: plain ${s(p.wallMs)} s, encrypted ${s(e.wallMs)} s (×${(e.wallMs / p.wallMs).toFixed(2)}), decrypt-backup ${s(d.wallMs)} s\n`);
  }
  console.log(`scan ${withOutput ? "with the output folder" : "summary only (no output folder)"}; best of ${repeat}; times in s as wall / CPU`);
  console.log(
    table(
      ["scale", "records", "plain scan", "encrypted scan", "× wall", "× CPU", "plain RSS MB", "encrypted RSS MB", "decrypt-backup", "MB/s", "decrypt RSS MB"],
      rows,
    ),
  );
  if (derive) {
    console.log(
      `key derivation (DPIC 10,000,000 + ITER 10,000, once per case with --key-file): node:crypto ${s(derive.nodeDeriveMs!)} s, WebCrypto ${s(derive.webDeriveMs!)} s`,
    );
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(2);
});
