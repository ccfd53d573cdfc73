// Loads STIX2 indicator files from disk: explicit paths, $SPYSCOPE_IOCS, or else the bundled iocs/ folder
// plus the folder `spyscope iocs update` downloads to.

import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, realpathSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { IndicatorSet } from "../core/indicators/indicator-set.js";

export interface LoadedIndicatorFile {
  path: string;
  sha256: string;
  /** Indicators the file holds (deduplicated within the file). */
  indicators: number;
  collections: string[];
}

export interface LoadedIndicators {
  set: IndicatorSet;
  files: LoadedIndicatorFile[];
  warnings: string[];
  /** The warnings about sources that were not loaded at all (a missing path, a file that is not a bundle),
   *  as opposed to single indicators read with a caveat: a scan shows these on the terminal. */
  problems: string[];
  loadMs: number;
}

/** Refuse to scan against no indicators at all: a broken --iocs path or bundle would otherwise turn into
 *  "no known indicators were found". */
export function requireIndicators(loaded: LoadedIndicators): void {
  if (loaded.set.size > 0) return;
  const why = loaded.problems.length ? `: ${loaded.problems.join("; ")}` : "";
  throw new Error(`no indicators could be loaded${why}. Check the --iocs paths (or $SPYSCOPE_IOCS); \`spyscope iocs list\` shows what loads.`);
}

const BUNDLE_EXTENSIONS = [".stix2", ".json"];

/** The package's own folder: walk up from this module until a package.json named "spyscope". */
export function packageRoot(from: string = path.dirname(fileURLToPath(import.meta.url))): string | null {
  let dir = from;
  for (;;) {
    const manifest = path.join(dir, "package.json");
    if (existsSync(manifest)) {
      try {
        if (JSON.parse(readFileSync(manifest, "utf8")).name === "spyscope") return dir;
      } catch {
        // an unreadable package.json on the way up is not ours
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/** The indicators shipped with the package (iocs/), or null when missing. */
export function bundledIocsDir(): string | null {
  const root = packageRoot();
  const dir = root ? path.join(root, "iocs") : null;
  return dir && existsSync(dir) ? dir : null;
}

/** spyscope's data folder: $SPYSCOPE_DATA_DIR, else $XDG_DATA_HOME/spyscope, else ~/.local/share/spyscope. */
export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SPYSCOPE_DATA_DIR) return path.resolve(env.SPYSCOPE_DATA_DIR);
  const base = env.XDG_DATA_HOME || path.join(os.homedir(), ".local", "share");
  return path.join(base, "spyscope");
}

/** Where `spyscope iocs update` keeps downloaded indicators. */
export function updatedIndicatorsDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(dataDir(env), "indicators");
}

function splitPathList(value: string | undefined): string[] {
  return (value ?? "").split(path.delimiter).map((p) => p.trim()).filter(Boolean);
}

/** STIX files below a folder, sorted, recursively; hidden entries and temp files are skipped. */
function bundleFilesIn(dir: string): string[] {
  const out: string[] = [];
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (e.name.startsWith(".")) continue;
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...bundleFilesIn(full));
    else if (BUNDLE_EXTENSIONS.includes(path.extname(e.name).toLowerCase()) && (e.isFile() || isFileLink(full))) out.push(full);
  }
  return out;
}

function realPath(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
}

/** Symbolic links to files are followed; links to folders are not (no loops). */
function isFileLink(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The last two components (feed folder + file name): how an updated file supersedes a bundled one. */
function feedKey(file: string): string {
  return file.split(path.sep).slice(-2).join("/");
}

interface Candidate {
  file: string;
  /** Given explicitly: a failure to read it as a bundle is always reported. */
  explicit: boolean;
}

function expand(paths: string[], warnings: string[]): Candidate[] {
  const out: Candidate[] = [];
  for (const p of paths) {
    const full = path.resolve(p);
    let stat;
    try {
      stat = statSync(full);
    } catch {
      warnings.push(`${p}: no such file or folder`);
      continue;
    }
    if (stat.isDirectory()) out.push(...bundleFilesIn(full).map((file) => ({ file, explicit: false })));
    else out.push({ file: full, explicit: true });
  }
  return out;
}

/** Default sources: updated feeds first (newer), then bundled files they do not supersede. */
function defaultCandidates(env: NodeJS.ProcessEnv, warnings: string[]): Candidate[] {
  const updatedDir = updatedIndicatorsDir(env);
  const updated = existsSync(updatedDir) ? expand([updatedDir], warnings) : [];
  const bundledDir = bundledIocsDir();
  if (!bundledDir) warnings.push("the bundled iocs/ folder was not found");
  const bundled = bundledDir ? expand([bundledDir], warnings) : [];
  const superseded = new Set(updated.map((c) => feedKey(c.file)));
  return [...updated, ...bundled.filter((c) => !superseded.has(feedKey(c.file)))];
}

/**
 * Loads indicators from files and folders (folders recursively: *.stix2 and *.json STIX bundles).
 * $SPYSCOPE_IOCS (a path list) adds paths. With neither, the bundled indicators and the updated ones are used.
 * A file that cannot be read or parsed becomes a warning; the others still load.
 */
export async function loadIndicators(paths: string[] | undefined, env: NodeJS.ProcessEnv = process.env): Promise<LoadedIndicators> {
  const started = performance.now();
  const warnings: string[] = [];
  const requested = [...(paths ?? []), ...splitPathList(env.SPYSCOPE_IOCS)];
  const candidates = requested.length ? expand(requested, warnings) : defaultCandidates(env, warnings);
  const set = new IndicatorSet();
  const files: LoadedIndicatorFile[] = [];
  const done = new Set<string>();
  for (const c of candidates) {
    const real = realPath(c.file);
    if (done.has(real)) continue;
    done.add(real);
    const loaded = loadFile(set, c, warnings);
    if (loaded) files.push(loaded);
  }
  // Everything warned so far is about a whole source (path, file, folder); the set's own warnings are about
  // single indicators.
  const problems = [...warnings];
  warnings.push(...set.warnings);
  return { set, files, warnings, problems, loadMs: performance.now() - started };
}

function loadFile(set: IndicatorSet, c: Candidate, warnings: string[]): LoadedIndicatorFile | null {
  let bytes: Buffer;
  let json: unknown;
  try {
    bytes = readFileSync(c.file);
    json = JSON.parse(bytes.toString("utf8"));
  } catch (e) {
    warnings.push(`${c.file}: not loaded: ${(e as Error).message.replace(/\s+/g, " ")}`);
    return null;
  }
  if (!hasObjects(json)) {
    // A folder may hold other JSON files; only bundles are indicator files there.
    const quiet = !c.explicit && path.extname(c.file).toLowerCase() === ".json";
    if (!quiet) warnings.push(`${c.file}: not loaded: not a STIX bundle (no objects array)`);
    return null;
  }
  const loaded = set.addBundle(json, c.file);
  return {
    path: c.file,
    sha256: createHash("sha256").update(bytes).digest("hex"),
    indicators: loaded.indicators.length,
    collections: loaded.collections,
  };
}

function hasObjects(json: unknown): boolean {
  return !!json && typeof json === "object" && Array.isArray((json as { objects?: unknown }).objects);
}
