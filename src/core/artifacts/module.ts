// An artifact module is data plus one function: it declares where it reads and what it yields;
// the engine (core/analysis/engine.ts) does matching, timeline, coverage and output.

import type { Evidence } from "../evidence/evidence.js";
import type { SqliteDatabase } from "../formats/sqlite.js";
import type { Analyzer, Observable, Platform, RecordData, TimelineEvent } from "../types.js";

/** Where a module reads. For iOS backups: Manifest.db domain + relative path (SQL LIKE patterns allowed
 *  with domainLike / pathLike); `rootPath` names a file at the root of the acquisition (e.g. Info.plist). */
export interface FileSpec {
  domain?: string;
  domainLike?: string;
  path?: string;
  pathLike?: string;
  rootPath?: string;
  /** Filesystem dumps only: a glob from the dump root (`*` within one path component, `**` any depth, a
   *  trailing `/` matches folders), used in place of the domain mapping. Backups ignore it, so a spec with
   *  nothing but fsPath belongs to a module that only filesystem dumps run. */
  fsPath?: string;
}

/** A file resolved inside an acquisition. */
export interface FileRef {
  /** Path inside the evidence (e.g. "3d/3d0d7e5f…" in a backup). */
  path: string;
  domain?: string;
  relativePath?: string;
  fileId?: string;
}

/** One acquisition (an iOS backup folder, later a bugreport, a sysdiagnose…), read-only. */
export interface Acquisition {
  kind: string;
  platform: Platform;
  evidence: Evidence;
  /** Resolve a spec to the files present (none when absent). */
  find(spec: FileSpec): AsyncIterable<FileRef>;
}

const WHOLE_RECORD = Symbol("wholeRecord");

type WholeReader = (lean: RecordData) => RecordData | undefined;

/** Mark a lean record (read while ctx.fullRecords is false) with how to read it whole: a detection embeds
 *  the whole record. `read` (one function for all of a source's records) gets the lean record and runs while
 *  the module is still reading its source. */
export function withWholeRecord(record: RecordData, read: WholeReader): void {
  (record as { [WHOLE_RECORD]?: WholeReader })[WHOLE_RECORD] = read;
}

/** The whole record for a detection: the lean record's own reader, or the record itself. */
export function wholeRecord(record: unknown): unknown {
  const read = record && typeof record === "object" ? (record as { [WHOLE_RECORD]?: WholeReader })[WHOLE_RECORD] : undefined;
  if (!read) return record;
  try {
    return read(record as RecordData) ?? record;
  } catch {
    return record; // the source is gone (e.g. a finding emitted after the module closed its database)
  }
}

export interface ModuleContext {
  acquisition: Acquisition;
  evidence: Evidence;
  /** Every file matching any spec (default: the module's own sources); marks the module as having found input. */
  files(specs?: FileSpec[]): AsyncIterable<FileRef>;
  /** Open each matching SQLite file in turn; a file that cannot be opened is recorded as a coverage gap and
   *  skipped. The database is closed when the loop moves on. */
  databases(specs?: FileSpec[]): AsyncIterable<{ file: FileRef; db: SqliteDatabase }>;
  /** Parse each matching plist file; unreadable ones become coverage gaps. */
  plists(specs?: FileSpec[]): AsyncIterable<{ file: FileRef; value: unknown }>;
  sqlite(file: FileRef): Promise<SqliteDatabase>;
  plist(file: FileRef): Promise<unknown>;
  /** A file the module found but could not read (named in info.json's coverage). */
  gap(file: FileRef | string, reason: string): void;
  warn(message: string): void;
  /** False when no writer keeps whole records (a scan without an output folder): a module may then read
   *  only the fields its observables, timeline and checks use. */
  fullRecords?: boolean;
  /** False when nothing keeps timeline events: with fullRecords false too, a module may leave out what only
   *  its timeline uses. */
  timeline?: boolean;
}

export interface ArtifactModule<R extends RecordData = RecordData> {
  /** MVT's module name (its output file stem), e.g. "sms". */
  id: string;
  platform: Platform;
  /** MVT's "Plugin" column in timeline.csv (its class name), e.g. "SMS". */
  timelineName: string;
  description: string;
  sources: FileSpec[];
  records(ctx: ModuleContext): AsyncIterable<R> | Iterable<R>;
  /** Typed values handed to the one matcher. */
  observables?(record: R): Iterable<Observable>;
  timeline?(record: R): TimelineEvent[] | TimelineEvent | null | undefined;
  /** Main UTC time of a record ("YYYY-MM-DD HH:MM:SS.ffffff") for alerts and urls.json. */
  time?(record: R): string | null | undefined;
  /** "object" when MVT writes the module's JSON as one object (backup_info) rather than a list. */
  output?: "list" | "object";
  /** Indicator-free heuristics; a fresh analyzer per scan. */
  analyzer?(): Analyzer<R>;
  /** When modules of several platforms share an output stem (iOS and Android "sms"): does a record read
   *  back from <id>.json come from this module? check-iocs picks the module with it. */
  claims?(record: RecordData): boolean;
}

/** Identity helper that types a module declaration. */
export function artifact<R extends RecordData>(module: ArtifactModule<R>): ArtifactModule<R> {
  return module;
}

/** URL observables from the given record fields (non-empty strings only). */
export function urlFields<R extends RecordData>(...fields: (keyof R & string)[]): (record: R) => Observable[] {
  return (record) => {
    const out: Observable[] = [];
    for (const f of fields) {
      const v = record[f];
      if (typeof v === "string" && v) out.push({ type: "url", value: v });
    }
    return out;
  };
}

/** Shorthand for a timeline event of a module. */
export function event(
  module: { timelineName: string } | string,
  timestamp: string | null | undefined,
  name: string,
  data: string,
): TimelineEvent | null {
  if (!timestamp) return null;
  return { timestamp, module: typeof module === "string" ? module : module.timelineName, event: name, data };
}
