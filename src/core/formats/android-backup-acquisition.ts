// An Android backup (.ab) as an Acquisition. The backup is read once, as a stream: the tar entries that
// some module reads (by FileSpec) are kept in memory (bounded per entry and in total), everything else is
// skipped as it streams past. Modules then read the kept entries through an Evidence view.

import type { Acquisition, FileRef, FileSpec } from "../artifacts/module.js";
import { DEFAULT_MAX_READ, EvidenceError, type Evidence, type EvidenceStat } from "../evidence/evidence.js";
import { AndroidBackupError, openAbStream, type AbHeader, type AbOpenOptions } from "./android-backup.js";
import { specMatcher } from "./file-spec.js";
import { readTar } from "./tar.js";
import { errorText } from "../util/errors.js";

export interface AndroidBackupOptions extends AbOpenOptions {
  /** Entries the modules will read (their sources). */
  keep: FileSpec[];
  /** Shown in messages and info.json (default: the path inside the outer evidence). */
  label?: string;
  /** A kept entry larger than this is not held; reading it reports the limit. */
  maxEntryBytes?: number;
  /** Total bytes kept across entries. */
  maxKeptBytes?: number;
}

export const AB_MAX_ENTRY = 64 * 1024 * 1024;
export const AB_MAX_KEPT = 512 * 1024 * 1024;

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const d = new Uint8Array(await globalThis.crypto.subtle.digest("SHA-256", bytes as BufferSource));
  let s = "";
  for (const b of d) s += b.toString(16).padStart(2, "0");
  return s;
}

/** The kept entries of a backup, read-only. Hashes: the outer evidence's (the .ab file itself) plus each
 *  kept entry as "<backup>::<entry>". */
class BackupEntriesEvidence implements Evidence {
  readonly files = new Map<string, Uint8Array>();
  readonly tooLarge = new Map<string, number>();
  readonly digests = new Map<string, string>();
  constructor(
    readonly label: string,
    private outer: Evidence,
    private prefix: string,
  ) {}

  async stat(path: string): Promise<EvidenceStat | null> {
    const f = this.files.get(path);
    if (f) return { size: f.length, isDirectory: false };
    const big = this.tooLarge.get(path);
    if (big !== undefined) return { size: big, isDirectory: false };
    const dir = path.endsWith("/") ? path : path + "/";
    for (const name of [...this.files.keys(), ...this.tooLarge.keys()]) if (name.startsWith(dir)) return { size: 0, isDirectory: true };
    return null;
  }

  async list(dir: string): Promise<string[]> {
    const prefix = dir === "" || dir.endsWith("/") ? dir : dir + "/";
    const out = new Set<string>();
    for (const name of [...this.files.keys(), ...this.tooLarge.keys()]) {
      if (name.startsWith(prefix)) out.add(name.slice(prefix.length).split("/")[0]);
    }
    return [...out].sort();
  }

  async read(path: string, opts: { maxBytes?: number } = {}): Promise<Uint8Array> {
    const big = this.tooLarge.get(path);
    if (big !== undefined) throw new EvidenceError(path, `entry is ${big} bytes, over the limit for entries kept from a backup`);
    const f = this.files.get(path);
    if (!f) throw new EvidenceError(path, "entry is not in the backup");
    const max = opts.maxBytes ?? DEFAULT_MAX_READ;
    if (f.length > max) throw new EvidenceError(path, `entry is ${f.length} bytes, over the ${max}-byte limit for whole-file reads`);
    return f;
  }

  async *stream(path: string): AsyncIterable<Uint8Array> {
    yield await this.read(path, { maxBytes: Number.MAX_SAFE_INTEGER });
  }

  hashes(): Map<string, string> {
    const out = new Map(this.outer.hashes());
    for (const [name, h] of this.digests) out.set(`${this.prefix}::${name}`, h);
    return out;
  }
}

/** A stream iterator without return(): a consumer that stops early (the tar reader at its end-of-archive
 *  blocks) leaves the stream open, so we can drain it to the end and have it hashed and checked. */
