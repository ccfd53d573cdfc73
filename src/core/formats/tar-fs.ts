// A tar (or .tar.gz) of a full filesystem extraction as walkable, read-only evidence, without extracting it.
// Index then read: a first pass over the archive records every entry (path, type, size, mtime — a few hundred
// bytes each, whatever the data size) and keeps the small container metadata plists; once the acquisition
// knows which files its modules will read, a second pass copies exactly those into a spool (temporary files in
// Node, memory in a browser). Links are listed, never followed; "..", absolute names and hard links are handled
// as archive names only, nothing is written outside the spool.

import { DEFAULT_MAX_READ, EvidenceError, type EvidenceStat } from "../evidence/evidence.js";
import { concatBytes } from "../util/bytes.js";
import { sha256Hasher, type HasherFactory } from "../util/sha256.js";
import { CONTAINER_METADATA, type FsEntry, type FsTreeEvidence, type WalkOptions } from "./ios-fs.js";
import { readTar, type TarLimits } from "./tar.js";

/** Where extracted file bodies are kept between the second pass and the modules' reads. */
export interface Spool {
  write(key: string, chunks: AsyncIterable<Uint8Array>): Promise<void>;
  read(key: string): Promise<Uint8Array>;
  stream(key: string): AsyncIterable<Uint8Array>;
  dispose(): void | Promise<void>;
}

/** A spool in memory (browsers; small archives). */
export class MemorySpool implements Spool {
  private files = new Map<string, Uint8Array[]>();
  async write(key: string, chunks: AsyncIterable<Uint8Array>): Promise<void> {
    const parts: Uint8Array[] = [];
    for await (const c of chunks) parts.push(c.slice());
    this.files.set(key, parts);
  }
  async read(key: string): Promise<Uint8Array> {
    return concatBytes(this.files.get(key) ?? []);
  }
  async *stream(key: string): AsyncIterable<Uint8Array> {
    yield* this.files.get(key) ?? [];
  }
  dispose(): void {
    this.files.clear();
  }
}

const TYPES: FsEntry["type"][] = ["file", "directory", "symlink", "other"];
const TYPE_CODE = { file: 0, directory: 1, symlink: 2, other: 3 } as const;

export interface TarFsOptions {
  /** Names the archive in messages (its path). */
  label: string;
  /** A fresh stream of the archive's tar bytes (already gunzipped) each time it is called. */
  open: () => AsyncIterable<Uint8Array>;
  spool: Spool;
  limits?: TarLimits;
  hasher?: HasherFactory;
}

/** "/private/var/x", "./private/var/x/" → "private/var/x"; null for names with ".." components. */
function cleanName(name: string): string | null {
  const parts = name.split("/").filter((p) => p && p !== ".");
  if (parts.includes("..")) return null;
  return parts.join("/");
}

export class TarFsEvidence implements FsTreeEvidence {
  readonly label: string;
  private readonly ids = new Map<string, number>();
  private paths: string[] = [];
  private types: number[] = [];
  private sizes: number[] = [];
  private mtimes: number[] = [];
  /** Direct children (entry ids) of each folder id; the root folder is id 0 (""). */
  private children = new Map<number, number[]>();
  private spooled = new Map<number, string>();
  private sums = new Map<number, string>();
  private digests = new Map<string, string>();
  private readonly notes: string[] = [];
  private readonly hasher: HasherFactory;

  private constructor(private readonly opts: TarFsOptions) {
    this.label = opts.label;
    this.hasher = opts.hasher ?? sha256Hasher;
    this.add("", "directory", 0, null);
  }

  /** First pass: index every entry and spool the container metadata plists. */
  static async index(opts: TarFsOptions): Promise<TarFsEvidence> {
    const ev = new TarFsEvidence(opts);
    for await (const e of readTar(opts.open(), opts.limits, opts.label)) {
      const name = cleanName(e.name);
      if (name === null) {
        ev.notes.push(`${e.name}: name leaves the archive ("..") and was ignored`);
        continue;
      }
      if (!name) continue;
      const type = e.type === "hardlink" ? "other" : e.type;
      if (e.type === "hardlink") ev.notes.push(`${name}: hard link to ${e.linkName} listed but not read`);
      const id = ev.add(name, type, e.size, e.mtime);
      if (type === "file" && name.endsWith(`/${CONTAINER_METADATA}`) && e.size <= 1 << 20) await ev.keep(id, e.body());
    }
    return ev;
  }

  /** Second pass: spool the bodies of these files (paths as the index has them). */
  async extract(paths: Iterable<string>): Promise<number> {
    const want = new Set<number>();
    for (const p of paths) {
      const id = this.ids.get(p);
      if (id !== undefined && this.types[id] === TYPE_CODE.file && !this.spooled.has(id)) want.add(id);
    }
    if (!want.size) return 0;
    let left = want.size;
    for await (const e of readTar(this.opts.open(), this.opts.limits, this.opts.label)) {
      const name = cleanName(e.name);
      const id = name ? this.ids.get(name) : undefined;
      if (id === undefined || !want.has(id)) continue;
      want.delete(id);
      await this.keep(id, e.body());
      if (--left === 0) break;
    }
    return want.size;
  }

