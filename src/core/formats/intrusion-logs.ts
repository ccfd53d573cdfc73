// Android 16 Advanced Protection intrusion logs, as exported: NDJSON files (one JSON object per line, e.g.
// {"dns_event": {...}}, {"connect_event": {...}}, {"security_event": {...}}) in a folder or a zip, possibly in
// nested zips. Rotated daily files overlap, so the same event can appear in two files: events are
// de-duplicated by content. Files are streamed line by line; nested zips are read into memory (bounded).

import type { Acquisition, FileRef, FileSpec, ModuleContext } from "../artifacts/module.js";
import { EvidenceError, type Evidence, type EvidenceStat } from "../evidence/evidence.js";
import { BytesSource } from "./byte-source.js";
import { specMatcher } from "./file-spec.js";
import { ZipArchive, ZipEvidence } from "./zip.js";
import { errorText } from "../util/errors.js";
import { lineBatches, MAX_LINE } from "../util/line-batches.js";

/** File names read as NDJSON logs (MVT reads .txt; exports and tools also use these). */
export const LOG_FILE = /\.(txt|json|jsonl|ndjson|log)$/i;
const ZIP_FILE = /\.zip$/i;
/** A line longer than MAX_LINE (1 MiB) is not an event (skipped and counted as unreadable). */
export { MAX_LINE };
/** Most bytes of one nested zip held in memory. */
export const MAX_NESTED_ZIP = 512 * 1024 * 1024;
const MAX_DEPTH = 4;
const MAX_FILES = 100_000;

export const KNOWN_EVENT_TYPES = new Set(["dns_event", "connect_event", "security_event"]);

export interface IntrusionEvent {
  type: string;
  data: Record<string, unknown>;
  /** Log file (path inside the acquisition, nested zips joined with "::") and 1-based line. */
  file: string;
  line: number;
}

const FIRST_KEY = /^\{\s*"((?:[^"\\]|\\.)*)"\s*:/;

/** 53-bit string hash (cyrb53): a Set of numbers keeps de-duplication memory small on millions of events. */
function hash53(s: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** JSON with object keys sorted, so the same event written with another key order has one fingerprint. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  if (v && typeof v === "object") {
    const keys = Object.keys(v as object).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`).join(",")}}`;
  }
  return JSON.stringify(v) ?? "null";
}

/** Lines one by one with their 1-based numbers (see lineBatches). */
export async function* lines(chunks: AsyncIterable<Uint8Array>, maxLine = MAX_LINE): AsyncIterable<[string | null, number]> {
  let n = 0;
  for await (const batch of lineBatches(chunks, { maxLine })) for (const l of batch) yield [l, ++n];
}

/** Evidence over the outer target plus the nested zips opened inside it ("a.zip::b.zip::x.txt"). */
class LayeredEvidence implements Evidence {
  readonly layers = new Map<string, Evidence>();
  constructor(readonly outer: Evidence) {}

  get label(): string {
    return this.outer.label;
  }

  private route(path: string): [Evidence, string, string] {
    const at = path.lastIndexOf("::");
    if (at < 0) return [this.outer, path, ""];
    const prefix = path.slice(0, at);
    const ev = this.layers.get(prefix);
    if (!ev) throw new EvidenceError(path, "not inside an opened archive");
    return [ev, path.slice(at + 2), prefix];
  }

  async stat(path: string): Promise<EvidenceStat | null> {
    const [ev, p] = this.route(path);
    return ev.stat(p);
  }
  async list(dir: string): Promise<string[]> {
    const [ev, p] = this.route(dir);
    return ev.list(p);
  }
  async read(path: string, opts?: { maxBytes?: number }): Promise<Uint8Array> {
    const [ev, p] = this.route(path);
    return ev.read(p, opts);
  }
  stream(path: string): AsyncIterable<Uint8Array> {
    const [ev, p] = this.route(path);
    return ev.stream(p);
  }
  hashes(): Map<string, string> {
    const out = new Map(this.outer.hashes());
    for (const [prefix, ev] of this.layers) for (const [p, h] of ev.hashes()) out.set(`${prefix}::${p}`, h);
    return out;
  }
}

export interface IntrusionLogsOptions {
  maxNestedZipBytes?: number;
  /** Read only this file of the evidence (a single exported log file), not the whole tree. */
  only?: string;
}

/** Intrusion logs as an Acquisition: the NDJSON files found below the target (and in zips inside it). */
export class IntrusionLogs implements Acquisition {
  readonly kind = "intrusion-logs";
  readonly platform = "android" as const;
  readonly evidence: LayeredEvidence;
  /** NDJSON files, in a stable order (sorted paths, depth first). */
  readonly files: string[] = [];
  /** Nested zips or folders that could not be read (named in info.json). */
  readonly problems: string[] = [];
  /** Event types seen (by every pass; the counts are those of the first complete pass). */
  readonly typeCounts = new Map<string, number>();
  private typesCounted = false;
  private unknownReported = false;
  private readonly badLinesReported = new Set<string>();
  /** Events dropped as duplicates of an earlier one, per type. */
  readonly duplicates = new Map<string, number>();

  private constructor(outer: Evidence) {
    this.evidence = new LayeredEvidence(outer);
  }

  static async open(outer: Evidence, opts: IntrusionLogsOptions = {}): Promise<IntrusionLogs> {
    const logs = new IntrusionLogs(outer);
    // Entries the outer zip refused (names escaping it, absolute paths, links): named, as nested zips' are.
    if (outer instanceof ZipEvidence) logs.problems.push(...outer.archive.problems);
    if (opts.only !== undefined) logs.files.push(opts.only);
    else await logs.walk("", "", 0, opts.maxNestedZipBytes ?? MAX_NESTED_ZIP);
    if (!logs.files.length) {
      const why = logs.problems.length ? ` (${logs.problems.join("; ")})` : "";
      throw new Error(`${outer.label}: no intrusion log files (NDJSON .txt/.json/.jsonl/.ndjson/.log) found${why}`);
    }
    return logs;
  }

