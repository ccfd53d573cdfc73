// An Android bugreport (the zip `adb bugreport` writes, or its extracted folder) as an Acquisition. The
// dumpstate text is found as MVT finds it: the file main_entry.txt names, else dumpState_*.log, else
// dumpsys.txt. Modules read service sections of it as streams of lines (never the whole text), and the
// files under FS/ (tombstones, file timestamps) through find().

import type { Acquisition, FileRef, FileSpec } from "../artifacts/module.js";
import { dumpsysSection, systemPropertiesSection, textLines } from "../artifacts/android/parsers/lines.js";
import { parseGetpropLine } from "../artifacts/android/parsers/getprop.js";
import type { Evidence } from "../evidence/evidence.js";
import { DeviceClock } from "../util/device-time.js";
import { isoFromUnixMs } from "../util/time.js";
import { concatBytes } from "../util/bytes.js";
import { errorText } from "../util/errors.js";
import { longLineProblem } from "../util/line-batches.js";

/** Most files listed from a bugreport (real ones hold a few thousand). */
const MAX_LISTED = 500_000;

/** The sections the bugreport modules read. One pass over the dumpstate keeps their bytes, so a dozen modules
 *  do not inflate and split a 100 MB text a dozen times; past the budget, sections are streamed again. */
export const BUGREPORT_SECTIONS = ["accessibility", "adb", "appops", "batterystats", "dbinfo", "package", "platform_compat"];
export const SYSTEM_PROPERTIES = "SYSTEM PROPERTIES";
export const DEFAULT_SECTION_BUDGET = 128 * 1024 * 1024;
/** Kept section bytes are replayed this much at a time: batches of a few hundred lines, so few line strings
 *  are alive when the young generation is collected (1 MiB slices cost a third more CPU in GC). */
const SLICE = 64 * 1024;
/** Longest partial line carried from one chunk to the next (a longer one is no header or end line). */
const MAX_CARRY = 1024 * 1024;
const DASH = 45;
const DELIMITER = "-".repeat(78);

export class NotABugreportError extends Error {}

/** FileSpec.rootPath that stands for the dumpstate text, wherever the bugreport keeps it. */
export const DUMPSTATE = "<dumpstate>";

function likeRegExp(like: string): RegExp {
  const re = like.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/%/g, ".*").replace(/_/g, ".");
  return new RegExp(`^${re}$`, "s");
}

export class AndroidBugreport implements Acquisition {
  readonly kind = "android_bugreport";
  readonly platform = "android" as const;
  /** Problems met while opening or reading (for info.json; coverage is then incomplete). */
  readonly problems: string[] = [];
  /** What made times less exact without leaving anything unread (an unknown time zone). */
  readonly notes: string[] = [];
  /** The device's IANA time zone once deviceClock() has resolved; null when unknown. */
  timezone: string | null = null;
  private clock: Promise<DeviceClock> | null = null;
  private index: Promise<SectionIndex> | null = null;
  /** Bytes of section text kept in memory at most (see BUGREPORT_SECTIONS). */
  sectionBudget = DEFAULT_SECTION_BUDGET;

  private constructor(
    readonly evidence: Evidence,
    /** Path of the dumpstate text inside the evidence; null when none was found. */
    readonly dumpstate: string | null,
    private readonly listing: string[],
  ) {}

  static async open(evidence: Evidence): Promise<AndroidBugreport> {
    const files = await listFiles(evidence);
    const has = new Set(files.listing);
    let dumpstate: string | null = null;
    const problems: string[] = [...files.problems];
    if (has.has("main_entry.txt")) {
      const named = new TextDecoder().decode(await evidence.read("main_entry.txt", { maxBytes: 4096 })).trim();
      if (has.has(named)) dumpstate = named;
      else problems.push(`main_entry.txt names "${named}", which is not in the bugreport`);
    }
    dumpstate ??= files.listing.find((f) => /^dumpState_[^/]*\.log$/.test(f)) ?? (has.has("dumpsys.txt") ? "dumpsys.txt" : null);
    if (!dumpstate && !files.listing.some((f) => f.startsWith("FS/"))) {
      // What was met on the way (main_entry.txt naming a file that is not there) says more than the list.
      throw new NotABugreportError(
        `${evidence.label} does not look like an Android bugreport: no dumpstate text (main_entry.txt, dumpState_*.log, dumpsys.txt) ` +
          `and no FS/ folder${problems.length ? ` (${problems.join("; ")})` : ""}`,
      );
    }
    if (!dumpstate) problems.push("no dumpstate text (main_entry.txt, dumpState_*.log, dumpsys.txt): the dumpsys modules have nothing to read");
    const br = new AndroidBugreport(evidence, dumpstate, files.listing);
    br.problems.push(...problems);
    return br;
  }

