// The output folder an MVT user recognises: <module>.json, <module>_detected.json, alerts.json,
// alerts_timeline.csv, timeline.csv (UTC, sorted by real time), urls.json and info.json.
// Records are streamed to disk; the timeline is sorted externally in bounded memory.

import { closeSync, mkdirSync, openSync, readSync, rmSync } from "node:fs";
import { ThreadedFile } from "./write-thread.js";
import { makeTempDir, removeTempDir } from "./temp-dirs.js";
import { compareBytes, type LineRunView, type RunBuffers, type SortJob, type SortScratch, type SortThread, sortThread, sortThreadEnabled, writeRunSorted } from "./sort-thread.js";
import path from "node:path";
import type { ArtifactModule } from "../core/artifacts/module.js";
import { errorText } from "../core/util/errors.js";
import type { ModuleCoverage, ResultSink } from "../core/analysis/engine.js";
import { ALERTS_TIMELINE_HEADER, csvRow, TIMELINE_HEADER, toMvtAlert } from "../core/report/alerts.js";
import { recordJson, toJson } from "../core/report/json.js";
import type { Detection, RecordData, TimelineEvent, UrlSighting } from "../core/types.js";

/** Buffered file writer: strings are UTF-8 encoded straight into a shared 1 MiB slot, which is much cheaper
 *  for millions of small writes than joining strings; full slots are written by the background write thread
 *  (write-thread.ts) while the scan goes on. */
export class FileWriter {
  private f: ThreadedFile;
  constructor(readonly file: string) {
    this.f = new ThreadedFile(file);
  }
  write(s: string): void {
    const f = this.f;
    // UTF-8 needs at most 3 bytes per UTF-16 code unit.
    if (s.length * 3 > f.buf.length - f.off) {
      f.flush();
      if (s.length * 3 > f.buf.length) {
        f.writeBytes(Buffer.from(s, "utf8"));
        return;
      }
    }
    f.off += utf8Write.call(f.buf, s, f.off);
  }
  /** `,\n` before every element but the first, which gets `\n` (JSON array lines). */
  writeSeparator(first: boolean): void {
    const f = this.f;
    if (f.buf.length - f.off < 2) f.flush();
    if (!first) f.buf[f.off++] = 44;
    f.buf[f.off++] = 10;
  }
  /** Bytes after what is buffered (copied: the caller may reuse `b` at once). */
  writeRaw(b: Uint8Array): void {
    this.f.writeBytes(b);
  }
  flush(): void {
    this.f.flush();
  }
  close(): void {
    this.f.close();
  }
}

/** Buffer's own UTF-8 encoder without Buffer.write's argument handling (a tenth of the output time at the
 *  top bench scale); Buffer.write where a runtime lacks it. */
const utf8Write: (this: Buffer, s: string, offset: number) => number =
  (Buffer.prototype as unknown as { utf8Write?: (s: string, offset: number) => number }).utf8Write ??
  function (this: Buffer, s: string, offset: number) {
    return this.write(s, offset, "utf8");
  };

const NEWLINE = Buffer.from("\n");


/** A JSON array written one compact element per line (valid JSON, and re-readable line by line). */
export class JsonArrayWriter {
  private w: FileWriter;
  private n = 0;
  constructor(file: string) {
    this.w = new FileWriter(file);
    this.w.write("[");
  }
  push(value: unknown): void {
    this.w.writeSeparator(this.n++ === 0);
    this.w.write(recordJson(value));
  }
  get count(): number {
    return this.n;
  }
  close(): void {
    this.w.write(this.n ? "\n]\n" : "]\n");
    this.w.close();
  }
}

/** Sorted timeline chunk files handed from one sorter to another. */
export interface SortedChunks {
  dir: string | null;
  files: string[];
}

