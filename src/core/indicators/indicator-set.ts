// The one indicator matcher: every indicator is compiled into hash maps keyed by its normalised value,
// so a match is a handful of Map lookups whatever the number of indicators.

import type { Indicator, IndicatorKind, IndicatorMatch, Matcher, Observable } from "../types.js";
import { canonicalIp, domainAndParents, parseHost, parseUrl, urlKey, urlKeyOfHref, type ParsedHost } from "./hosts.js";
import { baseName, loadStixBundle, type LoadedBundle } from "./stix-bundle.js";

/** Lengths at which a process name may be a truncated one: iOS logs cut names to 16 characters (MVT's rule),
 *  some to 15. A longer name is a whole name: it matches only exactly. */
const TRUNCATED_PROCESS_MIN = 15;
const TRUNCATED_PROCESS_MAX = 16;

export interface CollectionSummary {
  name: string;
  sourceFile: string;
  total: number;
  counts: Partial<Record<IndicatorKind, number>>;
}

export interface BundleInput {
  /** File name (or path) the bundle came from. */
  name: string;
  /** The parsed JSON. */
  json: unknown;
}

type Index = Map<string, Indicator[]>;

function push(index: Index, key: string, indicator: Indicator): void {
  const list = index.get(key);
  if (list) list.push(indicator);
  else index.set(key, [indicator]);
}

/** Hash values: lower case, without the colons and spaces of fingerprint notation. */
export function normaliseHash(value: string): string {
  return value.trim().toLowerCase().replace(/[:\s]/g, "");
}

/** Paths: single slashes, no trailing slash, no leading "./". Case is kept. */
export function normalisePath(value: string): string {
  let p = value.trim();
  if (p.includes("//")) p = p.replace(/\/{2,}/g, "/");
  if (p.startsWith("./")) p = p.slice(2);
  if (p.length > 1 && p.endsWith("/")) p = p.slice(0, -1);
  return p;
}

function normaliseEmail(value: string): string {
  const v = value.trim().toLowerCase();
  return v.startsWith("mailto:") ? v.slice(7) : v;
}

function processBaseName(value: string): string {
  return baseName(value.trim());
}

const HASH_KIND_BY_LENGTH: Record<number, IndicatorKind> = { 32: "files_md5", 40: "files_sha1", 64: "files_sha256" };
const HASH_KIND_BY_TYPE: Record<string, IndicatorKind> = { md5: "files_md5", sha1: "files_sha1", sha256: "files_sha256" };

/** Simple lookups: observable type → indicator kind, key function and MVT-style message. */
const SIMPLE: Partial<
  Record<Observable["type"], { kind: IndicatorKind; key: (v: string) => string; message: (v: string, i: Indicator) => string }>
> = {
  email: {
    kind: "emails",
    key: normaliseEmail,
    message: (v, i) => `Found a known suspicious email address "${v}" matching indicators from "${i.collection}"`,
  },
  app_id: {
    kind: "app_ids",
    key: (v) => v.trim().toLowerCase(),
    message: (v, i) => `Found a known suspicious app with ID "${v}" matching indicators from "${i.collection}"`,
  },
  app_cert: {
    kind: "app_cert_hashes",
    key: normaliseHash,
    message: (v, i) => `Found a known suspicious app certificate with hash "${v}" matching indicators from "${i.collection}"`,
  },
  profile_id: {
    kind: "ios_profile_ids",
    key: (v) => v.trim().toLowerCase(),
    message: (v, i) => `Found a known suspicious configuration profile with ID "${v}" matching indicators from "${i.collection}"`,
  },
  android_property: {
    kind: "android_property_names",
    key: (v) => v.trim().toLowerCase(),
    message: (v, i) => `Found a known suspicious Android property "${v}" matching indicators from "${i.collection}"`,
  },
};

export class IndicatorSet implements Matcher {
  private readonly byKind = new Map<IndicatorKind, Index>();
  /** The 15- and 16-character prefixes of process indicators, for truncated process names. */
  private readonly processPrefixes: Index = new Map();
  /** Absolute file path indicators (and path-like file names), by normalised path. */
  private readonly absolutePaths: Index = new Map();
  /** Relative file path indicators, matched against any component-aligned part of a path. */
  private readonly relativePaths: Index = new Map();
  /** Last components of the path indicators: a path's ancestor is looked up only when its own last component
   *  is one of them (one short slice and a Set lookup per component instead of a prefix slice per level). */
  private readonly absoluteLast = new Set<string>();
  private readonly relativeLast = new Set<string>();
  private readonly all: Indicator[] = [];
  /** Collection name → source file → summary; `summaryOrder` keeps the load order. */
  private readonly summaries = new Map<string, Map<string, CollectionSummary>>();
  private readonly summaryOrder: CollectionSummary[] = [];
  readonly warnings: string[] = [];