  /** Every file of the bugreport, sorted. */
  files(): string[] {
    return this.listing;
  }

  async *find(spec: FileSpec): AsyncIterable<FileRef> {
    if (spec.rootPath === DUMPSTATE) {
      if (this.dumpstate) yield { path: this.dumpstate, relativePath: this.dumpstate };
      return;
    }
    const exact = spec.rootPath ?? spec.path;
    if (exact !== undefined) {
      if (this.listing.includes(exact)) yield { path: exact, relativePath: exact };
      return;
    }
    if (spec.pathLike !== undefined) {
      const re = likeRegExp(spec.pathLike);
      for (const f of this.listing) if (re.test(f)) yield { path: f, relativePath: f };
    }
  }

  /** The dumpstate text as batches of lines (read and decoded as the consumer pulls). */
  lines(): AsyncIterable<string[]> {
    if (!this.dumpstate) throw new Error("the bugreport has no dumpstate text");
    const path = this.dumpstate;
    return textLines(this.evidence.stream(path), (n) => this.longLine(`${path}: line ${n}`));
  }

  /** A dumpstate line over MAX_LINE characters was dropped (named once, however many modules read it). */
  private longLine(where: string): void {
    const problem = longLineProblem(where);
    if (!this.problems.includes(problem)) this.problems.push(problem);
  }

  /** Lines of "DUMP OF SERVICE <service>:" up to the dashed separator. With `from`, a kept section may start
   *  at the first line beginning with it (a parser that ignores what comes before it is spared decoding it). */
  section(service: string, seen?: { found: boolean }, from?: string): AsyncIterable<string[]> {
    return this.cutOrCached(service, seen, () => dumpsysSection(this.lines(), service, seen), from);
  }

  systemProperties(seen?: { found: boolean }): AsyncIterable<string[]> {
    return this.cutOrCached(SYSTEM_PROPERTIES, seen, () => systemPropertiesSection(this.lines(), seen));
  }

  private async *cutOrCached(
    key: string,
    seen: { found: boolean } | undefined,
    stream: () => AsyncIterable<string[]>,
    from?: string,
  ): AsyncIterable<string[]> {
    if (!this.dumpstate) throw new Error("the bugreport has no dumpstate text");
    if (key !== SYSTEM_PROPERTIES && !BUGREPORT_SECTIONS.includes(key)) return yield* stream();
    this.index ??= indexSections(this.evidence.stream(this.dumpstate), this.sectionBudget);
    const index = await this.index;
    const bytes = index.sections.get(key);
    if (bytes) {
      if (seen) seen.found = true;
      // Lines named by their number in the whole dumpstate, as a read of the whole text would name them.
      const start = from ? lineStartOf(bytes, from) : 0;
      const first = (index.firstLines.get(key) ?? 1) + countNewlines(bytes, 0, start);
      yield* textLines(slices(start ? bytes.subarray(start) : bytes), (n) => this.longLine(`${this.dumpstate}: line ${first + n - 1}`));
    } else if (index.overBudget.has(key)) {
      yield* stream();
    }
  }

