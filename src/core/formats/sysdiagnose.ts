// An iOS sysdiagnose as an Acquisition: the .tar.gz itself, streamed exactly once and never extracted, or an
// extracted folder. The engine pulls files module by module, but a compressed tar can only be read front to
// back once, so the archive is read in one pass at open(): every entry is routed, as it streams by, to the
// routes (the FileSpecs of the sysdiagnose modules) that want it, and only what they want is kept — whole
// small files, or a small digest computed on the fly (a uuidtext file's image path). Everything else (the
// bulk of a sysdiagnose: tracev3 logs, ...) streams past untouched. Memory is bounded by per-file and total
// budgets; files over them are still listed, and reading them gives a clear error (a coverage gap).

import type { Acquisition, FileRef, FileSpec } from "../artifacts/module.js";
import { DEFAULT_MAX_READ, EvidenceError, type Evidence, type EvidenceStat } from "../evidence/evidence.js";
import { sha256Hasher, type HasherFactory } from "../util/sha256.js";
import { gunzip } from "./gzip.js";
import { readTar, type TarLimits } from "./tar.js";
import { errorText } from "../util/errors.js";

/** Turns a file's bytes, as they stream by, into the small value a module needs. */
export type EntryDigest = (chunks: AsyncIterable<Uint8Array>, size: number) => Promise<Uint8Array>;

/** A file pattern a sysdiagnose module reads (paths relative to the sysdiagnose folder). */
export interface SysdiagnoseRoute {
  spec: FileSpec;
  /** Keep this digest instead of the whole file (files of any size are then accepted). */
  digest?: EntryDigest;
}

export interface SysdiagnoseLimits {
  /** Largest single file kept whole. Default 32 MiB. */
  maxFileBytes?: number;
  /** Most bytes kept in memory for all modules together. Default 160 MiB. */
  maxKeptBytes?: number;
  /** Most bytes the archive may expand to. Default 64 GiB. */
  maxArchiveBytes?: number;
  /** Folder walk: most entries and depth. Defaults 2 million, 32. */
  maxWalkEntries?: number;
  maxWalkDepth?: number;
  tar?: TarLimits;
}

const DEFAULTS = {
  maxFileBytes: 32 * 1024 * 1024,
  maxKeptBytes: 160 * 1024 * 1024,
  maxArchiveBytes: 64 * 1024 ** 3,
  maxWalkEntries: 2_000_000,
  maxWalkDepth: 32,
};

/** An entry the pass refused to route (unsafe name or link), reported in info.json. */
export interface RefusedEntry {
  name: string;
  reasons: string[];
}

/** SQL LIKE (as Manifest.db queries use it: % any run, _ one character, ASCII case-insensitive) as a RegExp. */
export function likeToRegExp(like: string): RegExp {
  let src = "";
  for (const ch of like) {
    if (ch === "%") src += "[\\s\\S]*";
    else if (ch === "_") src += "[\\s\\S]";
    else src += ch.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  }
  return new RegExp(`^${src}$`, "i");
}

/** Whether a path relative to the sysdiagnose folder is what a spec asks for (`path` exact, or `pathLike`). */
export function specMatches(spec: FileSpec, rel: string, cache = new Map<string, RegExp>()): boolean {
  if (spec.path !== undefined && spec.path === rel) return true;
  if (spec.pathLike !== undefined) {
    let re = cache.get(spec.pathLike);
    if (!re) cache.set(spec.pathLike, (re = likeToRegExp(spec.pathLike)));
    return re.test(rel);
  }
  return false;
}

/** The sysdiagnose folder an archive entry lives in ("sysdiagnose_2026.07.07_19-00-00+0000_iPhone-OS_iPhone_23A341"). */
const TOP_FOLDER = /^sysdiagnose[^/]*$/i;

/** Path inside the sysdiagnose folder: everything up to the first sysdiagnose_* folder is dropped (the archive's
 *  top folder, or the folders of a case archive that holds it). */
export function relativeToSysdiagnose(name: string): { top: string | null; rel: string } {
  const parts = name.split("/");
  for (let i = 0; i < parts.length - 1; i++) {
    if (TOP_FOLDER.test(parts[i])) return { top: parts[i], rel: parts.slice(i + 1).join("/") };
  }
  return { top: null, rel: name };
}

