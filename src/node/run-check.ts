// The one scan path every `check-*` command takes: indicators → acquisition → scan() → output folder →
// info.json → summary. A command only says how to open its acquisition and which modules run on it.

import { mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { coverageComplete, scan, topLevel, type ScanProgress, type ScanSummary, type UrlExpander } from "../core/analysis/engine.js";
import { shortUrlExpander } from "./short-urls.js";
import type { Acquisition, ArtifactModule } from "../core/artifacts/module.js";
import type { SqliteOpener } from "../core/formats/sqlite.js";
import type { Evidence } from "../core/evidence/evidence.js";
import { isoNow } from "../core/util/time.js";
import { loadIndicators, requireIndicators, type LoadedIndicators } from "./iocs.js";
import { OutputFolder } from "./output.js";
import { NodeSqliteOpener } from "./sqlite.js";
import type { Progress } from "../cli/progress.js";
import { VERSION } from "./version.js";
import { makeTempDir, removeTempDir } from "./temp-dirs.js";
import { isInside, realPathOf } from "./paths.js";
import { parallelAllowed, parallelOrder, scanInParallel } from "./parallel-scan.js";

export interface CheckOptions {
  target: string;
  output?: string;
  iocs?: string[];
  /** Only these module ids (default: all). */
  modules?: string[];
  quiet?: boolean;
  progress?: Progress | null;
  command?: string;
  /** Expand shortened URLs over the network (--resolve-short-urls); the default expander asks each
   *  shortener service with Node's fetch. A test passes its own. */
  expandShortUrls?: boolean | UrlExpander;
}

/** The expander a check runs with: none unless asked for. */
export function expanderFor(o: CheckOptions["expandShortUrls"]): UrlExpander | undefined {
  return typeof o === "function" ? o : o ? shortUrlExpander() : undefined;
}

export interface CheckResult {
  exitCode: number;
  summary: ScanSummary;
  indicatorLoadMs: number;
  indicatorCount: number;
  /** Indicator sources that could not be loaded (the scan ran with the others). */
  indicatorProblems: string[];
  /** What was wrong with the acquisition as a whole (OpenedAcquisition.problem after the scan); coverage is
   *  then incomplete. */
  problem: string | null;
  outputDir: string | null;
  info: Record<string, unknown>;
}

/** How an acquisition's problems are joined into OpenedAcquisition.problem (the summary splits them again). */
export const PROBLEM_SEPARATOR = "; ";

/** OpenedAcquisition.problem of these lists of problems: null when there are none. */
export function acquisitionProblem(...lists: readonly string[][]): string | null {
  const all = lists.flat();
  return all.length ? all.join(PROBLEM_SEPARATOR) : null;
}

/** An acquisition opened for one scan. `close` releases what it holds (databases, temp files). */
export interface OpenedAcquisition {
  acquisition: Acquisition;
  close(): void | Promise<void>;
  /** A problem that makes coverage incomplete for every module (e.g. an unreadable Manifest.db). */
  problem?: string | null;
  /** Extra top-level fields for info.json (e.g. the acquisition's time zone, device facts). */
  info?(): Record<string, unknown>;
  /** Modules that read an acquisition nested in this one (see ScanOptions.acquisitionFor). */
  acquisitionFor?(module: ArtifactModule<any>): Acquisition;
}

/** What a `check-*` command contributes to the one scan path. */
export interface CheckSpec {
  command: string;
  /** Every module that can run on this kind of acquisition (-m selects among them). */
  modules: ArtifactModule<any>[];
  /** Open the target read-only. Throw a clear error for input that is not this kind of acquisition. */
  open(target: string, sqlite: SqliteOpener): Promise<OpenedAcquisition>;
  /** Present when a worker thread can reopen the acquisition and run part of the modules (parallel-scan.ts). */
  parallel?: {
    /** Structured-cloneable data the worker's spec needs (e.g. an encrypted backup's derived key). */
    args(opened: OpenedAcquisition): unknown;
    /** Name under which the worker finds the spec (worker-specs.ts). */
    spec: string;
  };
}

/** Exit codes, documented in the README. */
export const EXIT = { NOTHING_FOUND: 0, DETECTIONS: 1, ERROR: 2 } as const;

export function exitCodeFor(summary: ScanSummary): number {
  return summary.counts.critical > 0 || summary.counts.high > 0 ? EXIT.DETECTIONS : EXIT.NOTHING_FOUND;
}

/** A finished run's result: its exit code follows from the summary, its indicator facts from `iocs`. */
export function checkResult(
  summary: ScanSummary,
  iocs: LoadedIndicators,
  rest: Pick<CheckResult, "problem" | "outputDir" | "info">,
): CheckResult {
  return {
    exitCode: exitCodeFor(summary),
    summary,
    indicatorLoadMs: iocs.loadMs,
    indicatorCount: iocs.set.size,
    indicatorProblems: iocs.problems,
    ...rest,
  };
}

export function selectModules(all: ArtifactModule<any>[], ids?: string[]): ArtifactModule<any>[] {
  if (!ids?.length) return all;
  const known = new Map(all.map((m) => [m.id, m]));
  const unknown = ids.filter((i) => !known.has(i));
  if (unknown.length) throw new Error(`unknown module(s): ${unknown.join(", ")}; available: ${[...known.keys()].join(", ")}`);
  return ids.map((i) => known.get(i)!);
}

/** Lies in an output folder while a run writes it; removed once info.json is written. */
export const INCOMPLETE_MARKER = ".spyscope-incomplete";

/** The run that wrote a marker ("pid host") is still running on this machine. */
function writerAlive(marker: string): boolean {
  let text = "";
  try {
    text = readFileSync(marker, "utf8");
  } catch {
    return false;
  }
  const [pid, host] = text.split("\n")[0].trim().split(" ");
  if (!/^\d+$/.test(pid ?? "")) return false;
  if (host !== os.hostname()) return true; // another machine's run (a shared disk): it cannot be checked, so it counts
  try {
    process.kill(Number(pid), 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Refuse an output folder that exists as a file, or that already holds files: results are never written over
 *  an earlier run's (a folder mixing two runs would no longer match its info.json). The one exception is a
 *  folder an interrupted run left (it holds INCOMPLETE_MARKER, written by a process no longer running):
 *  startOutput empties it. */
export function assertFreshOutput(output: string): void {
  let st;
  try {
    st = statSync(output);
  } catch {
    return; // created by startOutput
  }
  if (!st.isDirectory()) throw new Error(`the output folder ${output} exists and is not a folder`);
  const names = readdirSync(output);
  if (!names.length) return;
  if (!names.includes(INCOMPLETE_MARKER)) {
    throw new Error(`the output folder ${output} already holds files (an earlier run's results?); choose a new or empty folder, so that nothing is written over`);
  }
  if (writerAlive(path.join(output, INCOMPLETE_MARKER))) {
    throw new Error(`the output folder ${output} is being written by another spyscope run (see its ${INCOMPLETE_MARKER}); choose another folder`);
  }
}

/** Create the output folder (emptying one an interrupted run left, with a note on stderr) and mark it
 *  incomplete until completeOutput. */
export function startOutput(output: string): void {
  assertFreshOutput(output);
  mkdirSync(output, { recursive: true });
  const names = readdirSync(output);
  if (names.length) {
    for (const n of names) rmSync(path.join(output, n), { recursive: true, force: true });
    process.stderr.write(`note: removed the incomplete results an interrupted run left in ${output}\n`);
  }
  writeFileSync(
    path.join(output, INCOMPLETE_MARKER),
    `${process.pid} ${os.hostname()}\nspyscope (the process above) is writing results here; this file is removed when the run completes.\n`,
  );
}

/** The run's results are all written (info.json last): drop the incomplete mark. */
export function completeOutput(output: string): void {
  rmSync(path.join(output, INCOMPLETE_MARKER), { force: true });
}

/** Refuse an output folder inside the evidence (a folder, or the folder holding an evidence file). */
export function assertOutsideEvidence(evidenceRoot: string, output: string): void {
  let ev: string;
  try {
    ev = realpathSync(evidenceRoot);
  } catch {
    return; // a missing target is reported by the command's own open()
  }
  const out = realPathOf(output);
  if (isInside(ev, out)) {
    throw new Error(`the output folder ${out} is inside the evidence ${ev}; choose a folder outside it (evidence is never written to)`);
  }
}

/** Files of a plain evidence folder, among those read (hashed), whose inode changed after the scan began
 *  (ctime: content or metadata; reading does not change it): their hashes may not describe the bytes the
 *  modules read. Archives and decrypting views have no files of their own to check. `sinceMs` is Date.now()
 *  at the start: the start itself lies in [sinceMs, sinceMs + 1), and file times come from a clock that
 *  never runs ahead of it, so only a ctime from sinceMs + 1 on is certainly later (a change in the first
 *  few milliseconds can go unseen, never a change from before be reported). */
export async function changedDuringScan(evidence: Evidence, read: Iterable<string>, sinceMs: number): Promise<string[]> {
  if (!evidence.localPath) return [];
  const changed: string[] = [];
  for (const rel of read) {
    try {
      const st = statSync(await evidence.localPath(rel));
      if (st.ctimeMs >= sinceMs + 1) changed.push(rel);
    } catch {
      changed.push(rel); // gone since it was read
    }
  }
  return changed.sort();
}

export async function runCheck(spec: CheckSpec, opts: CheckOptions): Promise<CheckResult> {
  const startedMs = Date.now();
  const iocs = await loadIndicators(opts.iocs);
  requireIndicators(iocs);
  if (opts.output) {
    assertOutsideEvidence(opts.target, opts.output);
    assertFreshOutput(opts.output);
  }
  const modules = selectModules(spec.modules, opts.modules);
  const sqlite = new NodeSqliteOpener();
  let opened: OpenedAcquisition | null = null;
  let scratch: string | null = null;
  try {
    opened = await spec.open(opts.target, sqlite);
    // A caller's own URL expander cannot cross to the worker thread: such a scan stays on one thread.
    const canSplit = spec.parallel && parallelAllowed() && typeof opts.expandShortUrls !== "function";
    const split = canSplit ? await parallelOrder(opened.acquisition, modules) : null;
    // With a split: the worker's temporary files, and each module's urls.json entries as a part file until
    // finish() joins them in module order.
    scratch = split ? makeTempDir("spyscope-threads-") : null;
    const urlParts = scratch && opts.output ? path.join(scratch, "urls") : null;
    const workerTmp = scratch ? path.join(scratch, "tmp") : null;
    for (const dir of [urlParts, workerTmp]) if (dir) mkdirSync(dir);
    if (opts.output) startOutput(opts.output);
    const out = opts.output
      ? new OutputFolder(opts.output, urlParts ? { urlParts, moduleOrder: modules.map((m) => m.id), sortThread: false } : {})
      : null;
    const startedAt = isoNow();
    const progress = opts.progress ?? null;
    const scanOpts = {
      acquisition: opened.acquisition,
      acquisitionFor: opened.acquisitionFor?.bind(opened),
      matcher: iocs.set,
      sqlite,
      sink: out ?? {},
      onProgress: progress ? (p: ScanProgress) => progress.update(p) : undefined,
      expandUrl: expanderFor(opts.expandShortUrls),
    };
    let summary: ScanSummary;
    let hashes: Map<string, string>;
    let threads: Record<string, unknown> = { threads: 1 };
    if (split && spec.parallel) {
      const task = {
        spec: spec.parallel.spec,
        specArgs: spec.parallel.args(opened),
        target: opts.target,
        iocs: opts.iocs,
        output: opts.output ?? null,
        expandShortUrls: opts.expandShortUrls === true,
      };
      const run = await scanInParallel(split, modules, scanOpts, task, out, { tmp: workerTmp!, urlParts });
      ({ summary, hashes } = run);
      threads = { threads: 2, worker_failure: run.workerFailure };
      if (run.workerFailure && !opts.quiet) {
        process.stderr.write(`note: the second scan thread failed (${run.workerFailure}); its modules ran again on the main thread\n`);
      }
    } else {
      summary = await scan({ ...scanOpts, modules });
      hashes = opened.acquisition.evidence.hashes();
    }
    progress?.done();
    const changed = await changedDuringScan(opened.acquisition.evidence, hashes.keys(), startedMs);
    if (changed.length) {
      process.stderr.write(
        `warning: ${changed.length} evidence file(s) changed while the scan read them (their hashes may not match what was analysed; ` +
          `listed in info.json as evidence_changed_during_scan): ${changed.slice(0, 5).join(", ")}${changed.length > 5 ? ", …" : ""}\n`,
      );
    }
    // Read after the scan: some problems are met while reading (a line too long, a refused zip entry).
    const problem = opened.problem ?? null;
    const info = {
      ...buildInfo({
        command: opts.command ?? spec.command,
        target: opened.acquisition.evidence.label,
        startedAt,
        iocs,
        summary,
        hashes,
        acquisitionKind: opened.acquisition.kind,
        manifestProblem: problem,
      }),
      scan_threads: threads,
      short_urls_expanded: Boolean(opts.expandShortUrls),
      evidence_changed_during_scan: changed,
      ...(opened.info?.() ?? {}),
    };
    if (out) {
      await out.finish();
      out.writeJson("info.json", info);
      completeOutput(out.dir);
    }
    return checkResult(summary, iocs, { problem, outputDir: out ? out.dir : null, info });
  } finally {
    await opened?.close();
    sqlite.dispose();
    if (scratch) removeTempDir(scratch);
  }
}

/** The indicator files a run used, as info.json lists them (path, SHA-256, counts, collections). */
export function indicatorFilesInfo(iocs: LoadedIndicators): Record<string, unknown>[] {
  return iocs.files.map((f) => ({ file: f.path, sha256: f.sha256, indicators: f.indicators, collections: f.collections }));
}

export function buildInfo(a: {
  command: string;
  target: string;
  startedAt: string;
  iocs: LoadedIndicators;
  summary: ScanSummary;
  hashes: Map<string, string>;
  acquisitionKind: string;
  manifestProblem?: string | null;
}): Record<string, unknown> {
  const cov = a.summary.coverage;
  return {
    tool: "spyscope",
    version: VERSION,
    command: a.command,
    target: a.target,
    acquisition: a.acquisitionKind,
    date: a.startedAt,
    finished: isoNow(),
    indicators: indicatorFilesInfo(a.iocs),
    indicator_warnings: a.iocs.warnings,
    summary: {
      records: a.summary.records,
      ms: Math.round(a.summary.ms),
      alerts: a.summary.counts,
      top_level: topLevel(a.summary.counts),
    },
    coverage: {
      complete: coverageComplete(cov, a.manifestProblem),
      manifest_problem: a.manifestProblem ?? null,
      ran: cov.filter((c) => c.status === "ran").map((c) => c.module),
      skipped: cov.filter((c) => c.status === "skipped").map((c) => ({ module: c.module, reason: c.reason })),
      failed: cov.filter((c) => c.status === "failed").map((c) => ({ module: c.module, reason: c.reason })),
      modules: cov,
    },
    input_files: Object.fromEntries([...a.hashes.entries()].sort(([x], [y]) => (x < y ? -1 : 1))),
  };
}
