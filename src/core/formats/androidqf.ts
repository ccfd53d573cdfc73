// An androidqf collection (folder, or the zip androidqf writes) as an Acquisition. The collection's files
// (packages.json, ps.txt, getprop.txt, settings_*.txt, files.json, logs/…, root_binaries.json, mounts.json,
// backup.ab, bugreport.zip) sit at the root of the evidence or in its one top-level folder (zips made of the
// collection folder). FileSpecs are relative to that collection root: `rootPath`/`path` name a file,
// `pathLike` is an SQL LIKE pattern (% any run, _ one character) over every file of the collection.

import type { Acquisition, FileRef, FileSpec } from "../artifacts/module.js";
import type { Evidence, EvidenceStat } from "../evidence/evidence.js";
import { DeviceClock } from "../util/device-time.js";
import { isoFromUnixMs } from "../util/time.js";
import { errorText } from "../util/errors.js";

export class NotAnAndroidqfError extends Error {
  override name = "NotAnAndroidqfError";
}

/** Files androidqf writes; a folder holding one of them is taken as a collection. */
export const ANDROIDQF_MARKERS = [
  "acquisition.json",
  "packages.json",
  "getprop.txt",
  "ps.txt",
  "processes.json",
  "files.json",
  "root_binaries.json",
  "mounts.json",
  "dumpsys.txt",
  "backup.ab",
  "bugreport.zip",
];

const MAX_LISTED = 200_000;

/** `[name]: [value]` lines of `getprop` output (MVT's reading: both brackets non-empty). */
export function parseGetprop(text: string): { name: string; value: string }[] {
  const out: { name: string; value: string }[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /\[(.+?)\]: \[(.+?)\]/.exec(line);
    if (m) out.push({ name: m[1], value: m[2] });
  }
  return out;
}

function likeRegExp(like: string): RegExp {
  const re = like.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/%/g, ".*").replace(/_/g, ".");
  return new RegExp(`^${re}$`, "s");
}

/** Evidence seen from the collection root; hashes also include those of nested archives opened from it. */
export class CollectionEvidence implements Evidence {
  private readonly nested: (() => Map<string, string>)[] = [];
  constructor(
    readonly inner: Evidence,
    readonly prefix: string,
  ) {}
  get label(): string {
    return this.inner.label;
  }
  /** Path inside the underlying evidence. */
  full(path: string): string {
    return this.prefix + path;
  }
  stat(path: string): Promise<EvidenceStat | null> {
    return this.inner.stat(this.full(path));
  }
  list(dir: string): Promise<string[]> {
    return this.inner.list(this.full(dir).replace(/\/$/, ""));
  }
  read(path: string, opts?: { maxBytes?: number }): Promise<Uint8Array> {
    return this.inner.read(this.full(path), opts);
  }
  stream(path: string): AsyncIterable<Uint8Array> {
    return this.inner.stream(this.full(path));
  }
  /** Hashes of a nested archive (bugreport.zip, backup.ab entries) to report with this evidence's own. */
  addNested(hashes: () => Map<string, string>): void {
    this.nested.push(hashes);
  }
  hashes(): Map<string, string> {
    const out = new Map(this.inner.hashes());
    for (const h of this.nested) for (const [k, v] of h()) out.set(k, v);
    return out;
  }
}

export class AndroidQF implements Acquisition {
  readonly kind = "androidqf";
  readonly platform = "android" as const;
  private listing: Promise<string[]> | null = null;
  private clock: Promise<DeviceClock> | null = null;
  /** Problems that leave part of the collection unread (info.json; coverage is then incomplete). */
  readonly problems: string[] = [];
  /** Facts that make some values less certain without hiding anything (unknown time zone…). */
  readonly notes: string[] = [];

  private constructor(readonly evidence: CollectionEvidence) {}

  /** Find the collection root in `evidence` (its root, or its single top-level folder). */
  static async open(evidence: Evidence): Promise<AndroidQF> {
    const hasMarker = async (dir: string) => {
      const names = new Set(await evidence.list(dir));
      return ANDROIDQF_MARKERS.some((m) => names.has(m)) || [...names].some((n) => /^settings_.+\.txt$/.test(n));
    };
    if (await hasMarker("")) return new AndroidQF(new CollectionEvidence(evidence, ""));
    const top = (await evidence.list("")).filter((n) => n !== "__MACOSX" && !n.startsWith("."));
    const dirs: string[] = [];
    for (const name of top) if ((await evidence.stat(name))?.isDirectory) dirs.push(name);
    if (dirs.length === 1 && (await hasMarker(dirs[0]))) return new AndroidQF(new CollectionEvidence(evidence, `${dirs[0]}/`));
    throw new NotAnAndroidqfError(
      `${evidence.label} does not look like an androidqf collection: none of ${ANDROIDQF_MARKERS.slice(0, 4).join(", ")}… ` +
        `(or settings_*.txt) at its root or in its single top-level folder.`,
    );
  }

