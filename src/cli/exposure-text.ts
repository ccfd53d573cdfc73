// The exposure report as a person reads it (scan summaries and `spyscope exposure`), and as JSON.

import type { ExposureRecord } from "../core/artifacts/exposure-records.js";
import { productLabel } from "../core/artifacts/exposure-records.js";
import type { Detection } from "../core/types.js";
import { EXPOSURE_DATA } from "../core/analysis/exposure-data.js";

/** The exposure records carried by a scan's detections (each product once). */
export function exposureRecordsOf(detections: Detection[]): ExposureRecord[] {
  const seen = new Set<unknown>();
  const out: ExposureRecord[] = [];
  for (const d of detections) {
    if (d.module !== "exposure" || seen.has(d.record)) continue;
    seen.add(d.record);
    out.push(d.record as ExposureRecord);
  }
  return out;
}

function hardeningLine(records: ExposureRecord[]): string | null {
  const os = records.find((r) => r.kind === "os");
  if (!os) return null;
  const state = (v: boolean | null) => (v === true ? "on" : v === false ? "off" : "not recorded in this acquisition");
  if (os.platform === "ios") return `Lockdown Mode: ${state(os.lockdown_mode)}`;
  return `Advanced Protection: ${state(os.advanced_protection)}`;
}

/** Lines of the report: one per product, the CVEs of exposed ones with their fixes, and the hardening state. */
export function exposureLines(records: ExposureRecord[], indent = "  "): string[] {
  if (!records.length) return [];
  const lines: string[] = [];
  for (const r of records) {
    const label = productLabel(r);
    if (r.status === "exposed") {
      lines.push(`${indent}! ${label}: open to ${r.exposed_to.length} spyware-exploited vulnerabilit${r.exposed_to.length === 1 ? "y" : "ies"}; update to ${r.update_to} or later`);
      for (const e of r.exposed_to) {
        const kev = e.kev_date_added ? `, KEV ${e.kev_date_added}` : "";
        const branch = e.basis === "no-fix-for-branch" ? " (no fix for this release line)" : "";
        lines.push(`${indent}    ${e.cve} ${e.campaign}: fixed in ${e.fixed_in}${branch}${kev} — ${e.advisory}`);
      }
      if (r.note) lines.push(`${indent}    note: ${r.note}`);
    } else if (r.status === "not-exposed") {
      lines.push(`${indent}- ${label}: not open to the ${r.checked.length} listed vulnerabilities`);
      if (r.note) lines.push(`${indent}    note: ${r.note}`);
    } else {
      lines.push(`${indent}? ${r.app_id ? `${r.product_name} (${r.app_id})` : r.product_name}: ${r.note ?? "version unknown"} — check it on the device`);
    }
  }
  const hardening = hardeningLine(records);
  if (hardening) lines.push(`${indent}${hardening}`);
  return lines;
}

/** What to do, once per exposed product, then the hardening step. */
export function adviceLines(records: ExposureRecord[], indent = "  "): string[] {
  const lines: string[] = [];
  for (const r of records) {
    if (r.status !== "exposed") continue;
    const name = r.kind === "os" ? r.os_name : r.product_name;
    const where = EXPOSURE_DATA.products[r.product]?.update;
    const target = r.platform === "android" && r.kind === "os" ? `a security patch level of ${r.update_to} or later` : `${r.update_to} or later`;
    const stuck = r.exposed_to.some((e) => e.basis === "no-fix-for-branch")
      ? " A device that cannot install it stays open to the bugs with no fix for its release line: replace it."
      : "";
    lines.push(`${indent}Update ${name} to ${target}${where ? ` (${where})` : ""}.${stuck}`);
  }
  if (!lines.length) return lines;
  const os = records.find((r) => r.kind === "os");
  if (os?.platform === "ios") {
    lines.push(os.lockdown_mode === true ? `${indent}Lockdown Mode is on: keep it on.` : `${indent}If the person may be targeted, turn on Lockdown Mode (Settings > Privacy & Security > Lockdown Mode, iOS 16 or later).`);
  } else if (os?.platform === "android") {
    lines.push(os.advanced_protection === true ? `${indent}Advanced Protection is on: keep it on.` : `${indent}If the person may be targeted, turn on Advanced Protection (Android 16 or later: Settings > Security & privacy > Advanced Protection).`);
  }
  return lines;
}

/** The "Exposure" section of a scan summary. */
export function exposureSection(records: ExposureRecord[]): string[] {
  if (!records.length) return [];
  const reviewed = records[0].data_reviewed;
  const lines = [`Exposure to spyware-exploited vulnerabilities (spyscope's list, reviewed ${reviewed}; not a sign of infection):`];
  lines.push(...exposureLines(records));
  lines.push(...adviceLines(records));
  return lines;
}

export function exposureJson(records: ExposureRecord[]): Record<string, unknown>[] {
  return records.map((r) => ({
    product: r.product,
    app_id: r.app_id,
    version: r.version,
    build: r.build,
    status: r.status,
    update_to: r.update_to,
    exposed_to: r.exposed_to.map((e) => ({ cve: e.cve, campaign: e.campaign, fixed_in: e.fixed_in, basis: e.basis, kev_date_added: e.kev_date_added, advisory: e.advisory })),
    ...(r.kind === "os" ? (r.platform === "ios" ? { lockdown_mode: r.lockdown_mode } : { advanced_protection: r.advanced_protection }) : {}),
  }));
}
