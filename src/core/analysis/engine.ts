// The one flow: modules yield records → observables → one matcher → detections; plus timeline,
// heuristics and coverage. Writers receive everything through a ResultSink, so nothing is held in memory
// beyond what a writer chooses to keep.

import { wholeRecord, type Acquisition, type ArtifactModule, type FileRef, type FileSpec, type ModuleContext } from "../artifacts/module.js";
import type { SqliteDatabase, SqliteOpener } from "../formats/sqlite.js";
import { parsePlist } from "../formats/plist.js";
import type {
  Detection,
  Finding,
  IndicatorMatch,
  Level,
  Matcher,
  RecordData,
  TimelineEvent,
  UrlSighting,
} from "../types.js";
import { LEVEL_ORDER } from "../types.js";
import { errorText } from "../util/errors.js";
import { isShortenerHost } from "../indicators/hosts.js";

export type ModuleStatus = "ran" | "skipped" | "failed";

export interface FileGap {
  file: string;
  reason: string;
}

export interface ModuleCoverage {
  module: string;
  status: ModuleStatus;
  reason?: string;
  records: number;
  detections: number;
  ms: number;
  gaps: FileGap[];
  warnings: string[];
}

export interface ResultSink {
  beginModule?(module: ArtifactModule<any>): void | Promise<void>;
  record?(module: ArtifactModule<any>, record: RecordData): void;
  detection?(detection: Detection): void;
  timeline?(event: TimelineEvent): void;
  url?(sighting: UrlSighting): void;
  endModule?(module: ArtifactModule<any>, coverage: ModuleCoverage): void | Promise<void>;
}

export interface ScanProgress {
  module: string;
  moduleIndex: number;
  moduleCount: number;
  records: number;
}

export interface ScanOptions {
  acquisition: Acquisition;
  /** The acquisition a module reads when it is not `acquisition` (an archive nested in a collection, e.g.
   *  androidqf's bugreport.zip and backup.ab); default: `acquisition`. */
  acquisitionFor?(module: ArtifactModule<any>): Acquisition;
  modules: ArtifactModule<any>[];
  matcher: Matcher | null;
  sqlite: SqliteOpener;
  sink: ResultSink;
  onProgress?: (p: ScanProgress) => void;
  /** Records between progress callbacks. */
  progressEvery?: number;
  now?: () => number;
  /** Where a shortened URL (bit.ly, t.co…) leads, or null when it cannot be told. Only given when the user
   *  asked for it: it asks the shortener service over the network (never the destination). */
  expandUrl?: UrlExpander;
}

/** Resolves a shortened URL to where it leads (null: not resolved, with the reason for the warning). */
export type UrlExpander = (url: string) => Promise<{ url: string | null; error?: string }>;

export interface ScanSummary {
  coverage: ModuleCoverage[];
  counts: Record<Level, number>;
  detections: Detection[];
  records: number;
  ms: number;
}

/** Whether every module read all it looked for: none failed, none met a gap, and nothing was wrong with the
 *  acquisition as a whole (`problem`: what the check's opener reports, e.g. an unreadable Manifest.db or the
 *  entries a zip refused). info.json and the summaries say the same. */
export function coverageComplete(coverage: ModuleCoverage[], problem?: string | null): boolean {
  return !problem && coverage.every((c) => c.status !== "failed" && c.gaps.length === 0);
}

/** An error a module reports about input it cannot use at all (the module is marked failed with it). */
export class ArtifactError extends Error {
  override name = "ArtifactError";
}