/** External merge sort of CSV lines that start with their quoted UTC timestamp, in plain string order (by
 *  time, ties by the rest of the line). Lines are kept UTF-8 encoded in one buffer per run (no string per line
 *  for the garbage collector to trace), ordered by their `"YYYY-MM-DD HH:MM:SS.ffffff"` prefix read as three
 *  integers (radix sort), and spilled to temporary run files that are merged byte for byte. Only equal
 *  timestamps, and lines without that prefix, compare the line text.
 *  A full run is sorted and written by the sorter thread (sort-thread.ts) while the next one fills: at most two
 *  runs exist, and adding waits only when both are busy. A failed chunk is thrown at the next spill and again
 *  by handOver/writeTo (lines added after it are dropped: the timeline cannot be complete). */
export class TimelineSorter {
  private run: LineRun;
  /** The other run: being sorted by the thread (its job not yet collected) or free. */
  private other: LineRun | null = null;
  private chunks: string[] = [];
  /** Chunks handed to the sorter thread whose outcome has not been collected, oldest first. */
  private pending: { job: number; file: string; run: LineRun }[] = [];
  private failure: Error | null = null;
  /** The sorter thread this sorter's pending chunks went to. */
  private thread: SortThread | null = null;
  private tmp: string | null = null;
  /** Folders of chunks adopted from other sorters, removed after the merge. */
  private adopted: string[] = [];
  count = 0;
  /** `threaded`: spill through the sorter thread (by default unless SPYSCOPE_SORT_THREAD=0). */
  constructor(
    private chunkLines = 2_000_000,
    private chunkBytes = 16 << 20,
    private threaded = sortThreadEnabled(),
  ) {
    this.run = this.newRun();
  }

  /** A run for this sorter's chunks: it spills once it holds `chunkBytes`, so its buffer need not grow past
   *  that, the staging room and a last line (unless a line is huge). */
  private newRun(like?: LineRun): LineRun {
    return new LineRun(this.chunkBytes + STAGE_MIN + (256 << 10), like);
  }

  add(line: string): void {
    if (this.failure) return;
    this.run.add(line);
    this.count++;
    if (this.run.lines >= this.chunkLines || this.run.bytes >= this.chunkBytes) this.spill();
  }

  /** add(timelineLine(e)), without building the line. */
  addEvent(e: TimelineEvent): void {
    if (this.failure) return;
    this.run.addEvent(e);
    this.count++;
    if (this.run.lines >= this.chunkLines || this.run.bytes >= this.chunkBytes) this.spill();
  }

  private spill(): void {
    this.tmp ??= makeTempDir("spyscope-timeline-");
    const file = path.join(this.tmp, `chunk-${this.chunks.length}.csv`);
    this.chunks.push(file);
    if (this.threaded && !this.thread) {
      try {
        this.thread = sortThread();
      } catch {
        this.threaded = false; // no thread to be had: sort here
      }
    }
    if (!this.thread) {
      try {
        const w = new FileWriter(file);
        try {
          this.run.writeSorted(w);
        } finally {
          w.close();
        }
      } catch (e) {
        throw this.fail(file, errorText(e));
      }
      this.run.clear();
      return;
    }
    // The second run starts as large as the first has grown (it is filled the same way): made before the
    // first one's memory goes to the thread.
    const next = this.other ?? this.newRun(this.run);
    const job = this.thread.submit(this.run.handOff(file));
    this.run.job = job;
    this.pending.push({ job, file, run: this.run });
    this.other = this.run;
    this.run = next;
    this.collect(next.job);
    if (this.failure) throw this.failure;
    next.clear();
  }

  /** Take the outcome of handed-over chunks: wait for those up to job `until`, take any already finished.
   *  The first failure is kept in `failure`. */
  private collect(until: number): void {
    const thread = this.thread!;
    while (this.pending.length) {
      const { job, file, run } = this.pending[0];
      if (job > until && !thread.finished(job)) break;
      this.pending.shift();
      let message: string | undefined;
      try {
        const result = thread.wait(job);
        if (result.buffers) run.restore(result.buffers);
        message = result.message;
      } catch (e) {
        message = errorText(e); // the run's memory is lost with the thread; nothing is added after a failure
      }
      if (message !== undefined) this.fail(file, message);
    }
  }