/** Device facts in the sysdiagnose folder name: date, OS family, device and build. */
export function parseSysdiagnoseFolder(name: string): Record<string, string> | null {
  const m = /^sysdiagnose_(\d{4})\.(\d{2})\.(\d{2})_(\d{2})-(\d{2})-(\d{2})([+-]\d{4})_(.+?)_(.+)_([0-9]{2}[A-Z][0-9A-Za-z]+)$/.exec(name);
  if (!m) return null;
  return {
    folder: name,
    date: `${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}:${m[6]} ${m[7]}`,
    os: m[8].replace(/-/g, " "),
    device: m[9],
    build: m[10],
  };
}

interface StoredFile {
  size: number;
  bytes: Uint8Array | null;
  /** Why the bytes were not kept. */
  problem: string | null;
}

/** The parts of an archive the single pass kept, as read-only Evidence (paths as named in the archive). */
export class ArchiveEvidence implements Evidence {
  readonly files = new Map<string, StoredFile>();
  private readonly digests = new Map<string, string>();

  constructor(readonly label: string) {}

  /** The pass records the SHA-256 of the whole archive and of every entry it routed. */
  recordHash(path: string, sha256: string): void {
    this.digests.set(path, sha256);
  }

  async stat(path: string): Promise<EvidenceStat | null> {
    const f = this.files.get(path);
    if (f) return { size: f.size, isDirectory: false };
    const prefix = path.endsWith("/") ? path : path + "/";
    for (const name of this.files.keys()) if (name.startsWith(prefix)) return { size: 0, isDirectory: true };
    return null;
  }

  async list(dir: string): Promise<string[]> {
    const prefix = dir === "" ? "" : dir.endsWith("/") ? dir : dir + "/";
    const names = new Set<string>();
    for (const name of this.files.keys()) if (name.startsWith(prefix)) names.add(name.slice(prefix.length).split("/")[0]);
    return [...names].sort();
  }

  async read(path: string, opts: { maxBytes?: number } = {}): Promise<Uint8Array> {
    const f = this.files.get(path);
    if (!f) throw new EvidenceError(path, "file is not among the archive entries the modules read");
    if (!f.bytes) throw new EvidenceError(path, f.problem ?? "file content was not kept");
    const max = opts.maxBytes ?? DEFAULT_MAX_READ;
    if (f.bytes.length > max) throw new EvidenceError(path, `file is ${f.bytes.length} bytes, over the ${max}-byte limit`);
    return f.bytes;
  }

  async *stream(path: string): AsyncIterable<Uint8Array> {
    yield await this.read(path);
  }

  hashes(): Map<string, string> {
    return this.digests;
  }
}

export interface SysdiagnoseAcquisitionInit {
  evidence: Evidence;
  /** Evidence path → path inside the sysdiagnose folder, for every file any route matched. */
  files: Map<string, string>;
  routes: SysdiagnoseRoute[];
  folder: string | null;
  problems: string[];
  refused: RefusedEntry[];
  fromArchive: boolean;
  limits: Required<Pick<SysdiagnoseLimits, "maxFileBytes">>;
}

export class SysdiagnoseAcquisition implements Acquisition {
  readonly kind = "sysdiagnose";
  readonly platform = "ios" as const;
  readonly evidence: Evidence;
  /** Problems that make coverage incomplete for every module (a truncated archive). */
  readonly problems: string[];
  readonly refused: RefusedEntry[];
  /** The sysdiagnose folder name (device, build and date are in it), when there is one. */
  readonly folder: string | null;
  private readonly files: Map<string, string>;
  private readonly routes: SysdiagnoseRoute[];
  private readonly fromArchive: boolean;
  private readonly maxFileBytes: number;
  private readonly likeCache = new Map<string, RegExp>();

  constructor(init: SysdiagnoseAcquisitionInit) {
    this.evidence = init.evidence;
    this.files = init.files;
    this.routes = init.routes;
    this.folder = init.folder;
    this.problems = init.problems;
    this.refused = init.refused;
    this.fromArchive = init.fromArchive;
    this.maxFileBytes = init.limits.maxFileBytes;
  }

  /** How many files any module's route matched. */
  get matchedFiles(): number {
    return this.files.size;
  }

  async *find(spec: FileSpec): AsyncIterable<FileRef> {
    for (const [path, rel] of this.files) {
      if (specMatches(spec, rel, this.likeCache)) yield { path, relativePath: rel };
    }
  }

