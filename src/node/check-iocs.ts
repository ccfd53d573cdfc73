// `spyscope check-iocs DIR`: re-match the records of an earlier output folder against (new) indicators
// and write the detections — MVT only logs a count. Records are streamed back line by line.

import { createReadStream, existsSync, promises as fs } from "node:fs";
import { createInterface } from "node:readline";
import path from "node:path";
import { collectDetections, emptyCounts, RecordProcessor, type ModuleCoverage, type ScanSummary } from "../core/analysis/engine.js";
import { ALL_MODULES } from "../core/artifacts/index.js";
import type { ArtifactModule } from "../core/artifacts/module.js";
import type { RecordData } from "../core/types.js";
import { isoNow } from "../core/util/time.js";
import { loadIndicators, requireIndicators } from "./iocs.js";
import { OutputFolder } from "./output.js";
import { checkResult, completeOutput, expanderFor, INCOMPLETE_MARKER, indicatorFilesInfo, startOutput, type CheckOptions, type CheckResult } from "./run-check.js";
import { VERSION } from "./version.js";
import { errorText } from "../core/util/errors.js";

/** Whole-file parse is only used for MVT's indented files; bounded. */
const MAX_WHOLE_FILE = 512 * 1024 * 1024;

/** Records of one <module>.json: our one-per-line layout streamed, MVT's indented layout parsed whole. */
export async function* readRecords(file: string): AsyncIterable<RecordData> {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  let lineNo = 0;
  for await (const raw of lines) {
    lineNo++;
    const line = raw.trim();
    if (line === "[" || line === "]" || line === "") continue;
    if (line === "{") {
      lines.close();
      const st = await fs.stat(file);
      if (st.size > MAX_WHOLE_FILE) throw new Error(`${file}: ${st.size} bytes in indented layout, over the ${MAX_WHOLE_FILE}-byte limit`);
      const all = JSON.parse(await fs.readFile(file, "utf8"));
      if (Array.isArray(all)) yield* all as RecordData[];
      return;
    }
    const json = line.endsWith(",") ? line.slice(0, -1) : line;
    try {
      yield JSON.parse(json) as RecordData;
    } catch {
      throw new Error(`${file}:${lineNo}: not a JSON record`);
    }
  }
}

/** The module whose records a <id>.json holds when several platforms share the stem (e.g. "sms"): the one
 *  that claims the first record, else the one that claims nothing. */
export async function moduleForFile(candidates: ArtifactModule<any>[], file: string): Promise<ArtifactModule<any>> {
  if (candidates.length === 1) return candidates[0];
  let first: RecordData | undefined;
  try {
    for await (const r of readRecords(file)) {
      first = r;
      break;
    }
  } catch {
    /* unreadable: the scan of the file reports it */
  }
  return (first && candidates.find((m) => m.claims?.(first!))) ?? candidates.find((m) => !m.claims) ?? candidates[0];
}

export async function runCheckIocs(opts: { dir: string; iocs?: string[]; output?: string; expandShortUrls?: CheckOptions["expandShortUrls"] }): Promise<CheckResult> {
  const st = await fs.stat(opts.dir).catch(() => null);
  if (!st) throw new Error(`${opts.dir}: no such output folder`);
  if (!st.isDirectory()) throw new Error(`${opts.dir}: not a folder (give the results folder a check-* command or MVT wrote)`);
  // A folder without any module's records is refused rather than reported as "nothing found".
  if (!ALL_MODULES.some((m) => m.observables && existsSync(path.join(opts.dir, `${m.id}.json`)))) {
    throw new Error(`${opts.dir} is not a results folder: it holds no <module>.json of any module (give the folder a check-* command or MVT wrote)`);
  }
  const iocs = await loadIndicators(opts.iocs);
  requireIndicators(iocs);
  // By default beside the earlier results, in the first of check-iocs, check-iocs-2, … not yet taken (each
  // re-check keeps its own folder).
  let outDir = opts.output ?? path.join(opts.dir, "check-iocs");
  if (opts.output && path.resolve(opts.output) === path.resolve(opts.dir)) {
    throw new Error(`the output folder ${opts.output} is the folder being re-checked; choose another one`);
  }
  // (An -o folder is checked by startOutput.)
  if (!opts.output) for (let n = 2; existsSync(outDir); n++) outDir = path.join(opts.dir, `check-iocs-${n}`);
  const incomplete = existsSync(path.join(opts.dir, INCOMPLETE_MARKER));
  if (incomplete) process.stderr.write(`warning: ${opts.dir} holds the results of a run that did not finish (${INCOMPLETE_MARKER}); re-checking what it wrote\n`);
  startOutput(outDir);
  const out = new OutputFolder(outDir, { records: false, timeline: false });
  const t0 = performance.now();
  const expandUrl = expanderFor(opts.expandShortUrls);
  const summary: ScanSummary = { coverage: [], counts: emptyCounts(), detections: [], records: 0, ms: 0 };
  const seen = new Set<string>();
  for (const candidate of ALL_MODULES) {
    if (seen.has(candidate.id)) continue;
    seen.add(candidate.id);
    const file = path.join(opts.dir, `${candidate.id}.json`);
    if (!existsSync(file)) continue;
    const module = await moduleForFile(ALL_MODULES.filter((m) => m.id === candidate.id), file);
    if (module.output === "object" || !module.observables) continue;
    const t = performance.now();
    const proc = new RecordProcessor(module, iocs.set, out, collectDetections(summary), {
      timeline: false,
      heuristics: false,
      urls: false,
      records: false,
      expandUrl,
    });
    const cov: ModuleCoverage = { module: module.id, status: "ran", records: 0, detections: 0, ms: 0, gaps: [], warnings: [] };
    out.beginModule(module);
    try {
      for await (const r of readRecords(file)) {
        proc.process(r);
        if (proc.expanding) await proc.expandPending((w) => cov.warnings.push(w));
      }
    } catch (e) {
      cov.status = "failed";
      cov.reason = errorText(e);
    }
    cov.records = proc.records;
    cov.detections = proc.detections;
    cov.ms = Math.round(performance.now() - t);
    out.endModule(module, cov);
    summary.coverage.push(cov);
    summary.records += cov.records;
  }
  summary.ms = performance.now() - t0;
  await out.finish();
  const info = {
    tool: "spyscope",
    version: VERSION,
    command: "check-iocs",
    target: path.resolve(opts.dir),
    date: isoNow(),
    indicators: indicatorFilesInfo(iocs),
    short_urls_expanded: Boolean(opts.expandShortUrls),
    ...(incomplete ? { target_incomplete: true } : {}),
    summary: { records: summary.records, alerts: summary.counts },
    coverage: { modules: summary.coverage },
  };
  out.writeJson("info.json", info);
  completeOutput(outDir);
  return checkResult(summary, iocs, {
    problem: incomplete ? `${opts.dir} holds the results of a run that did not finish: only what it wrote was re-checked` : null,
    outputDir: outDir,
    info,
  });
}
