// Central types of the one flow:
// evidence → artifact modules (records) → observables → IndicatorSet.match → detections + timeline → writers.
// Nothing here may import node:* — the core also runs in the browser.

/** Severity, as MVT's levels so analysts keep their habits. */
export type Level = "critical" | "high" | "medium" | "low" | "info";

/** Level names exactly as MVT writes them in alerts.json. */
export const MVT_LEVEL: Record<Level, string> = {
  critical: "CRITICAL",
  high: "HIGH",
  medium: "MEDIUM",
  low: "LOW",
  info: "INFORMATIONAL",
};

export const LEVEL_ORDER: Level[] = ["critical", "high", "medium", "low", "info"];

/** Typed values a record exposes to the matcher. Modules never compare against indicators themselves. */
export type ObservableType =
  | "url"
  | "domain"
  | "ipv4"
  | "ipv6"
  | "process"
  | "email"
  | "file_name"
  | "file_path"
  | "md5"
  | "sha1"
  | "sha256"
  | "app_id"
  | "app_cert"
  | "profile_id"
  | "android_property";

export interface Observable {
  type: ObservableType;
  value: string;
}

/** Indicator kinds, named as MVT names its IOC collections (they appear in matched_indicator.type). */
export type IndicatorKind =
  | "domains"
  | "ip_addresses"
  | "urls"
  | "processes"
  | "emails"
  | "file_names"
  | "file_paths"
  | "files_md5"
  | "files_sha1"
  | "files_sha256"
  | "app_ids"
  | "app_cert_hashes"
  | "ios_profile_ids"
  | "android_property_names";

export interface Indicator {
  /** Normalised value used for matching (lower-cased where matching is case-insensitive). */
  value: string;
  kind: IndicatorKind;
  /** Collection name: the malware / report / intrusion-set the bundle names. */
  collection: string;
  /** Base name of the STIX2 file it came from. */
  sourceFile: string;
  /** STIX id of the indicator object. */
  id: string;
}

export interface IndicatorMatch {
  indicator: Indicator;
  observable: Observable;
  /** How it matched, e.g. "exact", "parent-domain", "url", "truncated-process". */
  how: string;
  /** An MVT-style sentence: `Found a known suspicious domain … matching indicator "…" from "…"`. */
  message: string;
}

/** The one indicator matcher. Implemented by IndicatorSet in core/indicators. */
export interface Matcher {
  match(observable: Observable): IndicatorMatch[];
  readonly size: number;
}

/** A plain JSON-able record as a module yields it (MVT's per-module JSON entries). */
export type RecordData = Record<string, unknown>;

export interface TimelineEvent {
  /** UTC, "YYYY-MM-DD HH:MM:SS.ffffff" (MVT's format; sorts lexicographically). */
  timestamp: string;
  /** MVT's "Plugin" column (its class name, e.g. "SMS", "Manifest"). */
  module: string;
  event: string;
  data: string;
}

export interface Detection {
  level: Level;
  /** Module id, e.g. "sms". */
  module: string;
  message: string;
  /** UTC "YYYY-MM-DD HH:MM:SS.ffffff" or "" (MVT leaves it empty for indicator matches). */
  eventTime: string;
  record: unknown;
  match: IndicatorMatch | null;
  /** Heuristic id for indicator-free findings, e.g. "datausage.pid_gap". */
  heuristic?: string;
}

/** A heuristic finding emitted by a module's analyzer (the engine turns it into a Detection). */
export interface Finding {
  level: Level;
  message: string;
  record: unknown;
  eventTime?: string;
  heuristic: string;
}

export type Emit = (finding: Finding) => void;

/** Indicator-free checks, created fresh per scan so they can keep state across records. */
export interface Analyzer<R> {
  onRecord?(record: R, emit: Emit): void;
  onEnd?(emit: Emit): void;
}

/** A URL seen in the evidence, as MVT's urls.json lists them. */
export interface UrlSighting {
  url: string;
  expanded_url: string | null;
  timestamp: string | null;
  source: string;
}

export type Platform = "ios" | "android";