  private fail(file: string, message: string): Error {
    this.failure ??= new Error(`writing timeline chunk ${file} failed: ${message}`);
    return this.failure;
  }

  /** Wait for every chunk handed to the thread; throws the first failure of this sorter. */
  private settle(): void {
    if (this.pending.length) this.collect(Infinity);
    if (this.failure) throw this.failure;
  }

  /** Spill what is buffered and give up the sorted chunk files (and their folder) to another sorter. */
  handOver(): SortedChunks {
    try {
      if (this.run.lines && !this.failure) this.spill();
      this.settle();
    } catch (e) {
      this.removeFolders();
      throw e;
    }
    const h = { dir: this.tmp, files: this.chunks };
    this.tmp = null;
    this.chunks = [];
    this.count = 0;
    return h;
  }

  /** Merge another sorter's chunks (from handOver, e.g. in a worker thread) into this one's output. A failure
   *  of this sorter's own chunks is not thrown here but by writeTo. */
  adopt(h: SortedChunks): void {
    this.chunks.push(...h.files);
    if (h.dir) this.adopted.push(h.dir);
    if (this.pending.length) this.collect(Infinity);
  }

  /** Write header + sorted lines to `file`. */
  async writeTo(file: string, header: string): Promise<void> {
    try {
      if (this.chunks.length && this.run.lines && !this.failure) this.spill();
      this.settle();
      const out = new FileWriter(file);
      try {
        out.write(header + "\n");
        if (this.chunks.length) mergeChunks(this.chunks, out);
        else this.run.writeSorted(out);
      } finally {
        out.close();
      }
    } finally {
      this.removeFolders();
      this.chunks = [];
      this.pending = [];
      this.thread = null;
      this.run = this.newRun();
      this.other = null;
    }
  }

  /** Remove the chunk folders, once the thread has finished with them. */
  private removeFolders(): void {
    if (this.pending.length) this.collect(Infinity);
    for (const dir of [this.tmp, ...this.adopted]) if (dir) removeTempDir(dir);
    this.tmp = null;
    this.adopted = [];
  }
}

/** UTF-8 of `s` into `b` at `p`; returns the end. Short ASCII text is copied in a loop, cheaper than a call
 *  into the native encoder. */
function putText(b: Buffer, p: number, s: string): number {
  const n = s.length;
  if (n > 48) return p + utf8Write.call(b, s, p);
  for (let j = 0; j < n; j++) {
    const c = s.charCodeAt(j);
    if (c >= 0x80) return p + utf8Write.call(b, j ? s.slice(j) : s, p);
    b[p++] = c;
  }
  return p;
}

/** Spare bytes after a run's lines through which it is written out. */
const STAGE_MIN = 1 << 20;

/** Length of the leading `"YYYY-MM-DD HH:MM:SS.ffffff"` (quotes included). */
const KEY_LEN = 28;
const KEY_SHAPE = '"0000-00-00 00:00:00.000000"';

/** Lines in one UTF-8 buffer (each followed by a newline) with their timestamps as integers:
 *  YYYYMMDD, HHMMSS and the microseconds. Equal integers mean equal timestamp text, and integer order is
 *  text order. Each array has an ArrayBuffer of its own, so the run's memory can be moved to the sorter thread
 *  and back without a copy. */
class LineRun implements LineRunView {
  buf: Buffer;
  bytes = 0;
  lines = 0;
  /** Line i is buf[starts[i], starts[i + 1] - 1), its newline at starts[i + 1] - 1. */
  starts: Uint32Array;
  ymd: Uint32Array;
  hms: Uint32Array;
  us: Uint32Array;
  keyed: Uint8Array;
  /** The sorter thread's job number of this run's last hand-off (0: never handed off). */
  job = 0;

