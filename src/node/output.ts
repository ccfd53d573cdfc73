// The output folder an MVT user recognises: <module>.json, <module>_detected.json, alerts.json,
// alerts_timeline.csv, timeline.csv (UTC, sorted by real time), urls.json and info.json.
// Records are streamed to disk; the timeline is sorted externally in bounded memory.

import { closeSync, mkdirSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { ArtifactModule } from "../core/artifacts/module.js";
import type { ModuleCoverage, ResultSink } from "../core/analysis/engine.js";
import { ALERTS_TIMELINE_HEADER, csvRow, TIMELINE_HEADER, toMvtAlert } from "../core/report/alerts.js";
import { recordJson, toJson } from "../core/report/json.js";
import type { Detection, RecordData, TimelineEvent, UrlSighting } from "../core/types.js";

/** Buffered, synchronous file writer: strings are UTF-8 encoded straight into one reused buffer, which is
 *  much cheaper for millions of small writes than joining strings and writing each join. */
export class FileWriter {
  private fd: number;
  private buf: Buffer;
  private off = 0;
  constructor(
    readonly file: string,
    size = 1 << 20,
  ) {
    this.fd = openSync(file, "w");
    this.buf = Buffer.allocUnsafe(size);
  }
  write(s: string): void {
    // UTF-8 needs at most 3 bytes per UTF-16 code unit.
    if (s.length * 3 > this.buf.length - this.off) {
      this.flush();
      if (s.length * 3 > this.buf.length) {
        writeFully(this.fd, Buffer.from(s, "utf8"));
        return;
      }
    }
    this.off += utf8Write.call(this.buf, s, this.off);
  }
  flush(): void {
    if (this.off) writeFully(this.fd, this.buf.subarray(0, this.off));
    this.off = 0;
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/** Buffer's own UTF-8 encoder without Buffer.write's argument handling (a tenth of the output time at the
 *  top bench scale); Buffer.write where a runtime lacks it. */
const utf8Write: (this: Buffer, s: string, offset: number) => number =
  (Buffer.prototype as unknown as { utf8Write?: (s: string, offset: number) => number }).utf8Write ??
  function (this: Buffer, s: string, offset: number) {
    return this.write(s, offset, "utf8");
  };

function writeFully(fd: number, b: Uint8Array): void {
  let done = 0;
  while (done < b.length) done += writeSync(fd, b, done, b.length - done);
}

/** A JSON array written one compact element per line (valid JSON, and re-readable line by line). */
export class JsonArrayWriter {
  private w: FileWriter;
  private n = 0;
  constructor(file: string) {
    this.w = new FileWriter(file);
    this.w.write("[");
  }
  push(value: unknown): void {
    this.w.write(this.n++ ? ",\n" : "\n");
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

/** Synchronous line reader over a file in 1 MiB blocks (much faster than readline's async iteration). */
class LineReader {
  private fd: number;
  private buf = "";
  private pos = 0;
  private eof = false;
  private block = Buffer.alloc(1 << 20);
  private decoder = new TextDecoder("utf-8");
  constructor(file: string) {
    this.fd = openSync(file, "r");
  }
  next(): string | null {
    for (;;) {
      const nl = this.buf.indexOf("\n", this.pos);
      if (nl !== -1) {
        const line = this.buf.slice(this.pos, nl);
        this.pos = nl + 1;
        return line;
      }
      if (this.eof) {
        if (this.pos < this.buf.length) {
          const line = this.buf.slice(this.pos);
          this.pos = this.buf.length;
          return line;
        }
        return null;
      }
      const n = readSync(this.fd, this.block, 0, this.block.length, null);
      if (n === 0) {
        this.eof = true;
        this.buf = this.buf.slice(this.pos) + this.decoder.decode();
      } else {
        this.buf = this.buf.slice(this.pos) + this.decoder.decode(this.block.subarray(0, n), { stream: true });
      }
      this.pos = 0;
    }
  }
  close(): void {
    closeSync(this.fd);
  }
}

/** External merge sort of CSV lines that start with their quoted UTC timestamp. */
export class TimelineSorter {
  private lines: string[] = [];
  private chunks: string[] = [];
  private tmp: string | null = null;
  count = 0;
  constructor(private chunkLines = 200_000) {}

  add(line: string): void {
    this.lines.push(line);
    this.count++;
    if (this.lines.length >= this.chunkLines) this.spill();
  }

  private spill(): void {
    this.tmp ??= mkdtempSync(path.join(os.tmpdir(), "spyscope-timeline-"));
    const file = path.join(this.tmp, `chunk-${this.chunks.length}.csv`);
    const w = new FileWriter(file);
    this.lines.sort();
    for (const l of this.lines) {
      w.write(l);
      w.write("\n");
    }
    w.close();
    this.chunks.push(file);
    this.lines = [];
  }

  /** Write header + sorted lines to `file`. */
  async writeTo(file: string, header: string): Promise<void> {
    const out = new FileWriter(file);
    out.write(header + "\n");
    try {
      if (!this.chunks.length) {
        this.lines.sort();
        for (const l of this.lines) {
          out.write(l);
          out.write("\n");
        }
        return;
      }
      if (this.lines.length) this.spill();
      const readers = this.chunks.map((c) => new LineReader(c));
      mergeSorted(readers, (line) => {
        out.write(line);
        out.write("\n");
      });
      for (const r of readers) r.close();
    } finally {
      out.close();
      if (this.tmp) rmSync(this.tmp, { recursive: true, force: true });
      this.tmp = null;
      this.chunks = [];
      this.lines = [];
    }
  }
}

/** K-way merge of sorted line streams through a binary min-heap of their current lines. */
function mergeSorted(readers: LineReader[], emit: (line: string) => void): void {
  const heads: string[] = [];
  const from: LineReader[] = [];
  const less = (a: number, b: number) => heads[a] < heads[b];
  const swap = (a: number, b: number) => {
    [heads[a], heads[b]] = [heads[b], heads[a]];
    [from[a], from[b]] = [from[b], from[a]];
  };
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      if (l >= heads.length) return;
      const m = l + 1 < heads.length && less(l + 1, l) ? l + 1 : l;
      if (!less(m, i)) return;
      swap(i, m);
      i = m;
    }
  };
  for (const r of readers) {
    const h = r.next();
    if (h !== null) {
      heads.push(h);
      from.push(r);
    }
  }
  for (let i = (heads.length >> 1) - 1; i >= 0; i--) down(i);
  while (heads.length) {
    emit(heads[0]);
    const next = from[0].next();
    if (next !== null) heads[0] = next;
    else {
      const last = heads.length - 1;
      heads[0] = heads[last];
      from[0] = from[last];
      heads.pop();
      from.pop();
    }
    down(0);
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
  const s = v === null || v === undefined ? "" : String(v);
  return `"${s.indexOf('"') === -1 ? s : s.replace(/"/g, '""')}"`;
}

export interface OutputFolderOptions {
  /** Write per-module records (<module>.json); check-iocs re-matching turns this off. */
  records?: boolean;
  /** Write timeline.csv (off for check-iocs re-matching). */
  timeline?: boolean;
}

export class OutputFolder implements ResultSink {
  private moduleWriter: JsonArrayWriter | null = null;
  private objectRecord: RecordData | null = null;
  private detectionsByModule = new Map<string, Detection[]>();
  readonly detections: Detection[] = [];
  private timelineSorter = new TimelineSorter();
  private urls: JsonArrayWriter | null = null;

  constructor(
    readonly dir: string,
    private opts: OutputFolderOptions = {},
  ) {
    mkdirSync(dir, { recursive: true });
  }

  beginModule(m: ArtifactModule<any>): void {
    this.objectRecord = null;
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
    this.timelineSorter.add(timelineLine(e));
  }

  url(u: UrlSighting): void {
    this.urls ??= new JsonArrayWriter(path.join(this.dir, "urls.json"));
    this.urls.push(u);
  }

  endModule(m: ArtifactModule<any>, _c: ModuleCoverage): void {
    this.moduleWriter?.close();
    this.moduleWriter = null;
    if (this.objectRecord) {
      const w = new FileWriter(path.join(this.dir, `${m.id}.json`));
      w.write(toJson(this.objectRecord) + "\n");
      w.close();
      this.objectRecord = null;
    }
    const dets = this.detectionsByModule.get(m.id);
    if (dets?.length) this.writeJson(`${m.id}_detected.json`, dets.map(toMvtAlert));
  }

  writeJson(name: string, value: unknown): void {
    const w = new FileWriter(path.join(this.dir, name));
    w.write(toJson(value) + "\n");
    w.close();
  }

  /** Write alerts.json, alerts_timeline.csv, timeline.csv; close urls.json. */
  async finish(): Promise<void> {
    if (this.opts.records !== false) this.urls ??= new JsonArrayWriter(path.join(this.dir, "urls.json"));
    this.urls?.close();
    this.writeJson("alerts.json", this.detections.map(toMvtAlert));
    const at = new TimelineSorter();
    for (const d of this.detections) at.add(csvRow([d.eventTime ?? "", d.module, d.message.replace(/\r?\n/g, "\\n"), toJson(d.record, 0)]));
    await at.writeTo(path.join(this.dir, "alerts_timeline.csv"), ALERTS_TIMELINE_HEADER);
    if (this.opts.timeline !== false) await this.timelineSorter.writeTo(path.join(this.dir, "timeline.csv"), TIMELINE_HEADER);
  }
}
