// Benchmark of `check-sysdiagnose` on a generated sysdiagnose .tar.gz, read in one pass.
//
//   node dist/bench/check-sysdiagnose.js                 (500 MB archive)
//   BENCH_SYSDIAGNOSE_MB=100 node dist/bench/check-sysdiagnose.js
//
// The archive is generated once under bench/out/ (git-ignored, reused), with planted indicators, then
// scanned in a child process so the peak RSS measured (getrusage maxRSS) is that of one scan alone.
// Env: BENCH_SYSDIAGNOSE_MB (default 500), BENCH_SEED (default 1), BENCH_OUT (default bench/out).

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { generateSysdiagnose } from "../src/node/generate/sysdiagnose.js";
import { runCheckSysdiagnose } from "../src/node/check-sysdiagnose.js";

const thisFile = fileURLToPath(import.meta.url);

async function child(file: string): Promise<void> {
  const output = mkdtempSync(path.join(os.tmpdir(), "spyscope-bench-sysdiag-"));
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const r = await runCheckSysdiagnose({ target: file, output, quiet: true });
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  rmSync(output, { recursive: true, force: true });
  console.log(
    JSON.stringify({
      records: r.summary.records,
      wallMs,
      cpuS: (cpu.user + cpu.system) / 1e6,
      maxRssMB: process.resourceUsage().maxRSS / 1024,
      exitCode: r.exitCode,
      counts: r.summary.counts,
      complete: (r.info.coverage as { complete: boolean }).complete,
    }),
  );
}

async function main(): Promise<void> {
  const mb = Number(process.env.BENCH_SYSDIAGNOSE_MB ?? 500);
  const seed = Number(process.env.BENCH_SEED ?? 1);
  const dir = path.resolve(process.env.BENCH_OUT ?? "bench/out");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `sysdiagnose-${mb}mb-${seed}.tar.gz`);
  if (!existsSync(file)) {
    const tmp = file + ".part";
    const g = await generateSysdiagnose({
      file: tmp,
      bytes: mb * 1024 * 1024,
      seed,
      plant: true,
      processes: 600,
      crashLogs: 300,
      uuidtexts: 3000,
    });
    renameSync(tmp, file);
    console.log(`generated ${file}: ${g.entries} entries, ${(g.tarBytes / 1048576).toFixed(0)} MB of tar in ${(g.ms / 1000).toFixed(1)} s`);
  }
  const size = statSync(file).size;
  const run = spawnSync(process.execPath, [thisFile, "--child", file], { encoding: "utf8", maxBuffer: 1 << 24 });
  if (run.status !== 0) throw new Error(`scan failed: ${run.stderr}`);
  const r = JSON.parse(run.stdout.trim().split("\n").pop()!);
  const s = r.wallMs / 1000;
  console.log(`check-sysdiagnose on ${(size / 1048576).toFixed(0)} MB (.tar.gz, one pass, nothing extracted)`);
  console.log(`  wall ${s.toFixed(1)} s, CPU ${r.cpuS.toFixed(1)} s, ${(size / 1048576 / s).toFixed(0)} MB/s of archive`);
  console.log(`  ${r.records} records, ${Math.round(r.records / s)} records/s`);
  console.log(`  peak RSS ${r.maxRssMB.toFixed(0)} MB (target < 300 MB)`);
  console.log(`  detections ${JSON.stringify(r.counts)}, exit code ${r.exitCode}, coverage complete: ${r.complete}`);
}

if (process.argv[2] === "--child") await child(process.argv[3]);
else await main();