  /** Buffers as large as `like`'s, or small; the byte buffer doubles as lines come, up to `capacity` bytes
   *  (more only for a line that needs it), the line arrays double. */
  constructor(
    private capacity: number,
    like?: LineRun,
  ) {
    this.buf = ownBuffer(like ? like.buf.length : 1 << 16);
    const n = like ? like.ymd.length : 1024;
    this.starts = new Uint32Array(n + 1);
    this.ymd = new Uint32Array(n);
    this.hms = new Uint32Array(n);
    this.us = new Uint32Array(n);
    this.keyed = new Uint8Array(n);
  }

  /** Empty the run, keeping its buffers for the next one. */
  clear(): void {
    this.bytes = 0;
    this.lines = 0;
  }

  add(line: string): void {
    const i = this.lines;
    if (i === this.ymd.length) this.growLines();
    if (this.bytes + line.length * 3 + 1 > this.buf.length) this.growBytes(this.bytes + line.length * 3 + 1);
    this.keyed[i] = this.readKey(line, i, true) ? 1 : 0;
    this.bytes += utf8Write.call(this.buf, line, this.bytes);
    this.buf[this.bytes++] = 10;
    this.lines = i + 1;
    this.starts[i + 1] = this.bytes;
  }

  /** The line `timelineLine(e)` would give, encoded field by field (no joined string per event). */
  addEvent(e: TimelineEvent): void {
    const i = this.lines;
    if (i === this.ymd.length) this.growLines();
    const ts = csvText(e.timestamp);
    const mod = csvText(e.module);
    const ev = csvText(e.event);
    const data = csvText(e.data.indexOf("\n") === -1 ? e.data : e.data.replace(/\r?\n/g, "\\n"));
    const need = (ts.length + mod.length + ev.length + data.length) * 3 + 12;
    if (this.bytes + need > this.buf.length) this.growBytes(this.bytes + need);
    this.keyed[i] = this.readKey(ts, i, false) ? 1 : 0;
    const b = this.buf;
    let p = this.bytes;
    b[p++] = 34;
    p = putText(b, p, ts);
    b[p++] = 34;
    b[p++] = 44;
    b[p++] = 34;
    p = putText(b, p, mod);
    b[p++] = 34;
    b[p++] = 44;
    b[p++] = 34;
    p = putText(b, p, ev);
    b[p++] = 34;
    b[p++] = 44;
    b[p++] = 34;
    p = putText(b, p, data);
    b[p++] = 34;
    b[p++] = 10;
    this.bytes = p;
    this.lines = i + 1;
    this.starts[i + 1] = p;
  }

  /** Whether `s` is a bare timestamp (`"` + s + `"` the line's key) or, `quoted`, starts with the quoted key. */
  private readKey(s: string, i: number, quoted: boolean): boolean {
    const off = quoted ? 0 : 1;
    const len = quoted ? KEY_LEN : KEY_LEN - 2;
    if (quoted ? s.length < KEY_LEN : s.length !== len) return false;
    let a = 0;
    let b = 0;
    let c = 0;
    for (let q = 0; q < len; q++) {
      const p = q + off;
      const ch = s.charCodeAt(q);
      const want = KEY_SHAPE.charCodeAt(p);
      if (want === 48) {
        const d = ch - 48;
        if (d < 0 || d > 9) return false;
        if (p < 11) a = a * 10 + d;
        else if (p < 20) b = b * 10 + d;
        else c = c * 10 + d;
      } else if (ch !== want) return false;
    }
    this.ymd[i] = a;
    this.hms[i] = b;
    this.us[i] = c;
    return true;
  }

  private growLines(): void {
    const n = this.ymd.length * 2;
    const grow = <T extends Uint32Array | Uint8Array>(a: T, size: number): T => {
      const b = new (a.constructor as new (n: number) => T)(size);
      b.set(a);
      return b;
    };
    this.starts = grow(this.starts, n + 1);
    this.ymd = grow(this.ymd, n);
    this.hms = grow(this.hms, n);
    this.us = grow(this.us, n);
    this.keyed = grow(this.keyed, n);
  }