function detachable(src: AsyncIterable<Uint8Array>): { view: AsyncIterable<Uint8Array>; drain(): Promise<number> } {
  const it = src[Symbol.asyncIterator]();
  const view: AsyncIterable<Uint8Array> = { [Symbol.asyncIterator]: () => ({ next: () => it.next() }) };
  return {
    view,
    async drain() {
      let n = 0;
      for (;;) {
        const r = await it.next();
        if (r.done) return n;
        n += r.value.length;
      }
    },
  };
}

export class AndroidBackup implements Acquisition {
  readonly kind = "android-backup";
  readonly platform = "android" as const;
  /** Number of tar entries, and the app packages (apps/<package>/…) the backup holds. */
  entryCount = 0;
  readonly apps = new Set<string>();
  /** Why the backup could not be read to its end (truncated, corrupted…), or null. */
  problem: string | null = null;
  /** Entries with names that try to leave the archive (absolute, ".."): never kept. */
  readonly unsafeNames: string[] = [];

  private constructor(
    readonly evidence: BackupEntriesEvidence,
    readonly header: AbHeader,
  ) {}

  /** Read the backup at `path` of `outer` in one pass. Throws for input that is not a usable backup (bad
   *  header, password missing or wrong); a backup that breaks off later opens with `problem` set. */
  static async open(outer: Evidence, path: string, opts: AndroidBackupOptions): Promise<AndroidBackup> {
    const label = opts.label ?? path;
    const maxEntry = opts.maxEntryBytes ?? AB_MAX_ENTRY;
    const maxKept = opts.maxKeptBytes ?? AB_MAX_KEPT;
    const wanted = opts.keep.map(specMatcher);
    let opened: Awaited<ReturnType<typeof openAbStream>>;
    try {
      opened = await openAbStream(outer.stream(path), opts);
    } catch (e) {
      if (e instanceof AndroidBackupError) e.message = `${label}: ${e.message}`;
      throw e;
    }
    const { header, tar } = opened;
    const backup = new AndroidBackup(new BackupEntriesEvidence(label, outer, path), header);
    const ev = backup.evidence;
    const stream = detachable(tar);
    let kept = 0;
    try {
      for await (const entry of readTar(stream.view, {}, label)) {
        backup.entryCount++;
        const name = entry.name;
        const app = /^apps\/([^/]+)\//.exec(name);
        if (app) backup.apps.add(app[1]);
        if (entry.unsafe.some((u) => u !== "symlink" && u !== "hardlink")) {
          if (backup.unsafeNames.length < 100) backup.unsafeNames.push(name);
          continue;
        }
        if (entry.type !== "file" || !wanted.some((w) => w(name))) continue;
        if (entry.size > maxEntry || kept + entry.size > maxKept) {
          ev.tooLarge.set(name, entry.size);
          continue;
        }
        const body = new Uint8Array(entry.size);
        let at = 0;
        for await (const chunk of entry.body()) {
          if (at + chunk.length > body.length) throw new AndroidBackupError(`tar entry ${name} is longer than its declared ${entry.size} bytes`);
          body.set(chunk, at);
          at += chunk.length;
        }
        if (at !== entry.size) throw new AndroidBackupError(`tar entry ${name} ends after ${at} of its ${entry.size} bytes: the backup is truncated`);
        kept += entry.size;
        ev.files.set(name, body);
        ev.digests.set(name, await sha256Hex(body));
      }
      await stream.drain();
    } catch (e) {
      backup.problem = `${label}: ${errorText(e)}`;
      // The broken layer cannot be drained: read the file once more so its SHA-256 is still recorded.
      try {
        for await (const _ of outer.stream(path));
      } catch {
        /* the problem above already names what is wrong */
      }
    }
    return backup;
  }

  async *find(spec: FileSpec): AsyncIterable<FileRef> {
    const match = specMatcher(spec);
    for (const name of [...this.evidence.files.keys(), ...this.evidence.tooLarge.keys()]) {
      if (match(name)) yield { path: name, relativePath: name };
    }
  }

  /** Facts for info.json. */
  info(): Record<string, unknown> {
    return {
      android_backup: {
        version: this.header.version,
        compressed: this.header.compressed,
        encryption: this.header.encryption,
        entries: this.entryCount,
        apps: [...this.apps].sort(),
        unsafe_entry_names: this.unsafeNames,
      },
    };
  }
}
