// A scan split across two threads: a worker thread reopens the same acquisition (read-only) and both threads
// take modules, largest input first, from one shared queue. Modules are independent, so the split changes
// nothing in the results: the worker writes its modules' <module>.json files itself and hands over its detections, sorted
// timeline chunks, per-module urls.json parts and input hashes; the main thread merges them in module order.
// Outputs are byte-identical to a one-thread scan (tested). A worker that fails has its modules run again on
// the main thread, so nothing is lost.

import { existsSync } from "node:fs";
import os from "node:os";
import { fileURLToPath } from "node:url";
import v8 from "node:v8";
import { Worker } from "node:worker_threads";
import { emptyCounts, scan, type ScanOptions, type ScanProgress, type ScanSummary } from "../core/analysis/engine.js";
import type { Acquisition, ArtifactModule } from "../core/artifacts/module.js";
import { LEVEL_ORDER } from "../core/types.js";
import { errorText } from "../core/util/errors.js";
import type { OutputFolder, SortedChunks } from "./output.js";

/** What the worker thread is asked to do (structured-cloneable). */
export interface ScanTask {
  spec: string;
  specArgs: unknown;
  target: string;
  iocs?: string[];
  /** Every module of the scan, largest input first: both threads take the next one from `next`. */
  modules: string[];
  /** Shared counters (Int32Array over a SharedArrayBuffer): [0] the index of the next module to take,
   *  [1] how many modules the worker has taken. */
  next: Int32Array;
  /** The output folder (null: summary only). */
  output: string | null;
  /** Where the worker leaves its urls.json parts. */
  urlParts: string | null;
  /** Expand shortened URLs (with the default expander). */
  expandShortUrls?: boolean;
}

export type WorkerMessage =
  | { type: "progress"; progress: ScanProgress }
  | { type: "done"; summary: ScanSummary; hashes: [string, string][]; timeline: SortedChunks | null }
  | { type: "error"; message: string };

/** Below this much input (bytes of the modules' source files) a second thread costs more than it saves. */
const MIN_PARALLEL_BYTES = 32 << 20;

/** The built worker entry beside this module (dist/node/scan-worker.js), or null (e.g. running from sources). */
function workerScript(): string | null {
  for (const rel of ["./scan-worker.js", "./node/scan-worker.js"]) {
    const file = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(file)) return file;
  }
  return null;
}

/** Whether to split: SPYSCOPE_THREADS=1 turns it off, =2 splits even small inputs; by default it needs two
 *  cores and the built worker. */
export function parallelAllowed(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.SPYSCOPE_THREADS === "1" || workerScript() === null) return false;
  return env.SPYSCOPE_THREADS === "2" || os.availableParallelism() >= 2;
}

/** The modules, largest input first (bytes of the files each reads), for two threads that each take the
 *  next one when done (so the slower side never waits); null when the input is too small for a thread. Never
 *  throws for the acquisition's sake: a scan must not stop on what a single-thread scan reports per module. */
export async function parallelOrder(acquisition: Acquisition, modules: ArtifactModule<any>[]): Promise<ArtifactModule<any>[] | null> {
  if (modules.length < 2) return null;
  const cost = new Map<ArtifactModule<any>, number>();
  let total = 0;
  for (const m of modules) {
    let bytes = 0;
    try {
      for (const spec of m.sources) {
        for await (const ref of acquisition.find(spec)) bytes += (await acquisition.evidence.stat(ref.path))?.size ?? 0;
      }
    } catch {
      // Files the acquisition cannot look up (an empty or corrupt Manifest.db): the module meets the same
      // error when it runs and reports it as its own failure; here it only weighs nothing.
    }
    cost.set(m, bytes);
    total += bytes;
  }
  if (total < MIN_PARALLEL_BYTES && process.env.SPYSCOPE_THREADS !== "2") return null;
  return [...modules].sort((a, b) => cost.get(b)! - cost.get(a)!);
}

/** Take modules from the shared queue until it is empty and scan each (both threads do this), with progress
 *  counted across them; one summary per module taken. `onTake` runs as each module is taken. */
export async function scanFromQueue(
  queue: ArtifactModule<any>[],
  next: Int32Array,
  opts: Omit<ScanOptions, "modules">,
  worker = false,
  onTake?: (m: ArtifactModule<any>) => void,
): Promise<ScanSummary[]> {
  const report = opts.onProgress;
  const done: ScanSummary[] = [];
  for (;;) {
    const i = Atomics.add(next, 0, 1);
    if (i >= queue.length) return done;
    if (worker) Atomics.add(next, 1, 1);
    onTake?.(queue[i]);
    const finished = done.length;
    done.push(await scan({ ...opts, modules: [queue[i]], onProgress: report && ((p) => report({ ...p, moduleIndex: finished + p.moduleIndex })) }));
  }
}

/** Test hook (SPYSCOPE_TEST_WORKER_FAIL=N: the worker fails when it takes its Nth module): the main thread
 *  lets the worker take N modules first, so the failure happens at a known point. */
export function testWorkerFailAt(): number {
  const n = Number(process.env.SPYSCOPE_TEST_WORKER_FAIL);
  return Number.isInteger(n) && n > 0 ? n : 0;
}

function waitForWorkerTakes(next: Int32Array, n: number): void {
  const until = Date.now() + 10_000;
  while (Atomics.load(next, 1) < n && Date.now() < until) Atomics.wait(next, 1, Atomics.load(next, 1), 100);
}