  /** When the bugreport was taken: the "== dumpstate: YYYY-MM-DD HH:MM:SS" line at the top of the dumpstate
   *  (the phone's wall clock, read as UTC: a day's precision is all the patch-age check needs); null when
   *  there is none in its first 200 lines. */
  acquisitionTime(): Promise<number | null> {
    this.acquired ??= (async () => {
      if (!this.dumpstate) return null;
      let n = 0;
      try {
        for await (const batch of this.lines()) {
          for (const l of batch) {
            const m = /^== dumpstate: (\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})/.exec(l);
            if (m) {
              const t = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
              return Number.isFinite(t) ? t : null;
            }
            if (++n >= 200) return null;
          }
        }
      } catch (e) {
        this.notes.push(`dumpstate time: ${errorText(e)} (patch age measured from today)`);
      }
      return null;
    })();
    return this.acquired;
  }
  private acquired: Promise<number | null> | null = null;

  /** The phone's clock from persist.sys.timezone in the dumpstate's system properties (UTC when unknown). */
  deviceClock(): Promise<DeviceClock> {
    this.clock ??= (async () => {
      let tz: string | null = null;
      if (this.dumpstate) {
        try {
          outer: for await (const batch of this.systemProperties()) {
            for (const l of batch) {
              const p = parseGetpropLine(l);
              if (p?.name === "persist.sys.timezone") {
                tz = p.value;
                break outer;
              }
            }
          }
        } catch (e) {
          this.notes.push(`system properties: ${errorText(e)} (time zone unknown)`);
        }
      }
      const clock = DeviceClock.of(tz);
      this.timezone = clock.timezone;
      if (tz && !clock.timezone) this.notes.push(`unknown time zone "${tz}" in persist.sys.timezone: local times not converted to UTC`);
      return clock;
    })();
    return this.clock;
  }

  /** A file's modification time as MVT shows it: a zip's stored DOS time (the phone's local time), or a
   *  folder file's mtime in UTC. */
  async modifiedTime(path: string): Promise<string | null> {
    const ev = this.evidence as Evidence & { modified?(p: string): string | null };
    if (typeof ev.modified === "function") {
      const m = ev.modified(path);
      return m ? `${m}.000000` : null;
    }
    const st = await this.evidence.stat(path);
    return st?.mtime !== undefined ? isoFromUnixMs(st.mtime) : null;
  }

  /** True when modified times are the phone's local clock (zip DOS times) rather than UTC. */
  get localFileTimes(): boolean {
    return typeof (this.evidence as { modified?: unknown }).modified === "function";
  }

  info(): Record<string, unknown> {
    return { bugreport: { dumpstate: this.dumpstate, files: this.listing.length, timezone: this.timezone, problems: this.problems, notes: this.notes } };
  }
}

interface SectionIndex {
  sections: Map<string, Uint8Array>;
  /** Line number, in the whole dumpstate, of each kept section's first line (the one after its header). */
  firstLines: Map<string, number>;
  /** Sections found but not kept (over the budget): streamed again when asked for. */
  overBudget: Set<string>;
}

/** Offset of the first line of `bytes` that starts with `prefix` (0 when none does). */
function lineStartOf(bytes: Uint8Array, prefix: string): number {
  const p = new TextEncoder().encode(prefix);
  for (let i = bytes.indexOf(p[0]); i >= 0; i = bytes.indexOf(p[0], i + 1)) {
    if (i > 0 && bytes[i - 1] !== 10) continue;
    let k = 1;
    while (k < p.length && bytes[i + k] === p[k]) k++;
    if (k === p.length) return i;
  }
  return 0;
}

async function* slices(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  for (let i = 0; i < bytes.length; i += SLICE) yield bytes.subarray(i, i + SLICE);
}

/** One pass over the dumpstate bytes keeping the first occurrence of each wanted section (the lines after its
 *  header, up to its end line). Lines are found at the byte level; only candidate header/end lines (starting
 *  with "D" or "-" after blanks) are decoded, and a section's bytes are taken a chunk at a time. */