  static fromBundles(bundles: BundleInput[]): IndicatorSet {
    const set = new IndicatorSet();
    for (const b of bundles) set.addBundle(b.json, b.name);
    return set;
  }

  /** From the text (or parsed JSON) of one STIX2 file. */
  static fromStix2(input: string | object, name: string): IndicatorSet {
    const set = new IndicatorSet();
    set.addStix2(input, name);
    return set;
  }

  get size(): number {
    return this.all.length;
  }

  /** Adds the indicators of a parsed STIX bundle; returns what the bundle held (warnings are also kept here). */
  addBundle(json: unknown, name: string): LoadedBundle {
    const loaded = loadStixBundle(json, name);
    this.warnings.push(...loaded.warnings);
    for (const indicator of loaded.indicators) this.addOne(indicator);
    return loaded;
  }

  /** Like addBundle, from the file's text; invalid JSON becomes a warning. */
  addStix2(input: string | object, name: string): LoadedBundle {
    if (typeof input !== "string") return this.addBundle(input, name);
    let json: unknown;
    try {
      json = JSON.parse(input);
    } catch (e) {
      return this.rejected(name, `invalid JSON: ${(e as Error).message}`);
    }
    return this.addBundle(json, name);
  }

  private rejected(name: string, error: string): LoadedBundle {
    const sourceFile = baseName(name);
    const warning = `${sourceFile}: ${error}`;
    this.warnings.push(warning);
    return { sourceFile, indicators: [], collections: [], indicatorObjects: 0, warnings: [warning], error };
  }

  /** Adds indicators (duplicates of kind + value + collection are ignored); returns how many were new. */
  add(...indicators: Indicator[]): number {
    let added = 0;
    for (const indicator of indicators) if (this.addOne(indicator)) added++;
    return added;
  }

  private addOne(indicator: Indicator): boolean {
    const key = this.keyFor(indicator);
    if (key === null) return false;
    let map = this.byKind.get(indicator.kind);
    if (!map) this.byKind.set(indicator.kind, (map = new Map()));
    const same = map.get(key);
    // Same kind, same normalised value, same collection: a duplicate (lists here hold one or two entries).
    if (same?.some((i) => i.collection === indicator.collection)) return false;
    if (same) same.push(indicator);
    else map.set(key, [indicator]);
    this.all.push(indicator);
    this.indexSpecial(indicator, key);
    this.count(indicator);
    return true;
  }

