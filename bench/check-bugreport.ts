// Benchmark of `check-bugreport` on a large synthetic bugreport zip (default: 5,000 packages, ~100,000
// appops lines, ~100,000 batterystats lines). Prints records, records per second, wall and CPU time and the
// peak RSS of each run (each run in a child process, so the peak is that run's alone):
//   - "modules": opening the zip and running the bugreport modules with the indicator matcher and heuristics,
//     no output (module speed; indicator loading excluded);
//   - "modules-warm": the same, timing a second scan in the same process (V8 has compiled the hot code);
//   - "summary only": `check-bugreport` without an output folder, as a user runs it without -o (indicator
//     loading included);
//   - "end to end": `check-bugreport` with the full output folder, written to a temporary folder and removed
//     (indicator loading included).
//
//   node --expose-gc dist/bench/check-bugreport.js
//   BENCH_PACKAGES=5000 BENCH_APPOPS=100000 BENCH_BATTERY=100000 node --expose-gc dist/bench/check-bugreport.js
//
// The zip is generated once under bench/out/ (git-ignored) and reused.

import { reportResult, runBenchChild } from "./child.js";
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { scan, type ScanSummary } from "../src/core/analysis/engine.js";
import { ANDROID_BUGREPORT_MODULES } from "../src/core/artifacts/android/bugreport/index.js";
import { openBugreport, runCheckBugreport } from "../src/node/check-bugreport.js";
import { generateBugreport } from "../src/node/generate/android-bugreport.js";
import { projectRoot } from "../src/node/generate/ios-backup.js";
import { loadIndicators } from "../src/node/iocs.js";
import { NodeSqliteOpener } from "../src/node/sqlite.js";

type Mode = "modules" | "modules-warm" | "summary-only" | "end-to-end";

interface RunResult {
  mode: Mode;
  records: number;
  perModule: Record<string, string>;
  wallMs: number;
  cpuS: number;
  maxRssMB: number;
  alerts: Record<string, number>;
}

const thisFile = fileURLToPath(import.meta.url);

async function child(mode: Mode, zip: string): Promise<void> {
  (globalThis as { gc?: () => void }).gc?.();
  let t0 = performance.now();
  let cpu0 = process.cpuUsage();
  let summary: ScanSummary | undefined;
  if (mode === "modules" || mode === "modules-warm") {
    // Indicator loading is measured by bench/indicators; these rows time opening the zip and the scan, in a
    // fresh process ("modules") and once the same scan has run before ("modules-warm": compiled code).
    const iocs = await loadIndicators(undefined);
    for (let run = mode === "modules-warm" ? 2 : 1; run > 0; run--) {
      t0 = performance.now();
      cpu0 = process.cpuUsage();
      const opened = await openBugreport(zip);
      const sqlite = new NodeSqliteOpener();
      summary = await scan({ acquisition: opened.bugreport, modules: ANDROID_BUGREPORT_MODULES, matcher: iocs.set, sqlite, sink: {} });
      sqlite.dispose();
      await opened.close();
    }
  } else if (mode === "summary-only") {
    summary = (await runCheckBugreport({ target: zip, quiet: true })).summary;
  } else {
    const output = mkdtempSync(path.join(os.tmpdir(), "spyscope-bench-br-"));
    try {
      summary = (await runCheckBugreport({ target: zip, output, quiet: true })).summary;
    } finally {
      rmSync(output, { recursive: true, force: true });
    }
  }
  const cpu = process.cpuUsage(cpu0);
  if (!summary) throw new Error("no scan ran");
  const out: RunResult = {
    mode,
    records: summary.records,
    perModule: Object.fromEntries(summary.coverage.map((c) => [c.module, `${c.records} in ${Math.round(c.ms)} ms`])),
    wallMs: performance.now() - t0,
    cpuS: (cpu.user + cpu.system) / 1e6,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    alerts: summary.counts,
  };
  reportResult(out);
}

function runChild(mode: Mode, zip: string): RunResult {
  return runBenchChild<RunResult>(thisFile, ["--run", mode, zip]);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const at = args.indexOf("--run");
  if (at >= 0) return child(args[at + 1] as Mode, args[at + 2]);
  const root = projectRoot(path.dirname(thisFile));
  const packages = Number(process.env.BENCH_PACKAGES ?? 5000);
  const appops = Number(process.env.BENCH_APPOPS ?? 100_000);
  const battery = Number(process.env.BENCH_BATTERY ?? 100_000);
  const outDir = path.join(root, "bench", "out");
  mkdirSync(outDir, { recursive: true });
  const zip = path.join(outDir, `bugreport-${packages}-${appops}-${battery}.zip`);
  let genNote = "reused";
  if (!existsSync(zip)) {
    process.stderr.write(`generating a bugreport (${packages} packages, ${appops} appops lines, ${battery} batterystats lines) into ${zip} …\n`);
    const t = performance.now();
    const g = generateBugreport({ out: `${zip}.partial`, packages, appopsLines: appops, batteryLines: battery, tombstones: 20, seed: 1 });
    renameSync(`${zip}.partial`, zip);
    genNote = `${((performance.now() - t) / 1000).toFixed(1)} s, dumpstate ${(g.dumpstateBytes / 1e6).toFixed(1)} MB`;
  }
  process.stderr.write(`input: ${zip} (${(statSync(zip).size / 1e6).toFixed(1)} MB zip; generation ${genNote})\n`);
  const rows: string[][] = [];
  for (const mode of ["modules", "modules-warm", "summary-only", "end-to-end"] as Mode[]) {
    const r = runChild(mode, zip);
    const s = r.wallMs / 1000;
    rows.push([
      mode,
      r.records.toLocaleString("en-US"),
      s.toFixed(2),
      r.cpuS.toFixed(2),
      Math.round(r.records / s).toLocaleString("en-US"),
      Math.round(r.records / r.cpuS).toLocaleString("en-US"),
      r.maxRssMB.toFixed(0),
      Object.entries(r.alerts).filter(([, n]) => n > 0).map(([k, n]) => `${k}:${n}`).join(" ") || "-",
    ]);
    process.stderr.write(`${mode}: ${JSON.stringify(r.perModule)}\n`);
  }
  const head = ["run", "records", "wall (s)", "CPU (s)", "records/s (wall)", "records/s (CPU)", "peak RSS (MB)", "alerts"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i < 1 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  console.log([line(head), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n"));
}

main().catch((e) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(2);
});