  /** Every file of the collection, relative to its root, sorted (listed once). */
  files(): Promise<string[]> {
    this.listing ??= this.walk();
    return this.listing;
  }

  private async walk(): Promise<string[]> {
    const out: string[] = [];
    const pending = [""];
    while (pending.length) {
      const dir = pending.pop()!;
      for (const name of await this.evidence.list(dir)) {
        const rel = dir ? `${dir}/${name}` : name;
        const st = await this.evidence.stat(rel);
        if (!st) continue;
        if (st.isDirectory) pending.push(rel);
        else out.push(rel);
        if (out.length >= MAX_LISTED) {
          this.problems.push(`the collection holds more than ${MAX_LISTED} files; only the first ${MAX_LISTED} were considered`);
          return out.sort();
        }
      }
    }
    return out.sort();
  }

  async *find(spec: FileSpec): AsyncIterable<FileRef> {
    const exact = spec.rootPath ?? spec.path;
    if (exact !== undefined) {
      const st = await this.evidence.stat(exact);
      if (st && !st.isDirectory) yield { path: exact, relativePath: exact };
      return;
    }
    if (spec.pathLike !== undefined) {
      const re = likeRegExp(spec.pathLike);
      for (const f of await this.files()) if (re.test(f)) yield { path: f, relativePath: f };
    }
  }

  /** The device's clock from getprop.txt (persist.sys.timezone); UTC when absent or unknown. */
  deviceClock(): Promise<DeviceClock> {
    this.clock ??= (async () => {
      let tz: string | null = null;
      try {
        if (await this.evidence.stat("getprop.txt")) {
          const props = parseGetprop(new TextDecoder().decode(await this.evidence.read("getprop.txt", { maxBytes: 16 * 1024 * 1024 })));
          tz = props.find((p) => p.name === "persist.sys.timezone")?.value ?? null;
        }
      } catch (e) {
        this.notes.push(`getprop.txt: ${errorText(e)} (time zone unknown, local times shown as UTC)`);
      }
      const clock = DeviceClock.of(tz);
      this.timezone = clock.timezone;
      if (tz && !clock.timezone) this.notes.push(`unknown time zone "${tz}" in persist.sys.timezone: local times shown as UTC`);
      return clock;
    })();
    return this.clock;
  }

  /** When androidqf ran (acquisition.json "completed", else "started"), ms since 1970; null when unknown. */
  acquisitionTime(): Promise<number | null> {
    this.acquired ??= (async () => {
      try {
        if (!(await this.evidence.stat("acquisition.json"))) return null;
        const meta = JSON.parse(new TextDecoder().decode(await this.evidence.read("acquisition.json", { maxBytes: 1024 * 1024 })));
        for (const key of ["completed", "started"]) {
          const t = typeof meta?.[key] === "string" ? Date.parse(meta[key]) : NaN;
          if (Number.isFinite(t) && t > 0) return t;
        }
      } catch (e) {
        this.notes.push(`acquisition.json: ${errorText(e)} (patch age measured from today)`);
      }
      return null;
    })();
    return this.acquired;
  }
  private acquired: Promise<number | null> | null = null;

  /** Modification time of a collection file in MVT's format: the file's mtime (UTC) in a folder, the stored
   *  DOS time (local, no zone) in a zip; null when the evidence does not keep one. */
  async modifiedTime(path: string): Promise<string | null> {
    const inner = this.evidence.inner as Evidence & { modified?(p: string): string | null };
    if (typeof inner.modified === "function") {
      const m = inner.modified(this.evidence.full(path));
      return m ? `${m}.000000` : null;
    }
    const st = await this.evidence.stat(path);
    return st?.mtime !== undefined ? isoFromUnixMs(st.mtime) : null;
  }

  /** Facts for info.json (the time zone once deviceClock() has been read). */
  info(): Record<string, unknown> {
    return { androidqf: { root: this.evidence.prefix || ".", timezone: this.timezone, problems: this.problems, notes: this.notes } };
  }

  /** The device's IANA time zone, once deviceClock() has resolved; null when unknown. */
  timezone: string | null = null;
}

/** The AndroidQF acquisition a module runs on (modules of this folder only run on one). */
export function androidqfOf(acquisition: Acquisition): AndroidQF {
  if (acquisition instanceof AndroidQF) return acquisition;
  throw new Error(`this module reads androidqf collections, not ${acquisition.kind}`);
}
