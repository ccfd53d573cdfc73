// Benchmark of `check-androidqf` on a synthetic androidqf collection whose files.json holds N entries.
//
//   node --expose-gc dist/bench/check-androidqf.js
//   BENCH_FILES=100000,1000000 BENCH_FORMAT=array node --expose-gc dist/bench/check-androidqf.js
//
// The collection is generated once under bench/out/androidqf-<N>-<format>-<seed>/ (git-ignored, reused), then
// scanned three times, each in a child process so that the peak RSS is that of one run alone:
//   - "modules": the androidqf modules with the indicator matcher and heuristics, no output (module speed);
//   - "summary only": `check-androidqf` without an output folder, as a user runs it without -o;
//   - "end to end": `check-androidqf` with the full output folder (aqf_files.json, a sorted timeline.csv of
//     every MACB event, alerts…), written to a temporary folder and removed.
// Env: BENCH_FILES (default 1000000), BENCH_FORMAT (ndjson | array, default ndjson), BENCH_SEED (default 1),
// BENCH_OUT (where collections are kept, default bench/out).

import { reportResult, runBenchChild } from "./child.js";
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { scan } from "../src/core/analysis/engine.js";
import { ANDROIDQF_MODULES } from "../src/core/artifacts/android/androidqf/index.js";
import { AndroidQF } from "../src/core/formats/androidqf.js";
import { runCheckAndroidqf } from "../src/node/check-androidqf.js";
import { DirectoryEvidence } from "../src/node/evidence-dir.js";
import { generateAndroidqf } from "../src/node/generate/androidqf.js";
import { projectRoot } from "../src/node/generate/ios-backup.js";
import { loadIndicators } from "../src/node/iocs.js";
import { NodeSqliteOpener } from "../src/node/sqlite.js";

type Mode = "modules" | "summary-only" | "end-to-end";

interface RunResult {
  mode: Mode;
  records: number;
  fileRecords: number;
  wallMs: number;
  cpuS: number;
  maxRssMB: number;
  alerts: Record<string, number>;
}

const thisFile = fileURLToPath(import.meta.url);

async function child(mode: Mode, dir: string): Promise<void> {
  (globalThis as { gc?: () => void }).gc?.();
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  let records = 0;
  let fileRecords = 0;
  let alerts: Record<string, number>;
  if (mode === "modules") {
    const iocs = await loadIndicators(undefined);
    const acquisition = await AndroidQF.open(await DirectoryEvidence.open(dir));
    const sqlite = new NodeSqliteOpener();
    const s = await scan({ acquisition, modules: ANDROIDQF_MODULES, matcher: iocs.set, sqlite, sink: {} });
    sqlite.dispose();
    records = s.records;
    fileRecords = s.coverage.find((c) => c.module === "aqf_files")?.records ?? 0;
    alerts = s.counts;
  } else {
    const output = mode === "end-to-end" ? mkdtempSync(path.join(os.tmpdir(), "spyscope-bench-aqf-")) : undefined;
    try {
      const r = await runCheckAndroidqf({ target: dir, output, quiet: true });
      records = r.summary.records;
      fileRecords = r.summary.coverage.find((c) => c.module === "aqf_files")?.records ?? 0;
      alerts = r.summary.counts;
    } finally {
      if (output) rmSync(output, { recursive: true, force: true });
    }
  }
  const cpu = process.cpuUsage(cpu0);
  const out: RunResult = {
    mode,
    records,
    fileRecords,
    wallMs: performance.now() - t0,
    cpuS: (cpu.user + cpu.system) / 1e6,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    alerts,
  };
  reportResult(out);
}

async function ensureCollection(root: string, files: number, format: "array" | "ndjson", seed: number): Promise<{ dir: string; genS: number; reused: boolean }> {
  const outDir = process.env.BENCH_OUT ?? path.join(root, "bench", "out");
  const dir = path.join(outDir, `androidqf-${files}-${format}-${seed}`);
  const info = `${dir}.json`;
  if (existsSync(path.join(dir, "files.json")) && existsSync(info)) return { dir, genS: JSON.parse(readFileSync(info, "utf8")).genS, reused: true };
  const partial = `${dir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
  process.stderr.write(`generating an androidqf collection with ${files} files.json entries into ${dir} …\n`);
  const g = await generateAndroidqf({ dir: partial, seed, files, filesFormat: format, overwrite: true });
  renameSync(partial, dir);
  const genS = g.ms / 1000;
  writeFileSync(info, JSON.stringify({ files, format, seed, genS }) + "\n");
  return { dir, genS, reused: false };
}

function runChild(mode: Mode, dir: string): RunResult {
  return runBenchChild<RunResult>(thisFile, ["--run", mode, dir]);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const at = args.indexOf("--run");
  if (at >= 0) return child(args[at + 1] as Mode, args[at + 2]);
  const root = projectRoot(path.dirname(thisFile));
  const seed = Number(process.env.BENCH_SEED ?? 1);
  const format = process.env.BENCH_FORMAT === "array" ? "array" : "ndjson";
  const scales = (process.env.BENCH_FILES ?? "1000000").split(",").map((s) => Number(s.trim().replace(/_/g, ""))).filter((n) => n > 0);
  const rows: string[][] = [];
  for (const files of scales) {
    const { dir, genS, reused } = await ensureCollection(root, files, format, seed);
    const mb = statSync(path.join(dir, "files.json")).size / 1e6;
    for (const mode of ["modules", "summary-only", "end-to-end"] as Mode[]) {
      const r = runChild(mode, dir);
      const s = r.wallMs / 1000;
      rows.push([
        `${files.toLocaleString("en-US")} (${format}, ${mb.toFixed(0)} MB)`,
        mode,
        r.fileRecords.toLocaleString("en-US"),
        s.toFixed(2),
        r.cpuS.toFixed(2),
        Math.round(r.fileRecords / s).toLocaleString("en-US"),
        r.maxRssMB.toFixed(0),
        `${genS.toFixed(1)}${reused ? " (reused)" : ""}`,
        Object.entries(r.alerts).filter(([, n]) => n > 0).map(([k, n]) => `${k}:${n}`).join(" ") || "-",
      ]);
      process.stderr.write(`${files} ${mode}: ${r.fileRecords} files.json records in ${s.toFixed(2)} s (CPU ${r.cpuS.toFixed(2)} s), peak RSS ${r.maxRssMB.toFixed(0)} MB\n`);
    }
  }
  const head = ["files.json entries", "run", "records", "wall (s)", "CPU (s)", "records/s", "peak RSS (MB)", "generation (s)", "alerts"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  console.log([line(head), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n"));
}

main().catch((e) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(2);
});