  /** The lookup key of an indicator; null (with a warning) when it can never match. */
  private keyFor(ind: Indicator): string | null {
    const value = typeof ind.value === "string" ? ind.value : "";
    switch (ind.kind) {
      case "domains": {
        const host = parseHost(value);
        if (host && /[/?#@]/.test(value)) this.warnings.push(`${ind.sourceFile}: domain indicator "${value}" is not a bare host; matched by its host ${host.host}`);
        return host?.host || this.unusable(ind);
      }
      case "ip_addresses":
        return canonicalIp(value)?.ip ?? (value.trim().toLowerCase() || this.unusable(ind));
      case "urls":
        return urlKey(value) || this.unusable(ind);
      case "file_paths":
        return normalisePath(value) || this.unusable(ind);
      case "emails":
        return normaliseEmail(value) || this.unusable(ind);
      case "files_md5":
      case "files_sha1":
      case "files_sha256":
      case "app_cert_hashes":
        return normaliseHash(value) || this.unusable(ind);
      case "app_ids":
      case "ios_profile_ids":
      case "android_property_names":
        return value.trim().toLowerCase() || this.unusable(ind);
      case "processes":
      case "file_names":
        return value.trim() || this.unusable(ind);
      default:
        this.warnings.push(`${ind.sourceFile}: unknown indicator kind ${JSON.stringify(ind.kind)} for "${value}"`);
        return null;
    }
  }

  private unusable(ind: Indicator): null {
    this.warnings.push(`${ind.sourceFile}: empty ${ind.kind} indicator ${ind.id} ignored`);
    return null;
  }

  /** The extra indexes of processes (truncated names) and paths (by components). */
  private indexSpecial(ind: Indicator, key: string): void {
    if (ind.kind === "processes") {
      for (let n = TRUNCATED_PROCESS_MIN; n <= TRUNCATED_PROCESS_MAX && n < key.length; n++) push(this.processPrefixes, key.slice(0, n), ind);
    }
    // A file name that is really a path (test feeds have '/var/foobar/txt') is matched as a path too.
    if (ind.kind === "file_paths" || (ind.kind === "file_names" && key.includes("/"))) {
      const path = normalisePath(key);
      const absolute = path.startsWith("/");
      push(absolute ? this.absolutePaths : this.relativePaths, path, ind);
      (absolute ? this.absoluteLast : this.relativeLast).add(path.slice(path.lastIndexOf("/") + 1));
    }
  }

  private count(ind: Indicator): void {
    let byFile = this.summaries.get(ind.collection);
    if (!byFile) this.summaries.set(ind.collection, (byFile = new Map()));
    let s = byFile.get(ind.sourceFile);
    if (!s) {
      s = { name: ind.collection, sourceFile: ind.sourceFile, total: 0, counts: {} };
      byFile.set(ind.sourceFile, s);
      this.summaryOrder.push(s);
    }
    s.total++;
    s.counts[ind.kind] = (s.counts[ind.kind] ?? 0) + 1;
  }

  /** One entry per collection and source file, in load order. */
  collections(): CollectionSummary[] {
    return this.summaryOrder.map((s) => ({ ...s, counts: { ...s.counts } }));
  }

  /** All indicators, optionally of one kind, in load order. */
  indicators(kind?: IndicatorKind): Indicator[] {
    return kind ? this.all.filter((i) => i.kind === kind) : [...this.all];
  }

  private lookup(kind: IndicatorKind, key: string): Indicator[] {
    return this.byKind.get(kind)?.get(key) ?? [];
  }

  match(observable: Observable): IndicatorMatch[] {
    const value = observable?.value;
    if (typeof value !== "string" || !value.trim() || this.all.length === 0) return [];
    switch (observable.type) {
      case "url":
        return this.matchUrl(observable);
      case "domain":
        return this.matchDomain(observable);
      case "ipv4":
      case "ipv6":
        return this.matchIp(observable, value, value);
      case "process":
        return this.matchProcess(observable);
      case "file_name":
        return this.matchFileName(observable);
      case "file_path":
        return this.matchFilePath(observable);
      case "md5":
      case "sha1":
      case "sha256":
        return this.matchHash(observable);
      default:
        return this.matchSimple(observable);
    }
  }

  /** Exact URL indicators first; otherwise the URL's host as a domain or IP. */
  private matchUrl(obs: Observable): IndicatorMatch[] {
    const url = obs.value;
    const { href, host } = parseUrl(url);
    // The key only when there are URL indicators (the bundled feeds have none).
    const urls = this.byKind.get("urls");
    const hits = urls?.size ? (urls.get(urlKeyOfHref(href)) ?? []) : [];
    if (hits.length) {
      return hits.map((i) => made(i, obs, "url", `Found a known suspicious URL ${url} matching indicator "${i.value}" from "${i.collection}"`));
    }
    return host ? this.matchHost(obs, host, url) : [];
  }

  private matchDomain(obs: Observable): IndicatorMatch[] {
    const host = parseHost(obs.value);
    return host ? this.matchHost(obs, host, obs.value) : [];
  }

  /** The host itself, else its nearest parent domain that is an indicator; IP hosts against IP indicators. */
  private matchHost(obs: Observable, host: ParsedHost, shown: string): IndicatorMatch[] {
    if (host.ip) return this.matchIp(obs, host.host, shown);
    const names = domainAndParents(host.host);
    for (let n = 0; n < names.length; n++) {
      const hits = this.lookup("domains", names[n]);
      if (!hits.length) continue;
      return hits.map((i) =>
        n === 0
          ? made(i, obs, "exact", `Found a known suspicious domain ${shown} matching indicator "${i.value}" from "${i.collection}"`)
          : made(i, obs, "parent-domain", `Found a sub-domain with a suspicious top level ${shown} matching indicator "${i.value}" from "${i.collection}"`),
      );
    }
    return [];
  }

  /** IP indicators; feeds sometimes list IPs as domain names, so those are looked up too. */
  private matchIp(obs: Observable, ip: string, shown: string): IndicatorMatch[] {
    const key = canonicalIp(ip)?.ip ?? ip.trim().toLowerCase();
    const hits = [...this.lookup("ip_addresses", key), ...this.lookup("domains", key)];
    return hits.map((i) => made(i, obs, "ip", `Found a known suspicious IP address ${shown} matching indicator "${i.value}" from "${i.collection}"`));
  }

  private matchProcess(obs: Observable): IndicatorMatch[] {
    const name = processBaseName(obs.value);
    if (!name) return [];
    const exact = this.lookup("processes", name);
    if (exact.length) {
      return exact.map((i) => made(i, obs, "exact", `Found a known suspicious process name "${obs.value}" matching indicators from "${i.collection}"`));
    }
    if (name.length < TRUNCATED_PROCESS_MIN || name.length > TRUNCATED_PROCESS_MAX) return [];
    const truncated = this.processPrefixes.get(name) ?? [];
    return truncated.map((i) =>
      made(i, obs, "truncated-process", `Found a truncated known suspicious process name "${obs.value}" matching indicators from "${i.collection}"`),
    );
  }

  private matchFileName(obs: Observable): IndicatorMatch[] {
    const name = obs.value.trim();
    if (name.includes("/")) return this.matchFilePath(obs);
    return this.lookup("file_names", name).map((i) =>
      made(i, obs, "exact", `Found a known suspicious file name "${name}" matching indicators from "${i.collection}"`),
    );
  }

  /** Most specific first: the whole path, else the deepest indicator folder containing it, else the file name. */
  private matchFilePath(obs: Observable): IndicatorMatch[] {
    const path = normalisePath(obs.value);
    if (!path) return [];
    const byPath = this.matchPathComponents(path);
    if (byPath.length) {
      return byPath.map(({ indicator: i, exact }) =>
        exact
          ? made(i, obs, "exact", `Found a known suspicious file path "${path}" matching indicators from "${i.collection}"`)
          : made(i, obs, "path-prefix", `Found the file path "${path}" inside the known suspicious path "${i.value}" from "${i.collection}"`),
      );
    }
    const name = baseName(path);
    return this.lookup("file_names", name).map((i) =>
      made(i, obs, "file-name", `Found a known suspicious file name "${name}" in the path "${path}" matching indicators from "${i.collection}"`),
    );
  }

  /** Indicators equal to the path or to one of its ancestor folders, by whole components; deepest first. */
  private matchPathComponents(path: string): { indicator: Indicator; exact: boolean }[] {
    if (!this.absoluteLast.size && !this.relativeLast.size) return [];
    const ends = componentEnds(path);
    for (let e = ends.length - 1; e >= 0; e--) {
      const end = ends[e];
      const last = path.slice(path.lastIndexOf("/", end - 1) + 1, end);
      const abs = this.absoluteLast.has(last) ? this.absolutePaths.get(path.slice(0, end)) : undefined;
      const rel = this.relativeLast.has(last) ? this.relativeHits(path, end) : NO_INDICATORS;
      if (!abs?.length && !rel.length) continue;
      const exact = e === ends.length - 1;
      return [...(abs ?? []), ...rel].map((indicator) => ({ indicator, exact }));
    }
    return [];
  }

  /** Relative indicators equal to a component-aligned part of path that ends at `end`. */
  private relativeHits(path: string, end: number): Indicator[] {
    if (this.relativePaths.size === 0) return [];
    const hits: Indicator[] = [];
    let start = path.startsWith("/") ? 1 : 0;
    while (start < end) {
      hits.push(...(this.relativePaths.get(path.slice(start, end)) ?? []));
      const slash = path.indexOf("/", start);
      if (slash === -1 || slash >= end) break;
      start = slash + 1;
    }
    return hits;
  }

  /** Hashes go to the algorithm their length says, whatever the observable's declared type. */
  private matchHash(obs: Observable): IndicatorMatch[] {
    const hash = normaliseHash(obs.value);
    const kind = HASH_KIND_BY_LENGTH[hash.length] ?? HASH_KIND_BY_TYPE[obs.type];
    return this.lookup(kind, hash).map((i) =>
      made(i, obs, "exact", `Found a known suspicious file with hash "${obs.value}" matching indicators from "${i.collection}"`),
    );
  }

  private matchSimple(obs: Observable): IndicatorMatch[] {
    const rule = SIMPLE[obs.type];
    if (!rule) return [];
    return this.lookup(rule.kind, rule.key(obs.value)).map((i) => made(i, obs, "exact", rule.message(obs.value, i)));
  }
}

const NO_INDICATORS: Indicator[] = [];

/** End offsets of each component of a path: "/a/b/c" → [2, 4, 6] ("/a", "/a/b", "/a/b/c"). */
function componentEnds(path: string): number[] {
  const ends: number[] = [];
  for (let i = 1; i < path.length; i++) if (path[i] === "/") ends.push(i);
  ends.push(path.length);
  return ends;
}

function made(indicator: Indicator, observable: Observable, how: string, message: string): IndicatorMatch {
  return { indicator, observable, how, message };
}