  private async keep(id: number, body: AsyncIterable<Uint8Array>): Promise<void> {
    const key = String(id);
    const hash = this.hasher();
    const hashed = async function* () {
      for await (const c of body) {
        hash.update(c);
        yield c;
      }
    };
    await this.opts.spool.write(key, hashed());
    this.spooled.set(id, key);
    this.sums.set(id, hash.digest());
  }

  private add(path: string, type: FsEntry["type"], size: number, mtime: number | null): number {
    const known = this.ids.get(path);
    if (known !== undefined) {
      // A later entry of the same name replaces the earlier one (tar semantics), keeping its place.
      this.types[known] = TYPE_CODE[type];
      this.sizes[known] = size;
      this.mtimes[known] = mtime ?? NaN;
      this.spooled.delete(known);
      return known;
    }
    const id = this.paths.length;
    this.ids.set(path, id);
    this.paths.push(path);
    this.types.push(TYPE_CODE[type]);
    this.sizes.push(size);
    this.mtimes.push(mtime ?? NaN);
    if (path) {
      const slash = path.lastIndexOf("/");
      const parent = slash === -1 ? 0 : this.ensureFolder(path.slice(0, slash));
      let list = this.children.get(parent);
      if (!list) this.children.set(parent, (list = []));
      list.push(id);
    }
    return id;
  }

  /** Archives may omit folder entries: make the parents exist. */
  private ensureFolder(path: string): number {
    return this.ids.get(path) ?? this.add(path, "directory", 0, null);
  }

  private entryOf(id: number): FsEntry {
    const m = this.mtimes[id];
    return { path: this.paths[id], type: TYPES[this.types[id]], size: this.sizes[id], mtime: Number.isNaN(m) ? null : m };
  }

  /** Entries in the archive (folders included, synthesised ones too). */
  get size(): number {
    return this.paths.length - 1;
  }

  problems(): string[] {
    return this.notes;
  }

  async entry(path: string): Promise<FsEntry | null> {
    const id = this.ids.get(cleanName(path) ?? "\u0000");
    return id === undefined ? null : this.entryOf(id);
  }

  async stat(path: string): Promise<EvidenceStat | null> {
    const e = await this.entry(path);
    return e && (e.type === "file" || e.type === "directory") ? { size: e.size, isDirectory: e.type === "directory" } : null;
  }

  async list(dir: string): Promise<string[]> {
    const id = this.ids.get(cleanName(dir) ?? "\u0000");
    if (id === undefined || this.types[id] !== TYPE_CODE.directory) return [];
    return (this.children.get(id) ?? []).map((c) => this.paths[c].slice(this.paths[c].lastIndexOf("/") + 1)).sort();
  }

  async *walk(dir = "", _opts?: WalkOptions): AsyncIterable<FsEntry> {
    const start = this.ids.get(cleanName(dir) ?? "\u0000");
    if (start === undefined || this.types[start] !== TYPE_CODE.directory) return;
    const byName = (a: number, b: number) => (this.paths[a] < this.paths[b] ? -1 : 1);
    const stack = [start];
    while (stack.length) {
      const kids = (this.children.get(stack.pop()!) ?? []).slice().sort(byName);
      const folders: number[] = [];
      for (const k of kids) {
        yield this.entryOf(k);
        if (this.types[k] === TYPE_CODE.directory) folders.push(k);
      }
      for (let i = folders.length - 1; i >= 0; i--) stack.push(folders[i]);
    }
  }

  private spooledKey(path: string): { id: number; key: string } {
    const id = this.ids.get(cleanName(path) ?? "\u0000");
    if (id === undefined || this.types[id] !== TYPE_CODE.file) throw new EvidenceError(path, "file is missing from the evidence");
    const key = this.spooled.get(id);
    if (key === undefined) throw new EvidenceError(path, "file was not extracted from the archive (not needed by any module)");
    return { id, key };
  }

  async read(path: string, opts: { maxBytes?: number } = {}): Promise<Uint8Array> {
    const { id, key } = this.spooledKey(path);
    const max = opts.maxBytes ?? DEFAULT_MAX_READ;
    if (this.sizes[id] > max) throw new EvidenceError(path, `file is ${this.sizes[id]} bytes, over the ${max}-byte limit for whole-file reads`);
    const bytes = await this.opts.spool.read(key);
    this.digests.set(this.paths[id], this.sums.get(id)!);
    return bytes;
  }

  async *stream(path: string): AsyncIterable<Uint8Array> {
    const { id, key } = this.spooledKey(path);
    yield* this.opts.spool.stream(key);
    this.digests.set(this.paths[id], this.sums.get(id)!);
  }

  hashes(): Map<string, string> {
    return this.digests;
  }

  async dispose(): Promise<void> {
    await this.opts.spool.dispose();
  }
}
