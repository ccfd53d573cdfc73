// `spyscope iocs update`: downloads the public feeds listed in an indicators.yaml index. The only code in
// spyscope that uses the network, and only when called. A downloaded file replaces the previous one only
// when it is a STIX bundle with at least one usable indicator (temp file + rename, so never half-written).

import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { DEFAULT_RAW_BASE, feedRelativePath, feedUrl, parseFeedIndex, type FeedEntry } from "../core/indicators/feed-index.js";
import { loadStixBundle } from "../core/indicators/stix-bundle.js";
import { updatedIndicatorsDir } from "./iocs.js";

/** Path of the index below a raw-content base. */
export const INDEX_PATH = "mvt-project/mvt-indicators/main/indicators.yaml";
export const DEFAULT_INDEX_URL = `${DEFAULT_RAW_BASE}/${INDEX_PATH}`;

export interface UpdateOptions {
  /**
   * One server for everything (default https://raw.githubusercontent.com): the index is fetched from
   * `${baseUrl}/mvt-project/mvt-indicators/main/indicators.yaml` and github feeds from `${baseUrl}/owner/repo/branch/path`.
   */
  baseUrl?: string;
  /** Full URL of the index (overrides baseUrl for the index). */
  indexUrl?: string;
  /** Base that github entries are fetched from (overrides baseUrl for the feeds). */
  rawBase?: string;
  /** Default: $SPYSCOPE_DATA_DIR/indicators or ${XDG_DATA_HOME:-~/.local/share}/spyscope/indicators. */
  destDir?: string;
  fetchImpl?: typeof fetch;
  env?: NodeJS.ProcessEnv;
  /** Per request (default 60 s). */
  timeoutMs?: number;
  /** Largest accepted file (default 64 MiB). */
  maxBytes?: number;
}

export interface FeedUpdate {
  name: string;
  url: string;
  /** Where the feed is kept, or null when the index entry has no safe path. */
  file: string | null;
  ok: boolean;
  status: "updated" | "unchanged" | "failed";
  indicators: number;
  sha256?: string;
  error?: string;
  /** On failure: whether an earlier download is still in place (and still used). */
  previousKept?: boolean;
}

export interface UpdateReport {
  indexUrl: string;
  destDir: string;
  ok: boolean;
  /** Set when the index itself could not be fetched or read; no feed was touched then. */
  error: string | null;
  feeds: FeedUpdate[];
  warnings: string[];
}

interface Resolved {
  indexUrl: string;
  rawBase: string;
  destDir: string;
  fetch: typeof fetch;
  timeoutMs: number;
  maxBytes: number;
}

function resolveOptions(o: UpdateOptions): Resolved {
  const base = (o.baseUrl ?? DEFAULT_RAW_BASE).replace(/\/+$/, "");
  return {
    indexUrl: o.indexUrl ?? `${base}/${INDEX_PATH}`,
    rawBase: o.rawBase ?? base,
    destDir: path.resolve(o.destDir ?? updatedIndicatorsDir(o.env ?? process.env)),
    fetch: o.fetchImpl ?? globalThis.fetch,
    timeoutMs: o.timeoutMs ?? 60_000,
    maxBytes: o.maxBytes ?? 64 * 1024 * 1024,
  };
}

/** GET a URL; throws with a short reason on network errors, non-2xx statuses and oversized bodies. */
async function download(r: Resolved, url: string): Promise<Buffer> {
  const res = await r.fetch(url, { signal: AbortSignal.timeout(r.timeoutMs), redirect: "follow" });
  if (!res.ok) throw new Error(`HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ""}`);
  const declared = Number(res.headers.get("content-length") ?? "0");
  if (declared > r.maxBytes) throw new Error(`too large (${declared} bytes)`);
  const body = Buffer.from(await res.arrayBuffer());
  if (body.length > r.maxBytes) throw new Error(`too large (${body.length} bytes)`);
  return body;
}

function reason(e: unknown): string {
  const err = e as { message?: string; cause?: { message?: string; code?: string } };
  const cause = err?.cause?.code ?? err?.cause?.message;
  return `${err?.message ?? String(e)}${cause ? ` (${cause})` : ""}`;
}

/** Writes next to the target, then renames: readers see the old file or the new one, never a partial one. */
function writeAtomically(file: string, data: Buffer | string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** Checks a downloaded file: valid JSON, a STIX bundle, at least one indicator spyscope can match. */
function validateBundle(body: Buffer, name: string): number {
  let json: unknown;
  try {
    json = JSON.parse(body.toString("utf8"));
  } catch (e) {
    throw new Error(`not valid JSON: ${(e as Error).message}`);
  }
  const loaded = loadStixBundle(json, name);
  if (loaded.error) throw new Error(loaded.error);
  if (loaded.indicators.length === 0) throw new Error("the bundle holds no usable indicator");
  return loaded.indicators.length;
}

function sha256(data: Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

async function updateFeed(r: Resolved, feed: FeedEntry): Promise<FeedUpdate> {
  const url = feedUrl(feed, r.rawBase);
  const rel = feedRelativePath(feed);
  if (!rel) return { name: feed.name, url, file: null, ok: false, status: "failed", indicators: 0, error: "no safe file path for this entry" };
  const file = path.join(r.destDir, ...rel.split("/"));
  try {
    const body = await download(r, url);
    const indicators = validateBundle(body, path.basename(file));
    const hash = sha256(body);
    const unchanged = existsSync(file) && sha256(readFileSync(file)) === hash;
    if (!unchanged) writeAtomically(file, body);
    return { name: feed.name, url, file, ok: true, status: unchanged ? "unchanged" : "updated", indicators, sha256: hash };
  } catch (e) {
    return { name: feed.name, url, file, ok: false, status: "failed", indicators: 0, error: reason(e), previousKept: existsSync(file) };
  }
}

/** Downloads the index, then every feed it lists; returns a per-feed report. Never throws for network or feed errors. */
export async function updateIndicators(options: UpdateOptions = {}): Promise<UpdateReport> {
  const r = resolveOptions(options);
  const report: UpdateReport = { indexUrl: r.indexUrl, destDir: r.destDir, ok: false, error: null, feeds: [], warnings: [] };
  let indexText: string;
  try {
    indexText = (await download(r, r.indexUrl)).toString("utf8");
  } catch (e) {
    report.error = `index not downloaded: ${reason(e)}`;
    return report;
  }
  const index = parseFeedIndex(indexText);
  report.warnings.push(...index.warnings);
  if (index.error) {
    report.error = `index not usable: ${index.error}`;
    return report;
  }
  for (const feed of index.feeds) report.feeds.push(await updateFeed(r, feed));
  try {
    writeAtomically(path.join(r.destDir, "indicators.yaml"), indexText);
  } catch (e) {
    report.warnings.push(`index not saved: ${reason(e)}`);
  }
  report.ok = report.feeds.every((f) => f.ok);
  return report;
}