  /** What a module reads of a file: the route's digest, or the whole file. */
  async content(file: FileRef): Promise<Uint8Array> {
    if (this.fromArchive) return this.evidence.read(file.path);
    const rel = file.relativePath ?? file.path;
    const route = this.routes.find((r) => r.digest && specMatches(r.spec, rel, this.likeCache));
    if (route?.digest) {
      const st = await this.evidence.stat(file.path);
      return digestAll(route.digest, this.evidence.stream(file.path), st?.size ?? 0);
    }
    return this.evidence.read(file.path, { maxBytes: this.maxFileBytes });
  }

  /** Extra info.json fields. */
  info(): Record<string, unknown> {
    return {
      sysdiagnose: {
        ...(this.folder ? (parseSysdiagnoseFolder(this.folder) ?? { folder: this.folder }) : {}),
        source: this.fromArchive ? "archive (read in one pass, nothing extracted)" : "folder",
        files_routed: this.files.size,
        problems: this.problems,
        refused_entries: this.refused,
      },
    };
  }
}

function routesFor(routes: SysdiagnoseRoute[], rel: string, cache: Map<string, RegExp>): SysdiagnoseRoute[] {
  return routes.filter((r) => specMatches(r.spec, rel, cache));
}

export interface ArchiveOpenOptions {
  routes: SysdiagnoseRoute[];
  limits?: SysdiagnoseLimits;
  /** SHA-256 implementation (Node passes node:crypto's; the default is the core's own). */
  hasher?: HasherFactory;
  /** Key under which the whole archive's hash is recorded (default: the label). */
  archiveKey?: string;
}

/** Read a sysdiagnose .tar.gz (or plain .tar: gzip is detected) in one pass, keeping only what routes want. */
export async function openSysdiagnoseArchive(
  chunks: AsyncIterable<Uint8Array>,
  label: string,
  opts: ArchiveOpenOptions,
): Promise<SysdiagnoseAcquisition> {
  const lim = { ...DEFAULTS, ...opts.limits };
  const hasher = opts.hasher ?? sha256Hasher;
  const evidence = new ArchiveEvidence(label);
  const files = new Map<string, string>();
  const problems: string[] = [];
  const refused: RefusedEntry[] = [];
  const cache = new Map<string, RegExp>();
  let folder: string | null = null;
  let kept = 0;
  let entries = 0;

  const archiveHash = hasher();
  const tapped = (async function* () {
    for await (const chunk of chunks) {
      if (!chunk.length) continue;
      archiveHash.update(chunk);
      yield chunk;
    }
  })();
  const it = tapped[Symbol.asyncIterator]();
  const head = await it.next();
  if (head.done) throw new Error(`${label}: empty file, not a sysdiagnose archive`);
  const rejoined = (async function* () {
    yield head.value;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield r.value;
    }
  })();
  const isGzip = head.value[0] === 0x1f && head.value[1] === 0x8b;
  const tarBytes = isGzip ? gunzip(rejoined, { label, maxOutputBytes: lim.maxArchiveBytes }) : rejoined;

  try {
    for await (const entry of readTar(tarBytes, lim.tar, label)) {
      entries++;
      const { top, rel } = relativeToSysdiagnose(entry.name);
      if (top && !folder) folder = top;
      if (entry.type === "directory") continue;
      const wanted = routesFor(opts.routes, rel, cache);
      if (entry.unsafe.length) {
        if (refused.length < 200) refused.push({ name: entry.name, reasons: entry.unsafe });
        if (wanted.length) {
          files.set(entry.name, rel);
          evidence.files.set(entry.name, { size: entry.size, bytes: null, problem: `refused: ${entry.unsafe.join(", ")} (never followed)` });
        }
        continue;
      }
      if (!wanted.length || entry.type !== "file") continue;
      files.set(entry.name, rel);
      const digest = wanted.find((r) => r.digest)?.digest;
      const stored: StoredFile = { size: entry.size, bytes: null, problem: null };
      evidence.files.set(entry.name, stored);
      if (!digest && entry.size > lim.maxFileBytes) {
        stored.problem = `${entry.size} bytes, over the ${lim.maxFileBytes}-byte limit for files kept in memory`;
        continue;
      }
      if (!digest && kept + entry.size > lim.maxKeptBytes) {
        stored.problem = `not kept: the files modules read exceed the ${lim.maxKeptBytes}-byte memory budget`;
        continue;
      }
      const h = hasher();
      const hashed = (async function* () {
        for await (const c of entry.body()) {
          h.update(c);
          yield c;
        }
      })();
      try {
        stored.bytes = digest ? await digestAll(digest, hashed, entry.size) : await collect(hashed, entry.size);
        evidence.recordHash(entry.name, h.digest());
      } catch (e) {
        stored.problem = errorText(e);
        // A digest that gave up early leaves the rest of the body to the tar reader, which skips it.
        if (isArchiveError(e)) throw e;
        continue;
      }
      kept += stored.bytes.length;
      if (kept > lim.maxKeptBytes) {
        stored.bytes = null;
        stored.problem = `not kept: the files modules read exceed the ${lim.maxKeptBytes}-byte memory budget`;
      }
    }
  } catch (e) {
    if (entries === 0) throw new Error(`${label}: not a readable sysdiagnose archive (${errorText(e)})`);
    problems.push(`archive damaged after ${entries} entries (${errorText(e)}): anything after the damage was not read`);
    // The archive's hash must cover the whole file, not just the part read before the damage.
    for (let r = await it.next(); !r.done; r = await it.next());
  }
  evidence.recordHash(opts.archiveKey ?? label, archiveHash.digest());
  return new SysdiagnoseAcquisition({ evidence, files, routes: opts.routes, folder, problems, refused, fromArchive: true, limits: lim });
}

