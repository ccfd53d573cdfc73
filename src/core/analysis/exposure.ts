// Exposure: the OS and app versions an acquisition records × the curated table of spyware-exploited
// vulnerabilities → which versions are still open to which bug, what fixes it and what to do.
// Never a verdict about compromise, and never "safe": only "not open to the bugs listed here".

import type { Platform } from "../types.js";
import { compareVersions, parsePatchLevel, parseVersion } from "../util/version.js";
import { EXPOSURE_DATA, type ExposureData, type ExposureProduct, type FixedVersion, type VulnerabilityRow } from "./exposure-data.js";

export interface ExposureFacts {
  platform: Platform;
  os: { name: string; version: string | null; build?: string | null; securityPatch?: string | null; model?: string | null };
  apps: { id: string; name?: string | null; version: string | null }[];
  /** iOS Lockdown Mode; null when the acquisition does not say. */
  lockdownMode?: boolean | null;
  /** Android Advanced Protection; null when the acquisition does not say. */
  advancedProtection?: boolean | null;
  /** Where the facts were read (file names), for the report. */
  sources: string[];
}

/** Why a version counts as exposed. */
export type ExposureBasis =
  /** Below the fix on its own release line (e.g. 15.7.8 < 15.7.9). */
  | "below-fix"
  /** Its release line got no fix; only newer lines did (e.g. iOS 14 for BLASTPASS). */
  | "no-fix-for-branch";

export interface ExposureFinding {
  product: string;
  productName: string;
  version: string;
  cve: string;
  name: string;
  campaign: string;
  exploited: string;
  basis: ExposureBasis;
  /** The version to update to at least (on the same release line when one was fixed). */
  fixedIn: string;
  fixedRelease: string;
  advisory: string;
  /** Every fixed version of the row, newest line first. */
  fixedVersions: string[];
  sources: string[];
  kev: { dateAdded: string } | null;
  advice: string;
}

export type ProductStatus = "exposed" | "not-exposed" | "unknown-version";

export interface ProductAssessment {
  product: string;
  productName: string;
  kind: "os" | "app";
  /** App bundle id / package name (apps only). */
  appId?: string;
  /** The version as the acquisition records it (Android OS: the security patch level). */
  version: string | null;
  /** The version compared against the table, when it differs from `version` (normalised). */
  comparedVersion?: string;
  status: ProductStatus;
  findings: ExposureFinding[];
  /** Every CVE of the table checked for this product. */
  checked: string[];
  /** Oldest version that closes every listed exposure (highest fixedIn), when exposed. */
  updateTo: string | null;
  note?: string;
}

export interface ExposureReport {
  platform: Platform;
  os: ExposureFacts["os"];
  lockdownMode: boolean | null;
  advancedProtection: boolean | null;
  products: ProductAssessment[];
  dataReviewed: string;
  kevCatalogVersion: string;
}

const LOCKDOWN_PATH = "Settings > Privacy & Security > Lockdown Mode";
const ADVANCED_PROTECTION_PATH = "Settings > Security & privacy > Advanced Protection";

function versionsOf(product: ExposureProduct) {
  return product.versioning === "patch-level" ? parsePatchLevel : parseVersion;
}

/** WhatsApp's App Store short version drops the leading "2." its advisories use (25.21.73 = 2.25.21.73). */
export function normaliseAppVersion(productId: string, version: string): string {
  if (!productId.startsWith("whatsapp")) return version;
  const p = parseVersion(version);
  return p && p[0] >= 10 ? `2.${version.trim()}` : version;
}

interface Verdict {
  exposed: boolean;
  basis?: ExposureBasis;
  fix?: FixedVersion;
}

/** Is `version` open to a row? Branch-aware: 15.7.9 fixes the 15 line, 16.6.1 the 16 line; a line newer than
 *  every fixed line was released with the fix; a line older than some fixed line and without its own fix
 *  stays open (the vendor shipped no fix for it). */
export function verdict(version: string, row: VulnerabilityRow, product: ExposureProduct, device: "iphone" | "ipad" | null = null): Verdict {
  if (row.introduced && compareVersions(version, row.introduced) < 0) return { exposed: false };
  const fixes = row.fixed
    .filter((f) => !f.devices || device === null || f.devices === device)
    .sort((a, b) => compareVersions(b.version, a.version));
  if (product.branches === "none") {
    const oldest = fixes[fixes.length - 1];
    return compareVersions(version, oldest.version) < 0 ? { exposed: true, basis: "below-fix", fix: oldest } : { exposed: false };
  }
  const major = parseVersion(version)![0];
  const line = fixes.find((f) => parseVersion(f.version)![0] === major);
  if (line) return compareVersions(version, line.version) < 0 ? { exposed: true, basis: "below-fix", fix: line } : { exposed: false };
  const newer = fixes.filter((f) => parseVersion(f.version)![0] > major);
  if (!newer.length) return { exposed: false };
  return { exposed: true, basis: "no-fix-for-branch", fix: newer[newer.length - 1] };
}

/** iPhone or iPad from the model ("iPhone9,3", "iPad8,1"); null when unknown. */
function deviceOf(facts: ExposureFacts): "iphone" | "ipad" | null {
  if (facts.platform !== "ios") return null;
  const model = facts.os.model ?? "";
  if (model.startsWith("iPad")) return "ipad";
  if (model.startsWith("iPhone") || model.startsWith("iPod")) return "iphone";
  return facts.os.name === "iPadOS" ? "ipad" : null;
}

