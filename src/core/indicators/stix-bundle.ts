// STIX 2.1 bundle (parsed JSON) → indicators, named after the malware / report they belong to.
// Tolerant of what public feeds contain: unknown keys, odd patterns and missing relationships become
// warnings, never exceptions.

import type { Indicator, IndicatorKind } from "../types.js";
import { parseStixPattern } from "./stix-pattern.js";

/** Object types whose name becomes the collection name, most specific first. */
const NAMED_TYPES = ["malware", "intrusion-set", "threat-actor", "campaign", "report"] as const;

const KIND_BY_KEY: Record<string, IndicatorKind> = {
  "domain-name:value": "domains",
  "ipv4-addr:value": "ip_addresses",
  "ipv6-addr:value": "ip_addresses",
  "url:value": "urls",
  "process:name": "processes",
  "email-addr:value": "emails",
  "file:name": "file_names",
  "file:path": "file_paths",
  "file:hashes.md5": "files_md5",
  "file:hashes.sha1": "files_sha1",
  "file:hashes.sha256": "files_sha256",
  "app:id": "app_ids",
  "app:cert.md5": "app_cert_hashes",
  "app:cert.sha1": "app_cert_hashes",
  "app:cert.sha256": "app_cert_hashes",
  "configuration-profile:id": "ios_profile_ids",
  "android-property:name": "android_property_names",
};

/** Kinds whose values are compared case-insensitively (stored lower-cased). */
const CASE_INSENSITIVE: ReadonlySet<IndicatorKind> = new Set<IndicatorKind>([
  "domains",
  "ip_addresses",
  "emails",
  "files_md5",
  "files_sha1",
  "files_sha256",
  "app_ids",
  "app_cert_hashes",
  "ios_profile_ids",
  "android_property_names",
]);

export interface LoadedBundle {
  /** Base name of the file the bundle came from. */
  sourceFile: string;
  /** Indicators, deduplicated within the bundle (kind + value + collection). */
  indicators: Indicator[];
  /** Distinct collection names, in order of first use. */
  collections: string[];
  /** Indicator objects in the bundle (before mapping and deduplication). */
  indicatorObjects: number;
  warnings: string[];
  /** Set when the input is not a STIX bundle at all. */
  error: string | null;
}

interface StixObject {
  type?: unknown;
  id?: unknown;
  name?: unknown;
  pattern?: unknown;
  pattern_type?: unknown;
  revoked?: unknown;
  relationship_type?: unknown;
  source_ref?: unknown;
  target_ref?: unknown;
  object_refs?: unknown;
}

/**
 * Canonical key of an object path: lower case, quotes gone and hash algorithm names without dashes,
 * so `file:hashes.'SHA-256'` and `file:hashes.sha256` are the same key.
 */
export function canonicalObjectPath(objectType: string, properties: string[]): string {
  const parts = properties.map((p, i) => {
    const lower = p.toLowerCase();
    const parent = properties[i - 1]?.toLowerCase();
    return parent === "hashes" || parent === "cert" ? lower.replace(/[-_\s]/g, "") : lower;
  });
  return `${objectType.toLowerCase()}:${parts.join(".")}`;
}

/** The indicator kind for a canonical object path, or null when spyscope cannot match it. */
export function kindForObjectPath(key: string): IndicatorKind | null {
  return Object.prototype.hasOwnProperty.call(KIND_BY_KEY, key) ? KIND_BY_KEY[key] : null;
}

/** Stored form of an indicator value: trimmed, lower-cased for case-insensitive kinds, no trailing dot on domains. */
export function indicatorValue(kind: IndicatorKind, raw: string): string {
  let v = raw.trim();
  if (CASE_INSENSITIVE.has(kind)) v = v.toLowerCase();
  if (kind === "domains") while (v.endsWith(".")) v = v.slice(0, -1);
  return v;
}

export function baseName(path: string): string {
  const i = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  return i === -1 ? path : path.slice(i + 1);
}

function str(v: unknown): string | null {
  return typeof v === "string" && v ? v : null;
}

const NAMED_TYPE_SET: ReadonlySet<string> = new Set(NAMED_TYPES);

/**
 * Resolves the collection name of each indicator: its `indicates` relationship, else a report listing it,
 * else the bundle's single malware (or report), else the file name. Fed in one pass over the objects.
 */
class CollectionNamer {
  private readonly named = new Map<string, { type: string; name: string }>();
  /** Indicator id → ids it indicates (resolved against `named` at the end, whatever the object order). */
  private readonly linked = new Map<string, string[]>();
  private readonly reportOf = new Map<string, string>();
  private fallback = "";

  see(o: StixObject): void {
    const type = o.type;
    if (type === "relationship") {
      if (o.relationship_type === "indicates") this.link(str(o.source_ref), str(o.target_ref));
      return;
    }
    if (typeof type !== "string" || !NAMED_TYPE_SET.has(type)) return;
    const id = str(o.id);
    const name = str(o.name);
    if (!id || !name) return;
    this.named.set(id, { type, name });
    if (type === "report" && Array.isArray(o.object_refs)) {
      for (const ref of o.object_refs) if (typeof ref === "string" && !this.reportOf.has(ref)) this.reportOf.set(ref, name);
    }
  }

