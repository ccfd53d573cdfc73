// Benchmark of `check-fs` on a synthetic iOS filesystem dump with many paths (default 1,000,000).
//
//   node --expose-gc dist/bench/check-fs.js            (after tsup; BENCH_FS_PATHS=200000 for a smaller tree)
//
// The dump is generated once under bench/out/fs-<paths>-<seed>/ (git-ignored, reused), then scanned in child
// processes so each peak RSS is one scan's alone: the filesystem module alone (every path matched against the
// bundled indicators), then every check-fs module, both writing the full output folder; with BENCH_FS_TAR=1
// also every module on a tar of the dump (the index pass, the spool pass and the scan).

import { spawnSync } from "node:child_process";
import { reportResult, runBenchChild } from "./child.js";
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { projectRoot } from "../src/node/generate/ios-backup.js";
import { generateIosFilesystem } from "../src/node/generate/ios-fs.js";
import { runCheckFs } from "../src/node/check-fs.js";

const thisFile = fileURLToPath(import.meta.url);

async function child(dir: string, modules: string[] | undefined): Promise<void> {
  (globalThis as { gc?: () => void }).gc?.();
  const output = mkdtempSync(path.join(os.tmpdir(), "spyscope-bench-fs-out-"));
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const r = await runCheckFs({ target: dir, output, quiet: true, modules });
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  rmSync(output, { recursive: true, force: true });
  const fsCov = r.summary.coverage.find((c) => c.module === "filesystem");
  reportResult({
    records: r.summary.records,
    filesystemRecords: fsCov?.records ?? 0,
    filesystemMs: fsCov?.ms ?? 0,
    wallMs,
    cpuS: (cpu.user + cpu.system) / 1e6,
    indicatorLoadMs: r.indicatorLoadMs,
    indicators: r.indicatorCount,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    counts: r.summary.counts,
  });
}

async function main(): Promise<void> {
  const paths = Number(process.env.BENCH_FS_PATHS ?? 1_000_000);
  const seed = Number(process.env.BENCH_SEED ?? 1);
  const outDir = path.join(projectRoot(), "bench", "out");
  const dir = path.join(outDir, `fs-${paths}-${seed}`);
  const infoFile = `${dir}.json`;
  if (!existsSync(infoFile) || !existsSync(dir)) {
    rmSync(dir, { recursive: true, force: true });
    const partial = `${dir}.partial`;
    process.stderr.write(`generating a filesystem dump with ${paths} filler paths into ${dir} …\n`);
    const g = await generateIosFilesystem({ dir: partial, seed, rows: 2000, fillerPaths: paths, overwrite: true });
    renameSync(partial, dir);
    writeFileSync(infoFile, JSON.stringify({ paths, seed, artifacts: g.artifacts, filler: g.filler, ms: g.ms }, null, 2) + "\n");
  }
  const gen = JSON.parse(readFileSync(infoFile, "utf8"));
  console.log(`dump: ${dir} (${gen.filler} filler entries + ${gen.artifacts} artifacts; generated in ${(gen.ms / 1000).toFixed(1)} s)`);
  const runs: [label: string, target: string, modules: string][] = [
    ["filesystem module only", dir, "filesystem"],
    ["all check-fs modules", dir, ""],
  ];
  // BENCH_FS_TAR=1: the same dump as one uncompressed tar (GNU tar, made once), every module.
  if (process.env.BENCH_FS_TAR) {
    const tar = `${dir}.tar`;
    if (!existsSync(tar)) spawnSync("tar", ["-cf", tar, "-C", dir, "."], { stdio: "inherit" });
    runs.push(["tar of the dump, all check-fs modules", tar, ""]);
  }
  for (const [label, target, modules] of runs) {
    let m: any;
    try {
      m = runBenchChild(thisFile, ["--child", target, modules]);
    } catch (e) {
      console.log(`${label}: failed\n${e instanceof Error ? e.message : String(e)}`);
      continue;
    }
    console.log(
      `${label}: ${m.records} records (${m.filesystemRecords} paths, filesystem module ${(m.filesystemMs / 1000).toFixed(1)} s, ` +
        `${Math.round(m.filesystemRecords / (m.filesystemMs / 1000))} paths/s) — wall ${(m.wallMs / 1000).toFixed(1)} s, ` +
        `CPU ${m.cpuS.toFixed(1)} s, peak RSS ${m.maxRssMB.toFixed(0)} MB, ${m.indicators} indicators loaded in ${m.indicatorLoadMs.toFixed(0)} ms, ` +
        `alerts ${JSON.stringify(m.counts)}`,
    );
  }
}

if (process.argv[2] === "--child") {
  await child(process.argv[3], process.argv[4] ? process.argv[4].split(",") : undefined);
} else {
  await main();
}
