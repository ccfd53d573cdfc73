// What a person reads at the end of a scan: counts per level, what was (not) read, and never "clean".

import type { ScanSummary } from "../core/analysis/engine.js";
import { LEVEL_ORDER, MVT_LEVEL, type Level } from "../core/types.js";
import { exposureJson, exposureRecordsOf, exposureSection } from "./exposure-text.js";

export interface SummaryInput {
  target: string;
  summary: ScanSummary;
  outputDir: string | null;
  indicatorCount: number;
  /** Indicator sources that could not be loaded. */
  indicatorProblems?: string[];
  exitCode: number;
}

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
      complete: cov.every((c) => c.status !== "failed" && c.gaps.length === 0),
      ran: cov.filter((c) => c.status === "ran").length,
      skipped: cov.filter((c) => c.status === "skipped").length,
      failed: cov.filter((c) => c.status === "failed").map((c) => ({ module: c.module, reason: c.reason })),
      gaps: cov.flatMap((c) => c.gaps.map((g) => ({ module: c.module, ...g }))),
    },
    detections: s.summary.detections
      .filter((d) => d.level !== "info")
      .slice(0, 100)
      .map((d) => ({ level: MVT_LEVEL[d.level], module: d.module, message: d.message })),
    exposure: exposureJson(exposureRecordsOf(s.summary.detections)),
  };
}

export function summaryText(s: SummaryInput): string {
  const { summary } = s;
  const lines: string[] = [];
  const cov = summary.coverage;
  const failed = cov.filter((c) => c.status === "failed");
  const gaps = cov.flatMap((c) => c.gaps.map((g) => `${c.module}: ${g.file}: ${g.reason}`));
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
  if (failed.length || gaps.length) {
    lines.push(`Coverage is incomplete — these could not be read:`);
    for (const c of failed) lines.push(`  - ${c.module}: ${c.reason}`);
    for (const g of gaps.slice(0, 20)) lines.push(`  - ${g}`);
  }
  const skipped = cov.filter((c) => c.status === "skipped").length;
  if (skipped) lines.push(`${skipped} modules found nothing to read in this acquisition (listed in info.json).`);
  if (summary.counts.critical || summary.counts.high) {
    lines.push(
      "Detections found. Preserve this acquisition and the output folder unchanged, and ask a digital-security helpline " +
        "(e.g. Amnesty Tech, Access Now) to review them before acting on the device.",
    );
  } else if (failed.length || gaps.length) {
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