  /** Walk a folder of the evidence layer `prefix` ("" = the target itself). */
  private async walk(prefix: string, dir: string, depth: number, maxZip: number): Promise<void> {
    const full = (p: string) => (prefix ? `${prefix}::${p}` : p);
    for (const name of await this.evidence.list(full(dir))) {
      if (this.files.length >= MAX_FILES) {
        this.problems.push(`more than ${MAX_FILES} log files: the rest were not read`);
        return;
      }
      const rel = dir ? `${dir}/${name}` : name;
      const st = await this.evidence.stat(full(rel));
      if (!st) continue;
      if (st.isDirectory) {
        await this.walk(prefix, rel, depth, maxZip);
      } else if (LOG_FILE.test(name)) {
        this.files.push(full(rel));
      } else if (ZIP_FILE.test(name)) {
        if (depth >= MAX_DEPTH) {
          this.problems.push(`${full(rel)}: zip nested more than ${MAX_DEPTH} deep, not opened`);
          continue;
        }
        try {
          const bytes = await this.evidence.read(full(rel), { maxBytes: maxZip });
          const archive = await ZipArchive.open(new BytesSource(bytes), full(rel));
          for (const p of archive.problems) this.problems.push(p);
          this.evidence.layers.set(full(rel), new ZipEvidence(archive));
          await this.walk(full(rel), "", depth + 1, maxZip);
        } catch (e) {
          this.problems.push(`${full(rel)}: ${errorText(e)}`);
        }
      }
    }
  }

  async *find(spec: FileSpec): AsyncIterable<FileRef> {
    const match = specMatcher(spec);
    for (const f of this.files) if (match(f)) yield { path: f, relativePath: f };
  }

  /** Every event of `type` across all log files, oldest file first, duplicates (same content) dropped. A line
   *  that is not a JSON object is counted per file and reported once as a warning. */
  async *events(type: string, ctx: ModuleContext): AsyncIterable<IntrusionEvent> {
    const seen = new Set<number>();
    const counting = !this.typesCounted;
    const quotedType = JSON.stringify(type);
    let duplicates = 0;
    for await (const file of ctx.files(INTRUSION_LOG_SOURCES)) {
      let bad = 0;
      let firstBad = 0;
      try {
        let lineNo = 0;
        for await (const batch of lineBatches(this.evidence.stream(file.path))) {
          for (const text of batch) {
            lineNo++;
            if (text === null) {
              bad++;
              firstBad ||= lineNo;
              continue;
            }
            const t = text.trim();
            if (!t) continue;
            // After the first pass has validated and counted every line, lines of other types are skipped
            // unparsed: exports write one event per line, its type the first key.
            if (!counting) {
              const firstKey = FIRST_KEY.exec(t)?.[1];
              if (firstKey !== undefined && firstKey !== type && !t.includes(quotedType)) continue;
            }
            let entry: unknown;
            try {
              entry = JSON.parse(t);
            } catch {
              entry = null;
            }
            if (!entry || typeof entry !== "object" || Array.isArray(entry)) {
              bad++;
              firstBad ||= lineNo;
              continue;
            }
            const keys = Object.keys(entry as object);
            for (const key of keys) {
              const data = (entry as Record<string, unknown>)[key];
              if (!data || typeof data !== "object" || Array.isArray(data)) continue;
              if (counting) this.typeCounts.set(key, (this.typeCounts.get(key) ?? 0) + 1);
              if (key !== type) continue;
              // A line repeated verbatim by the next rotated file has the same text; a line holding several
              // events, or the same event written with another key order, is compared by canonical content.
              const fp = keys.length === 1 && t.startsWith(`{"${key}":`) ? hash53(t) : hash53(`${key}\u0000${canonicalJson(data)}`);
              if (seen.has(fp)) {
                duplicates++;
                continue;
              }
              seen.add(fp);
              yield { type: key, data: data as Record<string, unknown>, file: file.path, line: lineNo };
            }
          }
        }
      } catch (e) {
        ctx.gap(file, errorText(e));
      }
      if (bad && !this.badLinesReported.has(file.path)) {
        this.badLinesReported.add(file.path);
        ctx.warn(`${file.path}: ${bad} line(s) are not JSON event objects and were skipped (first at line ${firstBad})`);
      }
    }
    this.duplicates.set(type, duplicates);
    if (duplicates) ctx.warn(`${duplicates} duplicate ${type} event(s) seen in more than one log file were counted once`);
    if (counting) this.typesCounted = true;
    if (this.typesCounted && !this.unknownReported) {
      this.unknownReported = true;
      const unknown = [...this.typeCounts].filter(([t]) => !KNOWN_EVENT_TYPES.has(t)).sort(([a], [b]) => (a < b ? -1 : 1));
      if (unknown.length) {
        ctx.warn(`unknown intrusion-log event type(s), not read by any module: ${unknown.map(([t, n]) => `${t} (${n})`).join(", ")}`);
      }
    }
  }

  info(): Record<string, unknown> {
    return {
      intrusion_logs: {
        files: this.files,
        event_types: Object.fromEntries([...this.typeCounts].sort(([a], [b]) => (a < b ? -1 : 1))),
        duplicates_dropped: Object.fromEntries(this.duplicates),
        problems: this.problems,
      },
    };
  }
}

/** What every intrusion-log module reads: all NDJSON log files. */
export const INTRUSION_LOG_SOURCES: FileSpec[] = [{ pathLike: "%" }];