function hardeningAdvice(facts: ExposureFacts): string {
  if (facts.platform === "ios") {
    if (facts.lockdownMode === true) return "Lockdown Mode is on: it narrows these attack paths but does not fix the bug.";
    const major = parseVersion(facts.os.version)?.[0];
    if (major !== undefined && major < 16) return "Lockdown Mode needs iOS 16 or later: one more reason to update.";
    return `If the person may be targeted, turn on Lockdown Mode (${LOCKDOWN_PATH}).`;
  }
  if (facts.advancedProtection === true) return "Advanced Protection is on: it narrows these attack paths but does not fix the bug.";
  return `If the person may be targeted and the phone runs Android 16 or later, turn on Advanced Protection (${ADVANCED_PROTECTION_PATH}).`;
}

function adviceFor(finding: Omit<ExposureFinding, "advice">, product: ExposureProduct, row: VulnerabilityRow, facts: ExposureFacts): string {
  const parts: string[] = [];
  const name = product.kind === "os" ? facts.os.name : product.name;
  const target = product.versioning === "patch-level" ? `a security patch level of ${finding.fixedIn} or later` : `${finding.fixedIn} or later`;
  if (finding.basis === "no-fix-for-branch") {
    const line = parseVersion(finding.version)?.[0];
    parts.push(
      `No fix was released for ${name} ${line}.x: update to ${target} (${product.update}); ` +
        `a device that cannot run it stays open to this bug and should be replaced.`,
    );
  } else {
    parts.push(`Update ${name} to ${target} (${product.update}); the newest version available is best.`);
  }
  parts.push(hardeningAdvice(facts));
  if (row.advice) parts.push(row.advice);
  return parts.join(" ");
}

function assessVersion(
  productId: string,
  product: ExposureProduct,
  rows: VulnerabilityRow[],
  version: string,
  facts: ExposureFacts,
): ExposureFinding[] {
  const findings: ExposureFinding[] = [];
  for (const row of rows) {
    const v = verdict(version, row, product, deviceOf(facts));
    if (!v.exposed || !v.fix || !v.basis) continue;
    const base = {
      product: productId,
      productName: product.name,
      version,
      cve: row.cve,
      name: row.name,
      campaign: row.campaign,
      exploited: row.exploited,
      basis: v.basis,
      fixedIn: v.fix.version,
      fixedRelease: v.fix.release,
      advisory: v.fix.advisory,
      fixedVersions: [...row.fixed].sort((a, b) => compareVersions(b.version, a.version)).map((f) => f.version),
      sources: row.sources,
      kev: row.kev,
    };
    findings.push({ ...base, advice: adviceFor(base, product, row, facts) });
  }
  return findings;
}

function highest(versions: string[]): string | null {
  return versions.reduce<string | null>((best, v) => (best === null || compareVersions(v, best) > 0 ? v : best), null);
}

function assessment(
  productId: string,
  product: ExposureProduct,
  rows: VulnerabilityRow[],
  recorded: string | null,
  facts: ExposureFacts,
  appId?: string,
): ProductAssessment {
  const checked = rows.map((r) => r.cve);
  const base = { product: productId, productName: product.name, kind: product.kind, ...(appId ? { appId } : {}), checked };
  const compared = recorded === null ? null : product.kind === "app" ? normaliseAppVersion(productId, recorded) : recorded;
  const valid = compared === null ? null : versionsOf(product)(compared);
  if (compared === null || valid === null) {
    return {
      ...base,
      version: recorded,
      status: "unknown-version",
      findings: [],
      updateTo: null,
      note: recorded === null ? "the acquisition does not record this version" : `unreadable version ${JSON.stringify(recorded)}`,
    };
  }
  const findings = assessVersion(productId, product, rows, compared, facts);
  return {
    ...base,
    version: recorded,
    ...(compared !== recorded ? { comparedVersion: compared } : {}),
    status: findings.length ? "exposed" : "not-exposed",
    findings,
    updateTo: highest(findings.map((f) => f.fixedIn)),
  };
}

/** Assess every OS and app version of the facts that the table has rows for. Apps the table does not list
 *  are not reported. */
export function assessExposure(facts: ExposureFacts, data: ExposureData = EXPOSURE_DATA): ExposureReport {
  const products: ProductAssessment[] = [];
  const rowsOf = (id: string) => data.vulnerabilities.filter((r) => r.product === id);
  // The OS first, then apps, each in the table's order.
  const ordered = Object.entries(data.products).sort(([, a], [, b]) => (a.kind === b.kind ? 0 : a.kind === "os" ? -1 : 1));
  for (const [id, product] of ordered) {
    if (product.platform !== facts.platform) continue;
    const rows = rowsOf(id);
    if (!rows.length) continue;
    if (product.kind === "os") {
      const recorded = product.versioning === "patch-level" ? (facts.os.securityPatch ?? null) : facts.os.version;
      products.push(assessment(id, product, rows, recorded, facts));
      continue;
    }
    for (const app of facts.apps) {
      if (!product.appIds?.includes(app.id)) continue;
      products.push(assessment(id, product, rows, app.version, facts, app.id));
    }
  }
  return {
    platform: facts.platform,
    os: facts.os,
    lockdownMode: facts.lockdownMode ?? null,
    advancedProtection: facts.advancedProtection ?? null,
    products,
    dataReviewed: data.reviewed,
    kevCatalogVersion: data.kevCatalog.catalogVersion,
  };
}
