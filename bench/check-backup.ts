// Benchmark of `check-backup` on synthetic iOS backups at several scales.
//
//   npm run bench                      (node --expose-gc dist/bench/check-backup.js)
//   BENCH_SCALES=10000,100000 npm run bench
//
// For each scale (rows of the big tables; the Manifest gets rows*0.3 entries, capped at 300,000) a backup is
// generated once under bench/out/<scale>-<seed>/ (git-ignored, reused by later runs), then scanned in a child
// process so that the peak RSS measured is that of one scan alone: once writing the full output folder, once
// printing the summary only (as `check-backup` without -o). Env: BENCH_SCALES, BENCH_SEED (default 1),
// BENCH_OUTPUT (1: output-folder runs only, 0: summary-only runs only).

import { reportResult, runBenchChild } from "./child.js";
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { generateIosBackup, projectRoot } from "../src/node/generate/ios-backup.js";
import { runCheckBackup } from "../src/node/check-backup.js";
import { SCAN_HEAP_LIMIT_MB } from "../src/cli/heap-limit.js";

interface RunResult {
  records: number;
  wallMs: number;
  /** User + system CPU seconds of the scan (the machine is shared, so wall time alone is noisy). */
  cpuS: number;
  scanMs: number;
  maxRssMB: number;
  indicatorLoadMs: number;
  exitCode: number;
  counts: Record<string, number>;
}

interface GenInfo {
  scale: number;
  seed: number;
  manifestFiles: number;
  ms: number;
}

const thisFile = fileURLToPath(import.meta.url);

/** Child mode: scan one backup and print a JSON line with the measurements. */
async function child(dir: string, withOutput: boolean): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  // End to end: with the full MVT-style output folder written (and removed afterwards), or the summary only.
  const output = withOutput ? mkdtempSync(path.join(os.tmpdir(), "spyscope-bench-out-")) : undefined;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const r = await runCheckBackup({ target: dir, output, quiet: true });
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  if (output) rmSync(output, { recursive: true, force: true });
  const out: RunResult = {
    records: r.summary.records,
    wallMs,
    cpuS: (cpu.user + cpu.system) / 1e6,
    scanMs: r.summary.ms,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    indicatorLoadMs: r.indicatorLoadMs,
    exitCode: r.exitCode,
    counts: r.summary.counts,
  };
  reportResult(out);
}

/** Generate (or reuse) the backup of one scale; returns its folder and generation info. */
async function ensureBackup(root: string, scale: number, seed: number): Promise<{ dir: string; gen: GenInfo; reused: boolean }> {
  const outDir = path.join(root, "bench", "out");
  const dir = path.join(outDir, `${scale}-${seed}`);
  const infoFile = path.join(outDir, `${scale}-${seed}.json`);
  if (existsSync(path.join(dir, "Manifest.db")) && existsSync(path.join(dir, "Status.plist")) && existsSync(infoFile)) {
    return { dir, gen: JSON.parse(readFileSync(infoFile, "utf8")) as GenInfo, reused: true };
  }
  // Generate beside the final folder and rename, so an interrupted run never leaves a half backup to reuse.
  const partial = `${dir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
  process.stderr.write(`generating ${scale} rows into ${dir} …\n`);
  const r = await generateIosBackup({ dir: partial, seed, rows: scale, plant: true });
  renameSync(partial, dir);
  const gen: GenInfo = { scale, seed, manifestFiles: r.files, ms: r.ms };
  writeFileSync(infoFile, JSON.stringify(gen, null, 2) + "\n");
  return { dir, gen, reused: false };
}

function runChild(dir: string, withOutput: boolean): RunResult {
  // The heap limit `spyscope check-backup` runs with (src/cli/heap-limit.ts), so the peak measured is the CLI's.
  const args = ["--run", dir, ...(withOutput ? [] : ["--no-output"])];
  return runBenchChild<RunResult>(thisFile, args, [`--max-old-space-size=${SCAN_HEAP_LIMIT_MB}`]);
}

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  return [line(head), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const runAt = args.indexOf("--run");
  if (runAt >= 0) {
    const dir = args[runAt + 1];
    if (!dir) throw new Error("--run needs a backup folder");
    await child(dir, !args.includes("--no-output"));
    return;
  }
  const root = projectRoot(path.dirname(thisFile));
  const seed = Number(process.env.BENCH_SEED ?? 1);
  const scales = (process.env.BENCH_SCALES ?? "10000,100000,1000000")
    .split(",")
    .map((s) => Number(s.trim().replace(/_/g, "")))
    .filter((n) => Number.isFinite(n) && n > 0);
  if (!scales.length) throw new Error("BENCH_SCALES lists no positive numbers");

  // BENCH_OUTPUT=1: only with the output folder; 0: only the summary; default both.
  const modes = process.env.BENCH_OUTPUT === "1" ? [true] : process.env.BENCH_OUTPUT === "0" ? [false] : [true, false];
  const rows: string[][] = [];
  for (const scale of scales) {
    const { dir, gen, reused } = await ensureBackup(root, scale, seed);
    for (const withOutput of modes) {
      const r = runChild(dir, withOutput);
      const secs = r.wallMs / 1000;
      rows.push([
        scale.toLocaleString("en-US"),
        withOutput ? "output folder" : "summary only",
        gen.manifestFiles.toLocaleString("en-US"),
        r.records.toLocaleString("en-US"),
        secs.toFixed(2),
        r.cpuS.toFixed(2),
        Math.round(r.records / Math.max(secs, 1e-9)).toLocaleString("en-US"),
        r.maxRssMB.toFixed(0),
        r.indicatorLoadMs.toFixed(0),
        `${(gen.ms / 1000).toFixed(1)}${reused ? " (reused)" : ""}`,
        Object.entries(r.counts)
          .filter(([, n]) => n > 0)
          .map(([k, n]) => `${k}:${n}`)
          .join(" ") || "-",
      ]);
      process.stderr.write(
        `scale ${scale} (${withOutput ? "output folder" : "summary only"}): ${r.records} records in ${secs.toFixed(2)} s, CPU ${r.cpuS.toFixed(2)} s, peak RSS ${r.maxRssMB.toFixed(0)} MB\n`,
      );
    }
  }
  console.log(
    table(
      ["scale", "run", "manifest", "records", "wall (s)", "CPU (s)", "records/s", "peak RSS (MB)", "indicator load (ms)", "generation (s)", "alerts"],
      rows,
    ),
  );
}

main().catch((e) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(2);
});
