// A full iOS filesystem extraction (a folder, or a tar of one) as an Acquisition. Backup modules name their
// files by Manifest domain + relative path; here every domain is mapped to where iOS keeps it on disk (MVT's
// root paths), and app / group / plugin / system containers, which live under random UUID folders, are
// identified by the MCMMetadataIdentifier in each container's .com.apple.mobile_container_manager.metadata.plist.

import type { Acquisition, FileRef, FileSpec } from "../artifacts/module.js";
import type { Evidence } from "../evidence/evidence.js";
import { parsePlist } from "./plist.js";
import { errorText } from "../util/errors.js";

/** One entry of the dump, as lstat sees it: symbolic links are reported, never followed. */
export interface FsEntry {
  /** Path from the dump root, "/"-separated, no leading "/". */
  path: string;
  type: "file" | "directory" | "symlink" | "other";
  size: number;
  /** Modification time, Unix seconds (null when the source does not record it). */
  mtime: number | null;
}

export interface WalkOptions {
  names?: boolean;
}

/** Evidence that can also be walked as a tree without following symbolic links. */
export interface FsTreeEvidence extends Evidence {
  /** Every entry below `dir` ("" = the whole dump), depth first, parents before children. Symbolic links are
   *  yielded as such and not descended into. Missing or unreadable folders yield nothing (see problems()).
   *  With `names` only names and types are needed: size and mtime may be left 0 / null (much faster on disk). */
  walk(dir?: string, opts?: WalkOptions): AsyncIterable<FsEntry>;
  /** The entry at `path` without following a final symbolic link; null when absent. */
  entry(path: string): Promise<FsEntry | null>;
  /** Folders that could not be read during walks (coverage gaps). */
  problems(): string[];
}

export const CONTAINER_METADATA = ".com.apple.mobile_container_manager.metadata.plist";

/** Fixed backup domains and their folder under /private/var (MVT's root paths use the same places). */
export const FIXED_DOMAINS: Record<string, string> = {
  HomeDomain: "mobile",
  MediaDomain: "mobile",
  CameraRollDomain: "mobile",
  TonesDomain: "mobile",
  HealthDomain: "mobile/Library",
  KeyboardDomain: "mobile/Library/Keyboard",
  BooksDomain: "mobile/Media/Books",
  RootDomain: "root",
  WirelessDomain: "wireless",
  SystemPreferencesDomain: "preferences",
  ManagedPreferencesDomain: "Managed Preferences",
  KeychainDomain: "Keychains",
  MobileDeviceDomain: "MobileDevice",
  DatabaseDomain: "db",
  InstallDomain: "installd",
  NetworkDomain: "networkd",
  ProtectedDomain: "protected",
};

/** Container folders under /private/var and the backup domain prefix of their identifier. */
export const CONTAINER_KINDS: { prefix: string; dir: string }[] = [
  { prefix: "AppDomain-", dir: "mobile/Containers/Data/Application" },
  { prefix: "AppDomainGroup-", dir: "mobile/Containers/Shared/AppGroup" },
  { prefix: "AppDomainPlugin-", dir: "mobile/Containers/Data/PluginKitPlugin" },
  { prefix: "SysContainerDomain-", dir: "containers/Data/System" },
  { prefix: "SysSharedContainerDomain-", dir: "containers/Shared/SystemGroup" },
];

/** An app, group, plugin or system container found in the dump. */
export interface Container {
  /** Backup domain, e.g. "AppDomain-net.whatsapp.WhatsApp"; null when its metadata plist is missing or unreadable. */
  domain: string | null;
  prefix: string;
  /** Folder from the dump root. */
  root: string;
  identifier: string | null;
}

interface DomainRoot {
  domain: string;
  root: string;
}

export class NotAFilesystemDumpError extends Error {
  override name = "NotAFilesystemDumpError";
}

/** SQL LIKE pattern → RegExp (case-insensitive for ASCII, as SQLite's LIKE; % any run, _ one character). */
export function likeToRegExp(like: string): RegExp {
  let re = "";
  for (const ch of like) re += ch === "%" ? "[\\s\\S]*" : ch === "_" ? "[\\s\\S]" : ch.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  return new RegExp(`^${re}$`, "i");
}