export interface ParallelRun {
  summary: ScanSummary;
  hashes: Map<string, string>;
  /** Set when the worker failed and its modules ran on the main thread instead. */
  workerFailure: string | null;
}

/** Run the modules of `queue` on this thread and a worker thread, merged as one scan of `all`. The worker's
 *  temporary files (database copies, timeline chunks) go under `scratch.tmp`, which the caller removes after
 *  the output folder is finished (the timeline chunks are merged then). */
export async function scanInParallel(
  queue: ArtifactModule<any>[],
  all: ArtifactModule<any>[],
  opts: Omit<ScanOptions, "modules">,
  task: Omit<ScanTask, "modules" | "next" | "urlParts">,
  out: OutputFolder | null,
  scratch: { tmp: string; urlParts: string | null },
): Promise<ParallelRun> {
  const started = performance.now();
  const progress = combinedProgress(opts.onProgress, all.length);
  const next = new Int32Array(new SharedArrayBuffer(8));
  const worker = startWorker(
    { ...task, modules: queue.map((m) => m.id), next, urlParts: scratch.urlParts },
    scratch.tmp,
    progress.worker,
  );
  // It may fail while this thread is still scanning: handled below, not an unhandled rejection.
  worker.catch(() => undefined);
  if (testWorkerFailAt()) waitForWorkerTakes(next, testWorkerFailAt());
  const mine = await scanFromQueue(queue, next, { ...opts, onProgress: progress.main });
  let theirs: ScanSummary[];
  let hashes = opts.acquisition.evidence.hashes();
  let workerFailure: string | null = null;
  try {
    const done = await worker;
    theirs = [done.summary];
    for (const [file, sha] of done.hashes) hashes.set(file, sha);
    if (done.timeline) out?.adoptTimeline(done.timeline);
  } catch (e) {
    // Whatever the worker took runs again here (its results only come back at the end).
    workerFailure = errorText(e);
    const ran = new Set(mine.flatMap((s) => s.coverage.map((c) => c.module)));
    const rest = queue.filter((m) => !ran.has(m.id));
    if (out) for (const m of rest) out.forgetModule(m);
    theirs = [await scan({ ...opts, modules: rest })];
    hashes = opts.acquisition.evidence.hashes();
  }
  const summary = mergeSummaries(all, [...mine, ...theirs], performance.now() - started);
  out?.useDetections(summary.detections);
  return { summary, hashes, workerFailure };
}

function startWorker(task: ScanTask, tmp: string, onProgress?: (p: ScanProgress) => void): Promise<Extract<WorkerMessage, { type: "done" }>> {
  const script = workerScript();
  if (!script) return Promise.reject(new Error("the scan worker script is not built"));
  // The main thread's heap limit (check-backup runs with 384 MB), unless SPYSCOPE_WORKER_HEAP_MB says otherwise.
  const limitMb = Number(process.env.SPYSCOPE_WORKER_HEAP_MB) || Math.round(v8.getHeapStatistics().heap_size_limit / (1 << 20));
  const worker = new Worker(script, {
    workerData: task,
    env: { ...process.env, TMPDIR: tmp, TMP: tmp, TEMP: tmp },
    resourceLimits: { maxOldGenerationSizeMb: limitMb },
  });
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (f: () => void) => {
      if (settled) return;
      settled = true;
      f();
    };
    worker.on("message", (m: WorkerMessage) => {
      if (m.type === "progress") onProgress?.(m.progress);
      else if (m.type === "done") settle(() => resolve(m));
      else settle(() => reject(new Error(m.message)));
    });
    worker.on("error", (e) => settle(() => reject(e)));
    worker.on("exit", (code) => settle(() => reject(new Error(`the scan worker stopped (exit code ${code}) before it finished`))));
  });
}

/** One progress line for both threads: modules done and records read, summed. */
function combinedProgress(onProgress: ((p: ScanProgress) => void) | undefined, total: number) {
  if (!onProgress) return { main: undefined, worker: undefined };
  let mine: ScanProgress | null = null;
  let theirs: ScanProgress | null = null;
  const emit = () =>
    onProgress({
      module: mine?.module ?? theirs?.module ?? "",
      moduleIndex: (mine?.moduleIndex ?? 0) + (theirs?.moduleIndex ?? 0),
      moduleCount: total,
      records: (mine?.records ?? 0) + (theirs?.records ?? 0),
    });
  return {
    main: (p: ScanProgress) => {
      mine = p;
      emit();
    },
    worker: (p: ScanProgress) => {
      theirs = p;
      emit();
    },
  };
}

/** The summaries of one scan's parts as one, coverage and detections in module order. */
export function mergeSummaries(all: ArtifactModule<any>[], parts: ScanSummary[], ms: number): ScanSummary {
  const rank = new Map(all.map((m, i) => [m.id, i]));
  const byRank = <T>(key: (x: T) => string) => (a: T, b: T) => (rank.get(key(a)) ?? all.length) - (rank.get(key(b)) ?? all.length);
  const counts = emptyCounts();
  for (const p of parts) for (const l of LEVEL_ORDER) counts[l] += p.counts[l];
  return {
    coverage: parts.flatMap((p) => p.coverage).sort(byRank((c) => c.module)),
    // Stable: a module's detections keep the order they were found in.
    detections: parts.flatMap((p) => p.detections).sort(byRank((d) => d.module)),
    counts,
    records: parts.reduce((n, p) => n + p.records, 0),
    ms,
  };
}
