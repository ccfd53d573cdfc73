// The curated table of spyware-exploited vulnerabilities (data/exposure/vulnerabilities.json), typed and
// checked when loaded: a malformed row fails loudly instead of silently hiding an exposure.

import raw from "../../../data/exposure/vulnerabilities.json" with { type: "json" };
import { parsePatchLevel, parseVersion } from "../util/version.js";
import type { Platform } from "../types.js";

export interface ExposureProduct {
  name: string;
  platform: Platform;
  kind: "os" | "app";
  /** App bundle ids / package names the product is installed as. */
  appIds?: string[];
  /** "dotted" (16.6.1, 2.19.51) or "patch-level" (Android's YYYY-MM-DD security patch level). */
  versioning: "dotted" | "patch-level";
  /** "major": a fix on one major release line (15.7.9) fixes that line only; "none": one line. */
  branches: "major" | "none";
  /** Where the user installs updates. */
  update: string;
}

export interface FixedVersion {
  version: string;
  /** The vendor advisory (or CVE record) whose text names this version. */
  advisory: string;
  /** The release as the advisory names it, e.g. "iOS 15.7.9 and iPadOS 15.7.9". */
  release: string;
  /** "ipad" when only iPadOS got this release (iPads that cannot run the next major version). */
  devices?: "ipad";
}

export interface VulnerabilityRow {
  product: string;
  cve: string;
  name: string;
  campaign: string;
  /** The vendor's or CISA's statement that it was exploited. */
  exploited: string;
  /** First affected version when the advisory gives one (versions before it are not affected). */
  introduced?: string;
  fixed: FixedVersion[];
  sources: string[];
  /** CISA KEV listing as of the catalog version the file names; null when not listed there. */
  kev: { dateAdded: string } | null;
  kevNote?: string;
  advice?: string;
}

export interface ExposureData {
  schema: number;
  reviewed: string;
  kevCatalog: { catalogVersion: string; url: string };
  products: Record<string, ExposureProduct>;
  vulnerabilities: VulnerabilityRow[];
}

const isUrl = (s: unknown) => typeof s === "string" && /^https:\/\/[^\s]+$/.test(s);

/** Throws with the row and field at fault when the table is not usable. */
export function validateExposureData(data: unknown): ExposureData {
  const d = data as ExposureData;
  const problems: string[] = [];
  if (!d || typeof d !== "object" || d.schema !== 1) throw new Error("exposure data: not a schema 1 vulnerability table");
  if (!d.products || typeof d.products !== "object") problems.push("no products");
  if (!Array.isArray(d.vulnerabilities)) problems.push("no vulnerabilities");
  for (const [id, p] of Object.entries(d.products ?? {})) {
    if (p.platform !== "ios" && p.platform !== "android") problems.push(`product ${id}: platform`);
    if (p.kind === "app" && !p.appIds?.length) problems.push(`product ${id}: an app needs appIds`);
    if (p.versioning !== "dotted" && p.versioning !== "patch-level") problems.push(`product ${id}: versioning`);
  }
  for (const [i, r] of (d.vulnerabilities ?? []).entries()) {
    const at = `row ${i} (${r?.product} ${r?.cve})`;
    const product = d.products?.[r.product];
    if (!product) problems.push(`${at}: unknown product`);
    if (!/^CVE-\d{4}-\d{4,}$/.test(r.cve ?? "")) problems.push(`${at}: cve`);
    if (!r.name || !r.campaign || !r.exploited) problems.push(`${at}: name, campaign and exploited are required`);
    if (!Array.isArray(r.sources) || !r.sources.length || !r.sources.every(isUrl)) problems.push(`${at}: sources must be https URLs`);
    if (!Array.isArray(r.fixed) || !r.fixed.length) problems.push(`${at}: no fixed version`);
    const valid = product?.versioning === "patch-level" ? parsePatchLevel : parseVersion;
    for (const f of r.fixed ?? []) {
      if (!valid(f.version)) problems.push(`${at}: fixed version ${f.version}`);
      if (!isUrl(f.advisory)) problems.push(`${at}: fixed ${f.version} has no advisory URL`);
      if (!f.release) problems.push(`${at}: fixed ${f.version} has no release name`);
      if (f.devices !== undefined && f.devices !== "ipad") problems.push(`${at}: fixed ${f.version} devices must be "ipad"`);
    }
    if (r.introduced !== undefined && !valid(r.introduced)) problems.push(`${at}: introduced ${r.introduced}`);
    if (r.kev !== null && !/^\d{4}-\d{2}-\d{2}$/.test(r.kev?.dateAdded ?? "")) problems.push(`${at}: kev must be null or { dateAdded }`);
  }
  if (problems.length) throw new Error(`exposure data: ${problems.join("; ")}`);
  return d;
}

/** The table shipped with spyscope. */
export const EXPOSURE_DATA: ExposureData = validateExposureData(raw);