export function emptyCounts(): Record<Level, number> {
  return { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
}

/** A RecordProcessor's onDetection that keeps each detection in `summary` and counts it by level. */
export function collectDetections(summary: ScanSummary): (d: Detection) => void {
  return (d) => {
    summary.detections.push(d);
    summary.counts[d.level]++;
  };
}

/** How long a module may keep the event loop waiting. */
const YIELD_MS = 250;

/** A macrotask turn: setImmediate where there is one (Node), else a zero timeout. */
const yieldToEventLoop: () => Promise<void> =
  typeof (globalThis as { setImmediate?: unknown }).setImmediate === "function"
    ? () => new Promise((r) => (globalThis as unknown as { setImmediate: (f: () => void) => void }).setImmediate(r))
    : () => new Promise((r) => setTimeout(r, 0));

/** The scan's expander with one answer per URL (a link sent a hundred times is asked about once). */
const expanderCaches = new WeakMap<ScanOptions["expandUrl"] & object, UrlExpander>();
function expanderCache(opts: ScanOptions): UrlExpander {
  const expand = opts.expandUrl!;
  let cached = expanderCaches.get(expand);
  if (!cached) {
    const answers = new Map<string, Promise<{ url: string | null; error?: string }>>();
    cached = (url) => {
      let a = answers.get(url);
      if (!a) answers.set(url, (a = expand(url).catch((e: unknown) => ({ url: null, error: errorText(e) }))));
      return a;
    };
    expanderCaches.set(expand, cached);
  }
  return cached;
}

/** Run every module over the acquisition. One broken artifact never stops the scan. */
export async function scan(opts: ScanOptions): Promise<ScanSummary> {
  const now = opts.now ?? (() => performance.now());
  const started = now();
  const summary: ScanSummary = { coverage: [], counts: emptyCounts(), detections: [], records: 0, ms: 0 };
  for (let i = 0; i < opts.modules.length; i++) {
    const module = opts.modules[i];
    const cov = await runModule(module, opts, i, summary);
    summary.coverage.push(cov);
    summary.records += cov.records;
  }
  summary.ms = now() - started;
  return summary;
}

function makeContext(
  module: ArtifactModule<any>,
  opts: ScanOptions,
  state: { found: boolean; gaps: FileGap[]; warnings: string[]; open: Set<SqliteDatabase> },
): ModuleContext {
  const acquisition = opts.acquisitionFor?.(module) ?? opts.acquisition;
  const gap = (file: FileRef | string, reason: string) => {
    const name = typeof file === "string" ? file : describeFile(file);
    state.gaps.push({ file: name, reason });
  };
  async function* files(specs?: FileSpec[]): AsyncIterable<FileRef> {
    for (const spec of specs ?? module.sources) {
      for await (const ref of acquisition.find(spec)) {
        state.found = true;
        yield ref;
      }
    }
  }
  const sqlite = async (file: FileRef) => {
    const db = await opts.sqlite.open(acquisition.evidence, file.path);
    state.open.add(db);
    return db;
  };
  const plist = async (file: FileRef) => parsePlist(await acquisition.evidence.read(file.path));
  return {
    acquisition,
    evidence: acquisition.evidence,
    files,
    sqlite,
    plist,
    gap,
    warn: (m) => state.warnings.push(m),
    fullRecords: typeof opts.sink.record === "function",
    timeline: typeof opts.sink.timeline === "function",
    async *databases(specs) {
      for await (const file of files(specs)) {
        let db: SqliteDatabase;
        try {
          db = await sqlite(file);
        } catch (e) {
          gap(file, errorText(e));
          continue;
        }
        try {
          yield { file, db };
        } finally {
          db.close();
          state.open.delete(db);
        }
      }
    },
    async *plists(specs) {
      for await (const file of files(specs)) {
        let value: unknown;
        try {
          value = await plist(file);
        } catch (e) {
          gap(file, errorText(e));
          continue;
        }
        yield { file, value };
      }
    },
  };
}

export function describeFile(f: FileRef): string {
  return f.domain !== undefined ? `${f.domain}/${f.relativePath ?? ""} (${f.path})` : f.path;
}

async function runModule(
  module: ArtifactModule<any>,
  opts: ScanOptions,
  index: number,
  summary: ScanSummary,
): Promise<ModuleCoverage> {
  const now = opts.now ?? (() => performance.now());
  const t0 = now();
  const state = { found: false, gaps: [] as FileGap[], warnings: [] as string[], open: new Set<SqliteDatabase>() };
  const ctx = makeContext(module, opts, state);
  const { sink } = opts;
  await sink.beginModule?.(module);
  const processor = new RecordProcessor(module, opts.matcher, sink, collectDetections(summary), { expandUrl: opts.expandUrl && expanderCache(opts) });
  const every = opts.progressEvery ?? 5000;
  let lastYield = now();
  let status: ModuleStatus = "ran";
  let reason: string | undefined;
  try {
    for await (const record of module.records(ctx) as AsyncIterable<RecordData>) {
      processor.process(record);
      // Shortened URLs of this record, expanded while its source is still open (a detection reads it whole).
      if (processor.expanding) await processor.expandPending((w) => state.warnings.push(w));
      if (processor.records % every === 0) {
        opts.onProgress?.({ module: module.id, moduleIndex: index, moduleCount: opts.modules.length, records: processor.records });
        // Let the event loop run now and then (a Ctrl-C handler, a background thread's exit): records arrive as
        // microtasks, which alone would hold it off until the module ends. (Every tick instead cost 5-10 %.)
        if (now() - lastYield >= YIELD_MS) {
          await yieldToEventLoop();
          lastYield = now();
        }
      }
    }
    processor.end();
  } catch (e) {
    status = "failed";
    reason = errorText(e);
    try {
      processor.end();
    } catch {
      /* the analyzer's own failure is already covered by the module failure */
    }
  } finally {
    for (const db of state.open) db.close();
  }
  if (status === "ran" && !state.found && processor.records === 0) {
    status = state.gaps.length ? "failed" : "skipped";
    reason = state.gaps.length ? state.gaps.map((g) => `${g.file}: ${g.reason}`).join("; ") : "not present in this acquisition";
  } else if (status === "ran" && state.found && processor.records === 0 && state.gaps.length) {
    status = "failed";
    reason = state.gaps.map((g) => `${g.file}: ${g.reason}`).join("; ");
  }
  const cov: ModuleCoverage = {
    module: module.id,
    status,
    reason,
    records: processor.records,
    detections: processor.detections,
    ms: Math.round((now() - t0) * 10) / 10,
    gaps: state.gaps,
    warnings: state.warnings,
  };
  opts.onProgress?.({ module: module.id, moduleIndex: index + 1, moduleCount: opts.modules.length, records: processor.records });
  await sink.endModule?.(module, cov);
  return cov;
}

/** What one record's matches share: the indicators it already matched, and (once read) its whole record and
 *  the time its detections carry. */
interface MatchState {
  seen: Set<string>;
  whole?: RecordData;
  time?: string | null;
}

/** Turns records of one module into detections, timeline events and URL sightings. Also used to re-match
 *  records of an earlier output folder against new indicators (check-iocs). */
export class RecordProcessor {
  records = 0;
  detections = 0;
  private analyzer;
  private emit: (f: Finding) => void;

  constructor(
    private module: ArtifactModule<any>,
    private matcher: Matcher | null,
    private sink: ResultSink,
    private onDetection: (d: Detection) => void,
    private opts: { timeline?: boolean; heuristics?: boolean; urls?: boolean; records?: boolean; expandUrl?: UrlExpander } = {},
  ) {
    this.analyzer = opts.heuristics === false ? undefined : module.analyzer?.();
    this.emit = (f: Finding) =>
      this.detect({
        level: f.level,
        module: module.id,
        message: f.message,
        eventTime: f.eventTime ?? "",
        record: f.record,
        match: null,
        heuristic: f.heuristic,
      });
  }

  private detect(d: Detection) {
    d.record = wholeRecord(d.record);
    this.detections++;
    this.sink.detection?.(d);
    this.onDetection(d);
  }

  /** Shortened URLs of the last record, waiting for expandPending, with the indicators the record already
   *  matched (one detection per indicator and record, however many of its URLs lead there). */
  private pending: { url: string; record: RecordData; state: MatchState }[] = [];
  /** Links whose failed expansion this module has warned about. */
  private warned = new Set<string>();

  /** Whether the last record has shortened URLs to expand (only with an expander). */
  get expanding(): boolean {
    return this.pending.length > 0;
  }

  /** Expand the last record's shortened URLs, list them in urls.json with where they lead, and match those
   *  destinations: a match is reported as MVT does ("… <destination> shortened as <short URL> …"). */
  async expandPending(warn: (message: string) => void): Promise<void> {
    const m = this.module;
    const pending = this.pending;
    this.pending = [];
    for (const { url, record, state } of pending) {
      const r = await this.opts.expandUrl!(url);
      if (r.error && !this.warned.has(url)) {
        this.warned.add(url);
        warn(`could not expand the shortened URL ${url}: ${r.error}`);
      }
      if (this.opts.urls !== false && this.sink.url) {
        this.sink.url({ url, expanded_url: r.url, timestamp: m.time?.(record) ?? null, source: m.id });
      }
      if (!r.url || !this.matcher) continue;
      this.detectMatches(this.matcher.match({ type: "url", value: r.url }), record, state, { link: url, destination: r.url });
    }
  }

  /** One detection per indicator matched by a record (`state.seen` spans all its observables, its expanded
   *  links included), each embedding the whole record (a lean one is read whole) with its time. A match on a
   *  link's destination says so as MVT does: "… <destination> shortened as <link> …". */
  private detectMatches(matches: IndicatorMatch[], record: RecordData, state: MatchState, expanded?: { link: string; destination: string }): void {
    for (const match of matches) {
      const key = `${match.indicator.kind}\u0000${match.indicator.value}\u0000${match.indicator.collection}`;
      if (state.seen.has(key)) continue;
      state.seen.add(key);
      state.whole ??= wholeRecord(record) as RecordData;
      if (state.time === undefined) state.time = this.module.time?.(state.whole) ?? null;
      const message = expanded
        ? match.message.replace(` ${expanded.destination} `, ` ${expanded.destination} shortened as ${expanded.link} `)
        : match.message;
      this.detect({ level: "critical", module: this.module.id, message, eventTime: state.time ?? "", record: state.whole, match });
    }
  }

  process(record: RecordData): void {
    const m = this.module;
    this.records++;
    if (this.opts.records !== false) this.sink.record?.(m, record);
    if (m.observables) {
      let time: string | null | undefined;
      let state: MatchState | undefined;
      for (const obs of m.observables(record)) {
        if (obs.type === "url" && this.opts.expandUrl && isShortenerHost(obs.value)) {
          // Listed in urls.json once expanded (expandPending); the short URL itself is still matched here.
          this.pending.push({ url: obs.value, record, state: (state ??= { seen: new Set() }) });
        } else if (obs.type === "url" && this.opts.urls !== false && this.sink.url) {
          time ??= m.time?.(record) ?? null;
          this.sink.url({ url: obs.value, expanded_url: null, timestamp: time, source: m.id });
        }
        if (!this.matcher) continue;
        const matches: IndicatorMatch[] = this.matcher.match(obs);
        if (matches.length) this.detectMatches(matches, record, (state ??= { seen: new Set() }));
      }
    }
    if (m.timeline && this.opts.timeline !== false && this.sink.timeline) {
      const ev = m.timeline(record);
      if (Array.isArray(ev)) {
        for (const e of ev) if (e) this.sink.timeline(e);
      } else if (ev) this.sink.timeline(ev);
    }
    this.analyzer?.onRecord?.(record, this.emit);
  }

  end(): void {
    this.analyzer?.onEnd?.(this.emit);
  }
}

/** Highest level present, or null. */
export function topLevel(counts: Record<Level, number>): Level | null {
  for (const l of LEVEL_ORDER) if (counts[l] > 0) return l;
  return null;
}