async function indexSections(chunks: AsyncIterable<Uint8Array>, budget: number): Promise<SectionIndex> {
  const wanted = new Map(BUGREPORT_SECTIONS.map((s) => [`DUMP OF SERVICE ${s}:`, s]));
  const sections = new Map<string, Uint8Array>();
  const overBudget = new Set<string>();
  const firstLines = new Map<string, number>();
  /** Newlines in the text before the chunk being scanned (kept until every section is found). */
  let linesBefore = 0;
  const decoder = new TextDecoder("utf-8");
  let used = 0;
  let current: { key: string; parts: Uint8Array[]; size: number; props: boolean } | null = null;
  /** Where the current section's bytes start in the chunk being scanned. */
  let from = 0;
  const propsPending = () => !sections.has(SYSTEM_PROPERTIES) && !overBudget.has(SYSTEM_PROPERTIES) && current?.key !== SYSTEM_PROPERTIES;

  const take = (data: Uint8Array, end: number) => {
    if (!current || overBudget.has(current.key) || end <= from) return;
    const piece = data.subarray(from, end);
    current.parts.push(piece);
    current.size += piece.length;
    if (used + current.size > budget) {
      overBudget.add(current.key);
      current.parts = [];
    }
  };
  const finish = () => {
    if (current && !overBudget.has(current.key)) {
      sections.set(current.key, concatBytes(current.parts, current.size));
      used += current.size;
    }
    current = null;
  };
  const text = (data: Uint8Array, i: number, e: number) => decoder.decode(data.subarray(i, Math.min(e, i + 200))).trim();
  /** One line [s, e) of `data` (e at its "\n" or the end); returns false once nothing more is wanted. */
  const line = (data: Uint8Array, s: number, e: number): boolean => {
    let i = s;
    while (i < e && (data[i] === 32 || data[i] === 9)) i++;
    const first = data[i];
    if (current) {
      if (first !== DASH) return true;
      const t = text(data, i, e);
      if (!(current.props ? t === "------" || t.startsWith("------ ") : t.startsWith(DELIMITER))) return true;
      take(data, s);
      finish();
      return wanted.size > 0 || propsPending();
    }
    if (first === 68 /* D */) {
      const key = wanted.get(text(data, i, e));
      if (key) {
        wanted.delete(`DUMP OF SERVICE ${key}:`);
        current = { key, parts: [], size: 0, props: false };
        from = Math.min(e + 1, data.length);
        firstLines.set(key, linesBefore + countNewlines(data, 0, e) + 2);
      }
    } else if (first === DASH && propsPending() && text(data, i, e).startsWith("------ SYSTEM PROPERTIES")) {
      current = { key: SYSTEM_PROPERTIES, parts: [], size: 0, props: true };
      from = Math.min(e + 1, data.length);
      firstLines.set(SYSTEM_PROPERTIES, linesBefore + countNewlines(data, 0, e) + 2);
    }
    return true;
  };

  /** Scan the complete lines data[0, end) (end just past a "\n", or data.length at the end of the text). Only
   *  lines that start, after blanks, with "D" or "-" can open or close a section: jump between those bytes
   *  instead of walking every line. */
  const scan = (data: Uint8Array, end: number): boolean => {
    let pos = 0;
    let nextD = -2;
    let nextDash = -2;
    while (pos < end) {
      if (nextDash < pos && nextDash !== -1) nextDash = data.indexOf(DASH, pos);
      if (!current && nextD < pos && nextD !== -1) nextD = data.indexOf(68, pos);
      let i = nextDash;
      if (!current && nextD !== -1 && (i === -1 || nextD < i)) i = nextD;
      if (i === -1 || i >= end) return true;
      let j = i - 1;
      while (j >= 0 && (data[j] === 32 || data[j] === 9)) j--;
      let e = data.indexOf(10, i);
      if (e === -1 || e > end) e = end;
      if (j >= 0 && data[j] !== 10) {
        pos = i + 1;
        continue;
      }
      if (!line(data, j + 1, e)) return false;
      pos = e + 1;
    }
    return true;
  };

  let carry: Uint8Array | null = null;
  // Read to the end even once every section is found: the evidence hashes a file when it is read whole.
  let done = false;
  for await (const chunk of chunks) {
    if (done) continue;
    let data: Uint8Array = chunk;
    if (carry) {
      data = concatBytes([carry, chunk]);
      carry = null;
    }
    from = 0;
    const lastNl = data.lastIndexOf(10);
    const complete = lastNl + 1;
    if (!scan(data, complete)) {
      done = true;
      continue;
    }
    linesBefore += countNewlines(data, 0, complete);
    if (complete < data.length && data.length - complete <= MAX_CARRY) {
      take(data, complete); // the partial last line is carried into the next chunk, and taken from there
      carry = data.slice(complete);
    } else {
      // A line longer than a megabyte is no header or end line: keep it only as section text.
      take(data, data.length);
    }
  }
  if (!done && carry) {
    from = 0;
    if (scan(carry, carry.length)) take(carry, carry.length);
  }
  finish();
  return { sections, firstLines, overBudget };
}

/** Newline bytes in data[start, end). */
function countNewlines(data: Uint8Array, start: number, end: number): number {
  let n = 0;
  for (let i = data.indexOf(10, start); i !== -1 && i < end; i = data.indexOf(10, i + 1)) n++;
  return n;
}

async function listFiles(evidence: Evidence): Promise<{ listing: string[]; problems: string[] }> {
  const out: string[] = [];
  const problems: string[] = [];
  const pending = [""];
  while (pending.length) {
    const dir = pending.pop()!;
    for (const name of await evidence.list(dir)) {
      const rel = dir ? `${dir}/${name}` : name;
      const st = await evidence.stat(rel);
      if (!st) continue;
      if (st.isDirectory) pending.push(rel);
      else out.push(rel);
      if (out.length >= MAX_LISTED) {
        problems.push(`the bugreport holds more than ${MAX_LISTED} files; only the first ${MAX_LISTED} were considered`);
        return { listing: out.sort(), problems };
      }
    }
  }
  return { listing: out.sort(), problems };
}

/** The bugreport a module runs on. */
export function bugreportOf(acquisition: Acquisition): AndroidBugreport {
  if (acquisition instanceof AndroidBugreport) return acquisition;
  throw new Error(`this module reads Android bugreports, not ${acquisition.kind}`);
}