  finish(fileName: string): void {
    this.fallback = this.singleNamed("malware") ?? this.singleNamed("report") ?? fileName;
  }

  private link(source: string | null, target: string | null): void {
    if (!source || !target) return;
    const list = this.linked.get(source);
    if (list) list.push(target);
    else this.linked.set(source, [target]);
  }

  private singleNamed(type: string): string | null {
    const names = [...this.named.values()].filter((n) => n.type === type);
    return names.length === 1 ? names[0].name : null;
  }

  nameFor(indicatorId: string): string {
    const targets = this.linked.get(indicatorId);
    if (targets) {
      let best: { type: string; name: string } | undefined;
      for (const t of targets) {
        const n = this.named.get(t);
        if (n && (!best || NAMED_TYPES.indexOf(n.type as (typeof NAMED_TYPES)[number]) < NAMED_TYPES.indexOf(best.type as (typeof NAMED_TYPES)[number]))) best = n;
      }
      if (best) return best.name;
    }
    return this.reportOf.get(indicatorId) ?? this.fallback;
  }
}

/** Counts repeated warnings so that a feed with 500 odd patterns yields one line, not 500. */
class WarningTally {
  private readonly counts = new Map<string, { count: number; example: string }>();

  add(key: string, example = ""): void {
    const entry = this.counts.get(key);
    if (entry) entry.count++;
    else this.counts.set(key, { count: 1, example });
  }

  lines(fileName: string): string[] {
    return [...this.counts].map(([key, { count, example }]) => {
      const n = count === 1 ? "1 indicator" : `${count} indicators`;
      return `${fileName}: ${n} ${key}${example ? ` (e.g. ${example})` : ""}`;
    });
  }
}

function notABundle(sourceFile: string, error: string): LoadedBundle {
  return { sourceFile, indicators: [], collections: [], indicatorObjects: 0, warnings: [`${sourceFile}: ${error}`], error };
}

/** Loads the indicators of a parsed STIX 2.1 bundle. `fileName` may be a path; its base name is kept. */
export function loadStixBundle(json: unknown, fileName: string): LoadedBundle {
  const sourceFile = baseName(fileName);
  if (!json || typeof json !== "object" || Array.isArray(json)) return notABundle(sourceFile, "not a STIX bundle (not a JSON object)");
  const bundle = json as { type?: unknown; objects?: unknown };
  if (!Array.isArray(bundle.objects)) return notABundle(sourceFile, "not a STIX bundle (no objects array)");
  const warnings: string[] = [];
  if (bundle.type !== "bundle") warnings.push(`${sourceFile}: type is ${JSON.stringify(bundle.type)}, not "bundle"; read anyway`);

  const namer = new CollectionNamer();
  const indicatorObjectList: StixObject[] = [];
  for (const o of bundle.objects as unknown[]) {
    if (!o || typeof o !== "object") continue;
    if ((o as StixObject).type === "indicator") indicatorObjectList.push(o as StixObject);
    else namer.see(o as StixObject);
  }
  namer.finish(sourceFile);
  const tally = new WarningTally();
  // Value → indicators with that value: deduplication without building a key string per indicator.
  const seen = new Map<string, Indicator[]>();
  const kindByPath = new Map<string, IndicatorKind | null>();
  const indicators: Indicator[] = [];
  const collections: string[] = [];
  const indicatorObjects = indicatorObjectList.length;

  for (const o of indicatorObjectList) {
    const id = str(o.id) ?? "";
    if (o.revoked === true) {
      tally.add("revoked, skipped");
      continue;
    }
    if (o.pattern_type !== undefined && o.pattern_type !== "stix") {
      tally.add(`with pattern_type ${JSON.stringify(o.pattern_type)} skipped`);
      continue;
    }
    const parsed = parseStixPattern(o.pattern);
    if (parsed.error) {
      tally.add("with an unparsable pattern skipped", `${id}: ${parsed.error}`);
      continue;
    }
    for (const w of parsed.warnings) tally.add(`pattern note: ${w}`, id);
    if (parsed.comparisons.length === 0 && parsed.warnings.length === 0) tally.add("without any equality comparison skipped", id);
    const collection = namer.nameFor(id);
    for (const c of parsed.comparisons) {
      let kind = kindByPath.get(c.objectPath);
      if (kind === undefined) kindByPath.set(c.objectPath, (kind = kindForObjectPath(canonicalObjectPath(c.objectType, c.properties))));
      if (!kind) {
        tally.add(`with unsupported key "${canonicalObjectPath(c.objectType, c.properties)}" skipped`);
        continue;
      }
      const value = indicatorValue(kind, c.value);
      if (!value) {
        tally.add(`with an empty ${c.objectPath} value skipped`, id);
        continue;
      }
      const same = seen.get(value);
      if (same?.some((i) => i.kind === kind && i.collection === collection)) continue;
      const indicator: Indicator = { value, kind, collection, sourceFile, id };
      if (same) same.push(indicator);
      else seen.set(value, [indicator]);
      indicators.push(indicator);
      if (!collections.includes(collection)) collections.push(collection);
    }
  }
  warnings.push(...tally.lines(sourceFile));
  return { sourceFile, indicators, collections, indicatorObjects, warnings, error: null };
}
