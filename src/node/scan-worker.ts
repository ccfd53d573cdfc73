// Entry of the scan worker thread (parallel-scan.ts): reopen the acquisition, run the modules asked for, write
// their <module>.json files, and hand the rest (detections, timeline chunks, hashes) back to the main thread.

import { parentPort, workerData } from "node:worker_threads";
import type { ScanProgress } from "../core/analysis/engine.js";
import { errorText } from "../core/util/errors.js";
import { loadIndicators } from "./iocs.js";
import { OutputFolder } from "./output.js";
import { mergeSummaries, scanFromQueue, testWorkerFailAt, type ScanTask, type WorkerMessage } from "./parallel-scan.js";
import { expanderFor, selectModules } from "./run-check.js";
import { NodeSqliteOpener } from "./sqlite.js";
import { workerSpec } from "./worker-specs.js";

const post = (m: WorkerMessage) => parentPort!.postMessage(m);

async function run(task: ScanTask): Promise<void> {
  const iocs = await loadIndicators(task.iocs);
  const spec = workerSpec(task.spec, task.specArgs);
  const modules = selectModules(spec.modules, task.modules);
  const sqlite = new NodeSqliteOpener();
  const opened = await spec.open(task.target, sqlite);
  try {
    const out = task.output ? new OutputFolder(task.output, { urlParts: task.urlParts ?? undefined, sortThread: false }) : null;
    // Progress goes to the main thread at most every 100 ms, and whenever a module ends.
    let last = 0;
    let lastIndex = 0;
    const onProgress = (progress: ScanProgress) => {
      const now = Date.now();
      if (now - last < 100 && progress.moduleIndex === lastIndex) return;
      last = now;
      lastIndex = progress.moduleIndex;
      post({ type: "progress", progress });
    };
    // Fault injection for the tests of the main thread's fallback: fail when taking the Nth module.
    const failAt = testWorkerFailAt();
    let taken = 0;
    const parts = await scanFromQueue(
      modules,
      task.next,
      {
        acquisition: opened.acquisition,
        acquisitionFor: opened.acquisitionFor?.bind(opened),
        matcher: iocs.set,
        sqlite,
        sink: out ?? {},
        onProgress,
        expandUrl: expanderFor(task.expandShortUrls),
      },
      true,
      (m) => {
        if (++taken === failAt) throw new Error(`simulated failure at module ${m.id} (SPYSCOPE_TEST_WORKER_FAIL)`);
      },
    );
    const summary = mergeSummaries(modules, parts, 0);
    post({ type: "done", summary, hashes: [...opened.acquisition.evidence.hashes()], timeline: out ? out.handOverTimeline() : null });
  } finally {
    await opened.close();
    sqlite.dispose();
  }
}

run(workerData as ScanTask).catch((e) => post({ type: "error", message: errorText(e) }));