/** fsPath glob → RegExp over dump paths ("*" within a component, "**" any depth, "**\/" zero or more folders). */
export function globToRegExp(glob: string): RegExp {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i];
    if (ch === "*" && glob[i + 1] === "*") {
      if (glob[i + 2] === "/") {
        re += "(?:[^/]*/)*";
        i += 2;
      } else {
        re += ".*";
        i += 1;
      }
    } else if (ch === "*") re += "[^/]*";
    else if (ch === "?") re += "[^/]";
    else re += ch.replace(/[.+^${}()|[\]\\/]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

/** The leading part of a pattern with no wildcard, cut at a "/" (the folder to start walking from). */
function literalFolder(pattern: string, wild: RegExp): string {
  const m = wild.exec(pattern);
  const literal = m ? pattern.slice(0, m.index) : pattern;
  const slash = literal.lastIndexOf("/");
  return slash === -1 ? "" : literal.slice(0, slash);
}

const join = (a: string, b: string) => (!a ? b : !b ? a : `${a}/${b}`);

export class IosFilesystem implements Acquisition {
  readonly kind = "ios-fs";
  readonly platform = "ios" as const;
  private containerList: Promise<Container[]> | null = null;
  private readonly notes: string[] = [];

  private constructor(
    readonly evidence: FsTreeEvidence,
    /** "private/var" or "var" (some tools drop the /private prefix). */
    readonly varRoot: string,
  ) {}

  /** Open a dump: its root must hold private/var (or var) with iOS's mobile folder in it. */
  static async open(evidence: FsTreeEvidence): Promise<IosFilesystem> {
    for (const varRoot of ["private/var", "var"]) {
      const mobile = await evidence.entry(`${varRoot}/mobile`);
      if (mobile?.type === "directory") return new IosFilesystem(evidence, varRoot);
    }
    throw new NotAFilesystemDumpError(
      `${evidence.label} does not look like an iOS filesystem extraction: no private/var/mobile (or var/mobile) folder at its root.`,
    );
  }

  /** Folders that could not be read or left the dump: coverage gaps. */
  problems(): string[] {
    return this.evidence.problems();
  }

  /** Containers whose identity is unknown (searched for every domain of their kind): worth a look, no gap. */
  warnings(): string[] {
    return this.notes;
  }

  /** Every container, identified by its metadata plist (read once per scan). */
  containers(): Promise<Container[]> {
    this.containerList ??= this.readContainers();
    return this.containerList;
  }

  private async readContainers(): Promise<Container[]> {
    const out: Container[] = [];
    for (const kind of CONTAINER_KINDS) {
      const dir = `${this.varRoot}/${kind.dir}`;
      for (const name of await this.evidence.list(dir)) {
        const root = `${dir}/${name}`;
        const e = await this.evidence.entry(root);
        if (e?.type !== "directory") continue;
        let identifier: string | null = null;
        try {
          const meta = parsePlist(await this.evidence.read(`${root}/${CONTAINER_METADATA}`, { maxBytes: 1 << 20 }));
          const id = (meta as Record<string, unknown> | null)?.MCMMetadataIdentifier;
          if (typeof id === "string" && id) identifier = id;
          else this.notes.push(`${root}/${CONTAINER_METADATA}: no MCMMetadataIdentifier; the container is searched for every ${kind.prefix}* domain`);
        } catch (e) {
          this.notes.push(`${root}/${CONTAINER_METADATA}: ${errorText(e)}; the container is searched for every ${kind.prefix}* domain`);
        }
        out.push({ domain: identifier ? kind.prefix + identifier : null, prefix: kind.prefix, root, identifier });
      }
    }
    return out;
  }

  /** Where a spec's domain(s) live in the dump. A container of unknown identity stands in for every domain
   *  of its kind (as MVT's "Application/*" globs do), so a lost metadata plist never hides an artifact. */
  private async roots(spec: FileSpec): Promise<DomainRoot[]> {
    const wanted = spec.domain !== undefined ? (d: string) => d === spec.domain : spec.domainLike !== undefined ? likeTest(spec.domainLike) : () => true;
    const out: DomainRoot[] = [];
    for (const [domain, dir] of Object.entries(FIXED_DOMAINS)) {
      if (wanted(domain)) out.push({ domain, root: `${this.varRoot}/${dir}` });
    }
    for (const c of await this.containers()) {
      if (c.domain !== null ? wanted(c.domain) : anyOfKind(spec, c.prefix)) out.push({ domain: c.domain ?? `${c.prefix}*`, root: c.root });
    }
    // Several domains share one folder (HomeDomain, MediaDomain…): search each folder once.
    const seen = new Set<string>();
    return out.filter((r) => !seen.has(r.root) && seen.add(r.root));
  }

  async *find(spec: FileSpec): AsyncIterable<FileRef> {
    if (spec.fsPath !== undefined) {
      yield* this.glob(spec.fsPath);
      return;
    }
    if (spec.rootPath !== undefined) return; // files at the root of a backup folder (Info.plist, Manifest.db)
    const seen = new Set<string>();
    for (const { domain, root } of await this.roots(spec)) {
      if (spec.path !== undefined && spec.pathLike === undefined) {
        const e = await this.evidence.entry(join(root, spec.path));
        if (e?.type === "file" && !seen.has(e.path)) {
          seen.add(e.path);
          yield { path: e.path, domain, relativePath: spec.path };
        }
        continue;
      }
      if (spec.pathLike === undefined) continue;
      const re = likeToRegExp(spec.pathLike);
      const exact = spec.path;
      const start = literalFolder(spec.pathLike, /[%_]/);
      for await (const e of this.evidence.walk(join(root, start), { names: true })) {
        if (e.type !== "file") continue;
        const rel = e.path.slice(root.length + 1);
        if (!re.test(rel) || (exact !== undefined && rel !== exact) || seen.has(e.path)) continue;
        seen.add(e.path);
        yield { path: e.path, domain, relativePath: rel };
      }
    }
  }

  /** Files (or, with a trailing "/", folders) matching an fsPath glob, in walk order. */
  async *glob(pattern: string): AsyncIterable<FileRef> {
    const folders = pattern.endsWith("/");
    const p = this.varRoot === "var" ? pattern.replace(/^private\/var\//, "var/") : pattern;
    const body = folders ? p.slice(0, -1) : p;
    if (!/[*?]/.test(body)) {
      const e = await this.evidence.entry(body);
      if (e && e.type === (folders ? "directory" : "file")) yield { path: e.path };
      return;
    }
    const want = folders ? "directory" : "file";
    if (body.includes("**")) {
      const re = globToRegExp(body);
      for await (const e of this.evidence.walk(literalFolder(body, /[*?]/), { names: true })) {
        if (e.type === want && re.test(e.path)) yield { path: e.path };
      }
      return;
    }
    // Component by component: only folders whose name matches the pattern's component at that depth are opened.
    const parts = body.split("/");
    let level = [""];
    for (let d = 0; d < parts.length && level.length; d++) {
      const last = d === parts.length - 1;
      const part = parts[d];
      const partRe = /[*?]/.test(part) ? globToRegExp(part) : null;
      const next: string[] = [];
      for (const folder of level) {
        const names = partRe ? (await this.evidence.list(folder)).filter((n) => partRe.test(n)) : [part];
        for (const name of names) {
          const e = await this.evidence.entry(join(folder, name));
          if (!e) continue;
          if (last) {
            if (e.type === want) yield { path: e.path };
          } else if (e.type === "directory") next.push(e.path);
        }
      }
      level = next;
    }
  }

  /** Files these specs resolve to, with the other files of their folders (-wal/-shm journals, a database a
   *  module opens beside its main one): what an archive must extract before the modules run. Specs for every
   *  path ("**") or for folders (a trailing "/") need the index only. */
  async filesFor(specs: FileSpec[]): Promise<Set<string>> {
    const out = new Set<string>();
    const folders = new Set<string>();
    for (const spec of specs) {
      if (spec.fsPath === "**" || spec.fsPath?.endsWith("/")) continue;
      for await (const ref of this.find(spec)) {
        out.add(ref.path);
        folders.add(ref.path.slice(0, Math.max(0, ref.path.lastIndexOf("/"))));
      }
    }
    for (const folder of folders) {
      for (const name of await this.evidence.list(folder)) {
        const e = await this.evidence.entry(join(folder, name));
        if (e?.type === "file") out.add(e.path);
      }
    }
    return out;
  }

  /** Every entry of the dump (the filesystem module's input). */
  walk(opts?: WalkOptions): AsyncIterable<FsEntry> {
    return this.evidence.walk("", opts);
  }

  close(): void {}
}

function likeTest(like: string): (s: string) => boolean {
  const re = likeToRegExp(like);
  return (s) => re.test(s);
}

/** A container of unknown identity matches a spec that names (or patterns) a domain of its kind. */
function anyOfKind(spec: FileSpec, prefix: string): boolean {
  if (spec.domain !== undefined) return spec.domain.startsWith(prefix);
  if (spec.domainLike !== undefined) return likeToRegExp(spec.domainLike).test(`${prefix}x`) || spec.domainLike.toLowerCase().startsWith(prefix.toLowerCase());
  return true;
}
