// Benchmark of `check-android-backup` and `check-intrusion-logs` on large synthetic inputs: prints records,
// records per second, wall and CPU time and the peak RSS of the scan (each scan in a child process).
//
//   node --expose-gc dist/bench/check-android.js
//   BENCH_MESSAGES=500000 BENCH_EVENTS=1000000 node --expose-gc dist/bench/check-android.js
//
// Inputs go to bench/out/ (git-ignored) and are reused by later runs. Env: BENCH_MESSAGES (SMS in the .ab,
// plus a tenth as MMS; default 300,000), BENCH_EVENTS (intrusion-log events; default 1,000,000).

import { reportResult, runBenchChild } from "./child.js";
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { projectRoot } from "../src/node/generate/ios-backup.js";
import { generateAndroidBackup } from "../src/node/generate/android-backup.js";
import { generateIntrusionLogs } from "../src/node/generate/intrusion-logs.js";
import { runCheckAndroidBackup } from "../src/node/check-android-backup.js";
import { runCheckIntrusionLogs } from "../src/node/check-intrusion-logs.js";

const thisFile = fileURLToPath(import.meta.url);
const PASSWORD = "bench-password";

async function child(kind: string, target: string): Promise<void> {
  (globalThis as { gc?: () => void }).gc?.();
  const output = mkdtempSync(path.join(os.tmpdir(), "spyscope-bench-android-"));
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const r =
    kind === "ab"
      ? await runCheckAndroidBackup({ target, output, quiet: true }, { password: PASSWORD, prompt: null })
      : await runCheckIntrusionLogs({ target, output, quiet: true });
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  rmSync(output, { recursive: true, force: true });
  const result = {
    records: r.summary.records,
    wallMs,
    cpuS: (cpu.user + cpu.system) / 1e6,
    scanMs: r.summary.ms,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
  };
  reportResult(result);
}

function run(kind: string, target: string): void {
  const r = runBenchChild<{ records: number; wallMs: number; cpuS: number; scanMs: number; maxRssMB: number }>(thisFile, ["--child", kind, target]);
  const mb = statSync(target).isFile() ? (statSync(target).size / 1e6).toFixed(1) + " MB" : "folder";
  process.stdout.write(
    `${kind === "ab" ? "check-android-backup" : "check-intrusion-logs"}  ${path.basename(target)} (${mb}): ` +
      `${r.records.toLocaleString("en")} records, ${(r.wallMs / 1000).toFixed(2)} s wall, ${r.cpuS.toFixed(2)} s CPU, ` +
      `${Math.round(r.records / (r.scanMs / 1000)).toLocaleString("en")} records/s in the scan, ` +
      `${Math.round(r.records / (r.wallMs / 1000)).toLocaleString("en")} records/s end to end, peak RSS ${r.maxRssMB.toFixed(0)} MB\n`,
  );
}

async function main(): Promise<void> {
  const out = path.join(projectRoot(), "bench", "out");
  mkdirSync(out, { recursive: true });
  const messages = Number(process.env.BENCH_MESSAGES ?? 300_000);
  const events = Number(process.env.BENCH_EVENTS ?? 1_000_000);

  const ab = path.join(out, `android-${messages}.ab`);
  if (!existsSync(ab)) {
    process.stderr.write(`generating ${ab} …\n`);
    const partial = `${ab}.partial`;
    rmSync(partial, { force: true });
    const g = await generateAndroidBackup({ file: partial, messages, password: PASSWORD, seed: 1 });
    renameSync(partial, ab);
    process.stderr.write(`  ${g.entries} tar entries in ${(g.ms / 1000).toFixed(1)} s\n`);
  }
  run("ab", ab);

  const days = 10;
  const logs = path.join(out, `intrusion-${events}`);
  if (!existsSync(logs)) {
    process.stderr.write(`generating ${logs} …\n`);
    const partial = `${logs}.partial`;
    rmSync(partial, { recursive: true, force: true });
    await generateIntrusionLogs({ dir: partial, days, eventsPerDay: Math.ceil(events / days), overlap: 1000, seed: 1 });
    renameSync(partial, logs);
  }
  run("logs", logs);
}

if (process.argv[2] === "--child") await child(process.argv[3], process.argv[4]);
else await main();
