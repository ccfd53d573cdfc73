// The output folder an MVT user recognises: <module>.json, <module>_detected.json, alerts.json,
// alerts_timeline.csv, timeline.csv (UTC, sorted by real time), urls.json and info.json.
// Records are streamed to disk; the timeline is sorted externally in bounded memory.

import { closeSync, mkdirSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { ArtifactModule } from "../core/artifacts/module.js";
import type { ModuleCoverage, ResultSink } from "../core/analysis/engine.js";
import { ALERTS_TIMELINE_HEADER, csvRow, TIMELINE_HEADER, toMvtAlert } from "../core/report/alerts.js";
import { toJson } from "../core/report/json.js";
import type { Detection, RecordData, TimelineEvent, UrlSighting } from "../core/types.js";

/** Buffered, synchronous file writer: fast for millions of small writes. */
export class FileWriter {
  private fd: number;
  private buf: string[] = [];
  private size = 0;
  constructor(
    readonly file: string,
    private limit = 1 << 20,
  ) {
    this.fd = openSync(file, "w");
  }
  write(s: string): void {
    this.buf.push(s);
    this.size += s.length;
    if (this.size >= this.limit) this.flush();
  }
  flush(): void {
    if (this.buf.length) writeSync(this.fd, this.buf.join(""));
    this.buf = [];
    this.size = 0;
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
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
    this.w.write((this.n++ ? ",\n" : "\n") + toJson(value, 0));
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
    for (const l of this.lines) w.write(l + "\n");
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
        for (const l of this.lines) out.write(l + "\n");
        return;
      }
      if (this.lines.length) this.spill();
      const readers = this.chunks.map((c) => new LineReader(c));
      const heads = readers.map((r) => r.next());
      for (;;) {
        let best = -1;
        for (let i = 0; i < heads.length; i++) {
          const h = heads[i];
          if (h !== null && (best === -1 || h < (heads[best] as string))) best = i;
        }
        if (best === -1) break;
        out.write(heads[best] + "\n");
        heads[best] = readers[best].next();
      }
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

/** One timeline CSV line; newlines inside fields are escaped so every event stays on one line (sortable). */
export function timelineLine(e: TimelineEvent): string {
  return csvRow([e.timestamp, e.module, e.event, e.data.replace(/\r?\n/g, "\\n")]);
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
