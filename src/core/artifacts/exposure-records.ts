// What the iOS and Android exposure modules share: an ExposureReport as records (one per product version
// checked) and the findings a record carries. Findings come from the record alone, so check-iocs re-reads
// them from exposure.json unchanged.

import type { ExposureReport, ProductAssessment } from "../analysis/exposure.js";
import type { Analyzer, Emit, RecordData } from "../types.js";

export interface ExposureRecord extends RecordData {
  platform: string;
  product: string;
  product_name: string;
  kind: string;
  app_id: string | null;
  version: string | null;
  compared_version: string | null;
  os_name: string;
  os_version: string | null;
  build: string | null;
  status: string;
  update_to: string | null;
  exposed_to: ExposedEntry[];
  checked: string[];
  lockdown_mode: boolean | null;
  advanced_protection: boolean | null;
  note: string | null;
  data_reviewed: string;
  kev_catalog: string;
}

export interface ExposedEntry {
  cve: string;
  name: string;
  campaign: string;
  exploited: string;
  basis: string;
  fixed_in: string;
  fixed_release: string;
  advisory: string;
  fixed_versions: string[];
  kev_date_added: string | null;
  sources: string[];
  advice: string;
}

function record(report: ExposureReport, p: ProductAssessment): ExposureRecord {
  return {
    platform: report.platform,
    product: p.product,
    product_name: p.productName,
    kind: p.kind,
    app_id: p.appId ?? null,
    version: p.version,
    compared_version: p.comparedVersion ?? null,
    os_name: report.os.name,
    os_version: report.os.version,
    build: p.kind === "os" ? (report.os.build ?? null) : null,
    status: p.status,
    update_to: p.updateTo,
    exposed_to: p.findings.map((f) => ({
      cve: f.cve,
      name: f.name,
      campaign: f.campaign,
      exploited: f.exploited,
      basis: f.basis,
      fixed_in: f.fixedIn,
      fixed_release: f.fixedRelease,
      advisory: f.advisory,
      fixed_versions: f.fixedVersions,
      kev_date_added: f.kev?.dateAdded ?? null,
      sources: f.sources,
      advice: f.advice,
    })),
    checked: p.checked,
    lockdown_mode: report.platform === "ios" ? report.lockdownMode : null,
    advanced_protection: report.platform === "android" ? report.advancedProtection : null,
    note: p.note ?? null,
    data_reviewed: report.dataReviewed,
    kev_catalog: report.kevCatalogVersion,
  };
}

export function* exposureRecords(report: ExposureReport): Iterable<ExposureRecord> {
  for (const p of report.products) yield record(report, p);
}

/** "iOS 14.3 (18C66)", "Android 14 (security patch level 2024-12-01)", "WhatsApp for iOS 2.19.50". */
export function productLabel(r: ExposureRecord): string {
  const version = r.version ?? "(version not recorded)";
  if (r.kind !== "os") return `${r.product_name} ${version}${r.compared_version ? ` (= ${r.compared_version})` : ""}`;
  if (r.platform === "android") return `${r.os_name}${r.os_version ? ` ${r.os_version}` : ""} (security patch level ${version})`;
  return `${r.os_name} ${version}${r.build ? ` (${r.build})` : ""}`;
}

/** One MEDIUM finding per exposed CVE; INFORMATIONAL when nothing listed applies or the version is unknown.
 *  MEDIUM, not HIGH: an old version is a risk to fix now, not a sign that the device was attacked. */
export function emitExposure(r: ExposureRecord, emit: Emit): void {
  const label = productLabel(r);
  if (r.status === "exposed") {
    for (const e of r.exposed_to) {
      const kev = e.kev_date_added ? `; in CISA's Known Exploited Vulnerabilities catalog since ${e.kev_date_added}` : "";
      emit({
        level: "medium",
        heuristic: "exposure.vulnerable_version",
        message:
          `${label} is open to ${e.cve}, ${e.name} — exploited in the wild by ${e.campaign}${kev}. ` +
          `Fixed in ${e.fixed_release}. ${e.advice} Source: ${e.advisory}`,
        record: r,
      });
    }
  } else if (r.status === "not-exposed") {
    emit({
      level: "info",
      heuristic: "exposure.not_exposed",
      message:
        `${label} is not open to the ${r.checked.length} spyware-exploited vulnerabilities spyscope lists for it ` +
        `(${r.checked.join(", ")}; list reviewed ${r.data_reviewed}). Newer bugs may not be listed: keep it updated.`,
      record: r,
    });
  } else {
    const what = r.app_id ? `${r.product_name} (${r.app_id}) is installed, but` : `${r.product_name}:`;
    emit({
      level: "info",
      heuristic: "exposure.unknown_version",
      message:
        `${what} ${r.note ?? "the version is unknown"}. Check the version on the device: spyscope lists ` +
        `${r.checked.length} spyware-exploited vulnerabilities for it (${r.checked.join(", ")}).`,
      record: r,
    });
  }
}

export function exposureAnalyzer(): Analyzer<ExposureRecord> {
  return { onRecord: emitExposure };
}

/** Does a record read back from exposure.json come from the given platform's module? */
export const exposureClaims = (platform: string) => (r: RecordData) => r.platform === platform && typeof r.product === "string";
