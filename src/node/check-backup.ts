// `spyscope check-backup`: an unencrypted iOS backup folder → output folder + summary.

import path from "node:path";
import { realpathSync } from "node:fs";
import { scan, topLevel, type ScanSummary } from "../core/analysis/engine.js";
import { IOS_BACKUP_MODULES } from "../core/artifacts/ios/index.js";
import type { ArtifactModule } from "../core/artifacts/module.js";
import { IosBackup } from "../core/formats/ios-backup.js";
import { isoNow } from "../core/util/time.js";
import { DirectoryEvidence } from "./evidence-dir.js";
import { loadIndicators } from "./iocs.js";
import { OutputFolder } from "./output.js";
import { NodeSqliteOpener } from "./sqlite.js";
import { Progress } from "../cli/progress.js";
import { VERSION } from "./version.js";

export interface CheckOptions {
  target: string;
  output?: string;
  iocs?: string[];
  /** Only these module ids (default: all). */
  modules?: string[];
  quiet?: boolean;
  progress?: Progress | null;
  command?: string;
}

export interface CheckResult {
  exitCode: number;
  summary: ScanSummary;
  indicatorLoadMs: number;
  indicatorCount: number;
  outputDir: string | null;
  info: Record<string, unknown>;
}

/** Exit codes, documented in the README. */
export const EXIT = { NOTHING_FOUND: 0, DETECTIONS: 1, ERROR: 2 } as const;

export function exitCodeFor(summary: ScanSummary): number {
  return summary.counts.critical > 0 || summary.counts.high > 0 ? EXIT.DETECTIONS : EXIT.NOTHING_FOUND;
}

export function selectModules(all: ArtifactModule<any>[], ids?: string[]): ArtifactModule<any>[] {
  if (!ids?.length) return all;
  const known = new Map(all.map((m) => [m.id, m]));
  const unknown = ids.filter((i) => !known.has(i));
  if (unknown.length) throw new Error(`unknown module(s): ${unknown.join(", ")}; available: ${[...known.keys()].join(", ")}`);
  return ids.map((i) => known.get(i)!);
}

/** Refuse an output folder inside the evidence: the evidence is never written to. */
export function assertOutsideEvidence(evidenceRoot: string, output: string): void {
  const ev = realpathSync(evidenceRoot);
  const out = path.resolve(output);
  if (out === ev || out.startsWith(ev + path.sep)) {
    throw new Error(`the output folder ${out} is inside the evidence ${ev}; choose a folder outside it (evidence is never written to)`);
  }
}

export async function runCheckBackup(opts: CheckOptions): Promise<CheckResult> {
  const iocs = await loadIndicators(opts.iocs);
  const evidence = await DirectoryEvidence.open(opts.target);
  if (opts.output) assertOutsideEvidence(opts.target, opts.output);
  const sqlite = new NodeSqliteOpener();
  const modules = selectModules(IOS_BACKUP_MODULES, opts.modules);
  const out = opts.output ? new OutputFolder(opts.output) : null;
  let backup: IosBackup | null = null;
  try {
    backup = await IosBackup.open(evidence, sqlite);
    const startedAt = isoNow();
    const progress = opts.progress ?? null;
    const summary = await scan({
      acquisition: backup,
      modules,
      matcher: iocs.set,
      sqlite,
      sink: out ?? {},
      onProgress: progress ? (p) => progress.update(p) : undefined,
    });
    progress?.done();
    const info = buildInfo({
      command: opts.command ?? "check-backup",
      target: evidence.label,
      startedAt,
      iocs,
      summary,
      hashes: evidence.hashes(),
      acquisitionKind: backup.kind,
      manifestProblem: backup.manifestProblem,
    });
    if (out) {
      await out.finish();
      out.writeJson("info.json", info);
    }
    return {
      exitCode: exitCodeFor(summary),
      summary,
      indicatorLoadMs: iocs.loadMs,
      indicatorCount: iocs.set.size,
      outputDir: out ? out.dir : null,
      info,
    };
  } finally {
    backup?.close();
    sqlite.dispose();
  }
}

/** The indicator files a run used, as info.json lists them (path, SHA-256, counts, collections). */
export function indicatorFilesInfo(iocs: Awaited<ReturnType<typeof loadIndicators>>): Record<string, unknown>[] {
  return iocs.files.map((f) => ({ file: f.path, sha256: f.sha256, indicators: f.indicators, collections: f.collections }));
}

export function buildInfo(a: {
  command: string;
  target: string;
  startedAt: string;
  iocs: Awaited<ReturnType<typeof loadIndicators>>;
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
      complete: cov.every((c) => c.status !== "failed" && c.gaps.length === 0) && !a.manifestProblem,
      manifest_problem: a.manifestProblem ?? null,
      ran: cov.filter((c) => c.status === "ran").map((c) => c.module),
      skipped: cov.filter((c) => c.status === "skipped").map((c) => ({ module: c.module, reason: c.reason })),
      failed: cov.filter((c) => c.status === "failed").map((c) => ({ module: c.module, reason: c.reason })),
      modules: cov,
    },
    input_files: Object.fromEntries([...a.hashes.entries()].sort(([x], [y]) => (x < y ? -1 : 1))),
  };
}
