// What a person reads at the end of a scan: counts per level, what was (not) read, and never "clean".

import { coverageComplete, type ModuleCoverage, type ScanSummary } from "../core/analysis/engine.js";
import { LEVEL_ORDER, MVT_LEVEL, type Level } from "../core/types.js";
import { exposureJson, exposureRecordsOf, exposureSection } from "./exposure-text.js";
import { PROBLEM_SEPARATOR } from "../node/run-check.js";

export interface SummaryInput {
  target: string;
  summary: ScanSummary;
  outputDir: string | null;
  indicatorCount: number;
  /** Indicator sources that could not be loaded. */
  indicatorProblems?: string[];
  /** What was wrong with the acquisition as a whole (CheckResult.problem). */
  problem?: string | null;
  exitCode: number;
}

/** Most coverage lines and warnings the terminal shows (the rest are in info.json). */
const MAX_SHOWN = 20;

const LEVEL_WORD: Record<Level, string> = {
  critical: "matches of known indicators of compromise",
  high: "strong signs that need follow-up",
  medium: "findings worth reviewing",
  low: "weak signals",
  info: "informational notes",
};

export function summaryJson(s: SummaryInput): Record<string, unknown> {
  const cov = s.summary.coverage;
  return {
    target: s.target,
    exit_code: s.exitCode,
    alerts: s.summary.counts,
    records: s.summary.records,
    seconds: Math.round(s.summary.ms) / 1000,
    indicators: s.indicatorCount,
    indicator_problems: s.indicatorProblems ?? [],
    output: s.outputDir,
    coverage: {
      complete: coverageComplete(cov, s.problem),
      acquisition_problem: s.problem ?? null,
      ran: cov.filter((c) => c.status === "ran").length,
      skipped: cov.filter((c) => c.status === "skipped").length,
      failed: cov.filter((c) => c.status === "failed").map((c) => ({ module: c.module, reason: c.reason })),
      gaps: cov.flatMap((c) => c.gaps.map((g) => ({ module: c.module, ...g }))),
    },
    warnings: cov.flatMap((c) => c.warnings.map((w) => ({ module: c.module, warning: w }))),
    detections: s.summary.detections
      .filter((d) => d.level !== "info")
      .slice(0, 100)
      .map((d) => ({ level: MVT_LEVEL[d.level], module: d.module, message: d.message })),
    exposure: exposureJson(exposureRecordsOf(s.summary.detections)),
  };
}

/** A file gap as one line: "file (id): id: reason" loses the repeated id. */
function gapText(file: string, reason: string): string {
  const id = /\(([^()]+)\)$/.exec(file)?.[1];
  return `${file}: ${id && reason.startsWith(`${id}: `) ? reason.slice(id.length + 2) : reason}`;
}

/** What could not be read, a line each: the acquisition's problems (joined by PROBLEM_SEPARATOR),
 *  then each module's gaps, or its failure when it has no gap (a failure's reason then only repeats them). */
export function coverageLines(cov: ModuleCoverage[], problem?: string | null): string[] {
  const out: string[] = [];
  if (problem) for (const p of problem.split(PROBLEM_SEPARATOR)) out.push(`the acquisition: ${p}`);
  for (const c of cov) {
    if (c.status === "failed" && !c.gaps.length) out.push(`${c.module}: ${c.reason || "failed (no reason given)"}`);
    for (const g of c.gaps) out.push(`${c.module}: ${gapText(g.file, g.reason)}`);
  }
  return out;
}

/** Up to MAX_SHOWN items as indented lines, then how many more info.json holds. */
function shownList(items: string[]): string[] {
  const lines = items.slice(0, MAX_SHOWN).map((t) => `  - ${t}`);
  if (items.length > MAX_SHOWN) lines.push(`  … and ${items.length - MAX_SHOWN} more in info.json`);
  return lines;
}

export function summaryText(s: SummaryInput): string {
  const { summary } = s;
  const lines: string[] = [];
  const cov = summary.coverage;
  const unread = coverageLines(cov, s.problem);
  const warnings = cov.flatMap((c) => c.warnings.map((w) => `${c.module}: ${w}`));
  lines.push(`spyscope: ${s.target}`);
  lines.push(
    `Read ${summary.records.toLocaleString("en-US")} records with ${cov.filter((c) => c.status === "ran").length} of ${cov.length} modules ` +
      `in ${(summary.ms / 1000).toFixed(2)} s against ${s.indicatorCount.toLocaleString("en-US")} indicators.`,
  );
  for (const p of s.indicatorProblems ?? []) lines.push(`  warning (indicators): ${p}`);
  for (const l of LEVEL_ORDER) {
    if (summary.counts[l]) lines.push(`  ${MVT_LEVEL[l].padEnd(13)} ${String(summary.counts[l]).padStart(5)}  ${LEVEL_WORD[l]}`);
  }
  // The same finding on many records is shown once, with its count.
  const grouped = new Map<string, number>();
  for (const d of summary.detections) {
    if (d.level !== "critical" && d.level !== "high") continue;
    const key = `[${MVT_LEVEL[d.level]}] ${d.module}: ${d.message}`;
    grouped.set(key, (grouped.get(key) ?? 0) + 1);
  }
  const shown = [...grouped].slice(0, 20);
  for (const [key, n] of shown) lines.push(`  ! ${key}${n > 1 ? ` (${n} records)` : ""}`);
  if (grouped.size > shown.length) lines.push(`  … and ${grouped.size - shown.length} more distinct alerts in alerts.json`);
  lines.push(...exposureSection(exposureRecordsOf(summary.detections)));
  if (unread.length) {
    lines.push(`Coverage is incomplete — these could not be read:`);
    lines.push(...shownList(unread));
  }
  if (warnings.length) {
    lines.push(`Warnings from the modules:`);
    lines.push(...shownList(warnings));
  }
  const skipped = cov.filter((c) => c.status === "skipped").length;
  if (skipped) lines.push(`${skipped} module${skipped === 1 ? "" : "s"} found nothing to read in this acquisition (listed in info.json).`);
  if (summary.counts.critical || summary.counts.high) {
    lines.push(
      "Detections found. Preserve this acquisition and the output folder unchanged, and ask a digital-security helpline " +
        "(e.g. Amnesty Tech, Access Now) to review them before acting on the device.",
    );
  } else if (unread.length) {
    lines.push("No known indicators were found in what could be read. Parts of the acquisition could not be read, so this says nothing about them.");
  } else {
    lines.push(
      "No known indicators were found. This does not mean the device is clean: indicators only cover known attacks, " +
        "and an acquisition holds only part of what the device holds. Re-check when new indicators are published (spyscope check-iocs).",
    );
  }
  if (s.outputDir) lines.push(`Results written to ${s.outputDir}`);
  return lines.join("\n");
}