  private growBytes(need: number): void {
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    if (need <= this.capacity) size = Math.min(size, this.capacity);
    const b = ownBuffer(size);
    this.buf.copy(b, 0, 0, this.bytes);
    this.buf = b;
  }

  /** Room to stage the sorted lines after them (see writeRunSorted). */
  private reserveStage(): void {
    if (this.buf.length - this.bytes < STAGE_MIN) this.growBytes(this.bytes + STAGE_MIN);
  }

  /** The run as a job for the sorter thread, which takes its memory until restore(). */
  handOff(file: string): SortJob {
    this.reserveStage();
    const { buf, starts, ymd, hms, us, keyed } = this;
    return { file, bytes: this.bytes, lines: this.lines, buf: buf.buffer as ArrayBuffer, starts: starts.buffer as ArrayBuffer, ymd: ymd.buffer as ArrayBuffer, hms: hms.buffer as ArrayBuffer, us: us.buffer as ArrayBuffer, keyed: keyed.buffer as ArrayBuffer };
  }

  /** Take the run's memory back from the sorter thread. */
  restore(b: RunBuffers): void {
    this.buf = Buffer.from(b.buf);
    this.starts = new Uint32Array(b.starts);
    this.ymd = new Uint32Array(b.ymd);
    this.hms = new Uint32Array(b.hms);
    this.us = new Uint32Array(b.us);
    this.keyed = new Uint8Array(b.keyed);
  }

  /** Append the lines in order to `w` (on this thread). */
  writeSorted(w: FileWriter): void {
    this.reserveStage();
    writeRunSorted(this, (b) => w.writeRaw(b), scratch);
  }
}

/** Index arrays of the runs sorted on this thread (see writeRunSorted). */
const scratch: SortScratch = { ints: new Uint32Array(0) };

/** A Buffer over an ArrayBuffer of its own (never the shared pool: it is moved to the sorter thread and back). */
function ownBuffer(size: number): Buffer {
  return Buffer.from(new ArrayBuffer(size));
}

const READ_BLOCK = 1 << 20;

/** Synchronous reader of one sorted chunk file: the current line as bytes in `buf[start, end)` (no newline),
 *  with its timestamp key, so the merge neither decodes nor re-encodes lines. */
class ChunkReader {
  private fd: number;
  buf: Buffer;
  private fill = 0;
  private pos = 0;
  private eof = false;
  start = 0;
  end = 0;
  keyed = false;
  ymd = 0;
  hms = 0;
  us = 0;
  constructor(file: string, buf: Buffer) {
    this.buf = buf;
    this.fd = openSync(file, "r");
  }

  /** Advance to the next line; false at the end of the file. */
  next(): boolean {
    for (;;) {
      const nl = this.pos < this.fill ? this.buf.indexOf(10, this.pos) : -1;
      if (nl !== -1 && nl < this.fill) {
        this.start = this.pos;
        this.end = nl;
        this.pos = nl + 1;
        this.readKey();
        return true;
      }
      if (this.eof) {
        if (this.pos < this.fill) {
          this.start = this.pos;
          this.end = this.fill;
          this.pos = this.fill;
          this.readKey();
          return true;
        }
        return false;
      }
      this.refill();
    }
  }

  private refill(): void {
    const rest = this.fill - this.pos;
    if (rest === this.buf.length) {
      const bigger = Buffer.allocUnsafe(this.buf.length * 2);
      this.buf.copy(bigger, 0, this.pos, this.fill);
      this.buf = bigger;
    } else if (this.pos > 0) this.buf.copyWithin(0, this.pos, this.fill);
    this.fill = rest;
    this.pos = 0;
    const n = readSync(this.fd, this.buf, rest, this.buf.length - rest, null);
    if (n === 0) this.eof = true;
    this.fill += n;
  }