/** An extracted sysdiagnose folder (the folder itself, or a folder holding exactly one sysdiagnose_* folder). */
export async function openSysdiagnoseFolder(
  evidence: Evidence,
  opts: { routes: SysdiagnoseRoute[]; limits?: SysdiagnoseLimits },
): Promise<SysdiagnoseAcquisition> {
  const lim = { ...DEFAULTS, ...opts.limits };
  const cache = new Map<string, RegExp>();
  const top = await evidence.list("");
  const inner = top.filter((n) => TOP_FOLDER.test(n));
  let base = "";
  let folder: string | null = null;
  if (inner.length === 1 && !top.includes("ps.txt") && (await evidence.stat(inner[0]))?.isDirectory) {
    base = inner[0];
    folder = inner[0];
  } else if (TOP_FOLDER.test(lastSegment(evidence.label))) {
    folder = lastSegment(evidence.label);
  }
  const files = new Map<string, string>();
  const problems: string[] = [];
  let seen = 0;
  const walk = async (dir: string, rel: string, depth: number): Promise<void> => {
    if (depth > lim.maxWalkDepth) {
      problems.push(`${dir}: deeper than ${lim.maxWalkDepth} folders, not walked`);
      return;
    }
    for (const name of await evidence.list(dir)) {
      if (++seen > lim.maxWalkEntries) {
        if (seen === lim.maxWalkEntries + 1) problems.push(`more than ${lim.maxWalkEntries} entries, the rest was not walked`);
        return;
      }
      const path = dir ? `${dir}/${name}` : name;
      const r = rel ? `${rel}/${name}` : name;
      const st = await evidence.stat(path);
      if (!st) continue;
      if (st.isDirectory) await walk(path, r, depth + 1);
      else if (routesFor(opts.routes, r, cache).length) files.set(path, r);
    }
  };
  await walk(base, "", 0);
  return new SysdiagnoseAcquisition({ evidence, files, routes: opts.routes, folder, problems, refused: [], fromArchive: false, limits: lim });
}

function lastSegment(p: string): string {
  const parts = p.split(/[\\/]/).filter(Boolean);
  return parts[parts.length - 1] ?? "";
}

async function collect(chunks: AsyncIterable<Uint8Array>, size: number): Promise<Uint8Array> {
  const out = new Uint8Array(size);
  let o = 0;
  for await (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return o === size ? out : out.subarray(0, o);
}

/** Run a digest and drain what it did not read, so the entry's hash covers the whole file. */
async function digestAll(digest: EntryDigest, chunks: AsyncIterable<Uint8Array>, size: number): Promise<Uint8Array> {
  const it = chunks[Symbol.asyncIterator]();
  const shared: AsyncIterable<Uint8Array> = { [Symbol.asyncIterator]: () => ({ next: () => it.next() }) };
  const result = await digest(shared, size);
  for (let r = await it.next(); !r.done; r = await it.next());
  return result;
}

function isArchiveError(e: unknown): boolean {
  return e instanceof Error && (e.name === "TarError" || e.name === "GzipError");
}