  private readKey(): void {
    const b = this.buf;
    const s = this.start;
    this.keyed = false;
    if (this.end - s < KEY_LEN) return;
    let a = 0;
    let h = 0;
    let c = 0;
    for (let p = 0; p < KEY_LEN; p++) {
      const ch = b[s + p];
      const want = KEY_SHAPE.charCodeAt(p);
      if (want === 48) {
        const d = ch - 48;
        if (d < 0 || d > 9) return;
        if (p < 11) a = a * 10 + d;
        else if (p < 20) h = h * 10 + d;
        else c = c * 10 + d;
      } else if (ch !== want) return;
    }
    this.ymd = a;
    this.hms = h;
    this.us = c;
    this.keyed = true;
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** Whether reader x's line sorts before reader y's, in the string order the chunks were sorted in. */
function lineLess(x: ChunkReader, y: ChunkReader): boolean {
  let from = 0;
  if (x.keyed && y.keyed) {
    if (x.ymd !== y.ymd) return x.ymd < y.ymd;
    if (x.hms !== y.hms) return x.hms < y.hms;
    if (x.us !== y.us) return x.us < y.us;
    from = KEY_LEN;
  }
  return compareBytes(x.buf, x.start, x.end, y.buf, y.start, y.end, from) < 0;
}

/** K-way merge of sorted chunks through a binary min-heap of readers. The readers' buffers and the output
 *  staging area share one ArrayBuffer so that a line is moved with copyWithin. */
function mergeChunks(files: string[], out: FileWriter): void {
  const all = new Uint8Array((files.length + 1) * READ_BLOCK);
  const stageStart = files.length * READ_BLOCK;
  let stage = stageStart;
  const readers: ChunkReader[] = [];
  try {
    for (let i = 0; i < files.length; i++) readers.push(new ChunkReader(files[i], Buffer.from(all.buffer, i * READ_BLOCK, READ_BLOCK)));
    const heap = readers.filter((r) => r.next());
    const down = (i: number) => {
      const top = heap[i];
      for (;;) {
        const l = 2 * i + 1;
        if (l >= heap.length) break;
        const m = l + 1 < heap.length && lineLess(heap[l + 1], heap[l]) ? l + 1 : l;
        if (!lineLess(heap[m], top)) break;
        heap[i] = heap[m];
        i = m;
      }
      heap[i] = top;
    };
    for (let i = (heap.length >> 1) - 1; i >= 0; i--) down(i);
    out.flush();
    while (heap.length) {
      const r = heap[0];
      const len = r.end - r.start + 1;
      if (len > all.length - stage) {
        out.writeRaw(all.subarray(stageStart, stage));
        stage = stageStart;
      }
      if (r.buf.buffer === all.buffer && len <= all.length - stage) {
        all.copyWithin(stage, r.buf.byteOffset + r.start, r.buf.byteOffset + r.end);
        all[stage + len - 1] = 10;
        stage += len;
      } else {
        // After a line longer than a read block the reader has its own, larger buffer.
        out.writeRaw(all.subarray(stageStart, stage));
        stage = stageStart;
        out.writeRaw(r.buf.subarray(r.start, r.end));
        out.writeRaw(NEWLINE);
      }
      if (!r.next()) {
        const last = heap.pop()!;
        if (!heap.length) break;
        heap[0] = last;
      }
      down(0);
    }
    out.writeRaw(all.subarray(stageStart, stage));
  } finally {
    for (const r of readers) r.close();
  }
}

/** One timeline CSV line; newlines inside fields are escaped so every event stays on one line (sortable). */
export function timelineLine(e: TimelineEvent): string {
  const data = e.data.indexOf("\n") === -1 ? e.data : e.data.replace(/\r?\n/g, "\\n");
  // join() yields one flat string; a concatenation would keep a tree of parts alive in the sort buffer.
  return [quoteCsv(e.timestamp), quoteCsv(e.module), quoteCsv(e.event), quoteCsv(data)].join(",");
}

/** csvField, skipping the regex for the common field without a quote. */
function quoteCsv(v: unknown): string {
  return `"${csvText(v)}"`;
}

/** A CSV field's text between its quotes. */
function csvText(v: unknown): string {
  const s = v === null || v === undefined ? "" : String(v);
  return s.indexOf('"') === -1 ? s : s.replace(/"/g, '""');
}

export interface OutputFolderOptions {
  /** Write per-module records (<module>.json); check-iocs re-matching turns this off. */
  records?: boolean;
  /** Write timeline.csv (off for check-iocs re-matching). */
  timeline?: boolean;
  /** Write each module's urls.json entries to `<urlParts>/<module>.urls` (a scan split across threads); the
   *  folder that runs finish() joins them in `moduleOrder`. */
  urlParts?: string;
  /** Every module of the scan in its canonical order: urls.json joins the parts in this order whichever
   *  thread produced them. */
  moduleOrder?: string[];
  /** false: sort timeline runs on the scan thread, not the sorter thread (a scan split across two threads
   *  keeps both cores busy already; the sorter thread only costs memory there). SPYSCOPE_SORT_THREAD=0
   *  turns it off everywhere. */
  sortThread?: boolean;
}

export class OutputFolder implements ResultSink {
  private moduleWriter: JsonArrayWriter | null = null;
  private objectRecord: RecordData | null = null;
  private detectionsByModule = new Map<string, Detection[]>();
  private detections: Detection[] = [];
  private timelineSorter: TimelineSorter;
  private urls: JsonArrayWriter | null = null;
  private urlPart: FileWriter | null = null;
  private current = "";

  constructor(
    readonly dir: string,
    private opts: OutputFolderOptions = {},
  ) {
    mkdirSync(dir, { recursive: true });
    this.timelineSorter = new TimelineSorter(undefined, undefined, opts.sortThread !== false && sortThreadEnabled());
  }

  beginModule(m: ArtifactModule<any>): void {
    this.objectRecord = null;
    this.current = m.id;
  }

  record(m: ArtifactModule<any>, r: RecordData): void {
    if (this.opts.records === false) return;
    if (m.output === "object") {
      this.objectRecord = r;
      return;
    }
    this.moduleWriter ??= new JsonArrayWriter(path.join(this.dir, `${m.id}.json`));
    this.moduleWriter.push(r);
  }

  detection(d: Detection): void {
    this.detections.push(d);
    const list = this.detectionsByModule.get(d.module) ?? [];
    list.push(d);
    this.detectionsByModule.set(d.module, list);
  }

  timeline(e: TimelineEvent): void {
    if (this.opts.timeline === false) return;
    this.timelineSorter.addEvent(e);
  }

  url(u: UrlSighting): void {
    if (this.opts.urlParts) {
      // Each entry with the separator JsonArrayWriter puts before all but the first (dropped when joining).
      this.urlPart ??= new FileWriter(path.join(this.opts.urlParts, `${this.current}.urls`));
      this.urlPart.write(",\n");
      this.urlPart.write(recordJson(u));
      return;
    }
    this.urls ??= new JsonArrayWriter(path.join(this.dir, "urls.json"));
    this.urls.push(u);
  }

  endModule(m: ArtifactModule<any>, _c: ModuleCoverage): void {
    this.moduleWriter?.close();
    this.moduleWriter = null;
    this.urlPart?.close();
    this.urlPart = null;
    if (this.objectRecord) {
      const w = new FileWriter(path.join(this.dir, `${m.id}.json`));
      w.write(toJson(this.objectRecord) + "\n");
      w.close();
      this.objectRecord = null;
    }
    const dets = this.detectionsByModule.get(m.id);
    if (dets?.length) this.writeJsonArray(`${m.id}_detected.json`, dets, toMvtAlert);
    this.detectionsByModule.delete(m.id);
  }

  /** `toJson(items.map(map))` written element by element, byte for byte the same, without building the
   *  whole text (a scan with tens of thousands of alerts would hold it all at once). */
  writeJsonArray<T>(name: string, items: readonly T[], map: (item: T) => unknown): void {
    const w = new FileWriter(path.join(this.dir, name));
    try {
      if (!items.length) {
        w.write("[]\n");
        return;
      }
      for (let i = 0; i < items.length; i++) {
        w.write(i ? ",\n    " : "[\n    ");
        // JSON text has no raw newline inside strings, so every newline starts a line to indent.
        w.write(toJson(map(items[i])).replace(/\n/g, "\n    "));
      }
      w.write("\n]\n");
    } finally {
      w.close();
    }
  }

  writeJson(name: string, value: unknown): void {
    const w = new FileWriter(path.join(this.dir, name));
    w.write(toJson(value) + "\n");
    w.close();
  }

  /** Remove what a module wrote (a failed worker's module, about to run again here). */
  forgetModule(m: ArtifactModule<any>): void {
    const files = [path.join(this.dir, `${m.id}.json`), path.join(this.dir, `${m.id}_detected.json`)];
    if (this.opts.urlParts) files.push(path.join(this.opts.urlParts, `${m.id}.urls`));
    for (const f of files) rmSync(f, { force: true });
  }

  /** Every detection of a scan split across threads, in module order (the other thread's
   *  <module>_detected.json files are already written): alerts.json and alerts_timeline.csv list these. */
  useDetections(list: Detection[]): void {
    this.detections = list;
  }

  /** The timeline so far, as sorted chunks for the folder that runs finish() (see adoptTimeline). */
  handOverTimeline(): SortedChunks {
    return this.timelineSorter.handOver();
  }

  adoptTimeline(h: SortedChunks): void {
    this.timelineSorter.adopt(h);
  }

  /** Write alerts.json, alerts_timeline.csv, timeline.csv; close urls.json. */
  async finish(): Promise<void> {
    if (this.opts.urlParts) this.joinUrlParts(this.opts.urlParts);
    else {
      if (this.opts.records !== false) this.urls ??= new JsonArrayWriter(path.join(this.dir, "urls.json"));
      this.urls?.close();
    }
    this.writeJsonArray("alerts.json", this.detections, toMvtAlert);
    const at = new TimelineSorter();
    for (const d of this.detections) at.add(csvRow([d.eventTime ?? "", d.module, d.message.replace(/\r?\n/g, "\\n"), toJson(d.record, 0)]));
    await at.writeTo(path.join(this.dir, "alerts_timeline.csv"), ALERTS_TIMELINE_HEADER);
    if (this.opts.timeline !== false) await this.timelineSorter.writeTo(path.join(this.dir, "timeline.csv"), TIMELINE_HEADER);
  }

  /** urls.json from the per-module parts, in module order: byte for byte what one JsonArrayWriter writes. */
  private joinUrlParts(dir: string): void {
    const w = new FileWriter(path.join(this.dir, "urls.json"));
    try {
      w.write("[");
      let any = false;
      const buf = Buffer.allocUnsafe(1 << 20);
      for (const id of this.opts.moduleOrder ?? []) {
        const file = path.join(dir, `${id}.urls`);
        let fd: number;
        try {
          fd = openSync(file, "r");
        } catch {
          continue; // the module saw no URL
        }
        try {
          let first = true;
          for (;;) {
            const n = readSync(fd, buf, 0, buf.length, null);
            if (n === 0) break;
            // The very first entry of the file has no comma before its newline.
            const skip = first && !any ? 1 : 0;
            if (n > skip) w.writeRaw(buf.subarray(skip, n));
            if (first && n > 0) any = true;
            first = false;
          }
        } finally {
          closeSync(fd);
        }
      }
      w.write(any ? "\n]\n" : "]\n");
    } finally {
      w.close();
    }
  }
}
