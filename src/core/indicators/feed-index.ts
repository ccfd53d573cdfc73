// The indicators.yaml feed index of mvt-project/mvt-indicators: which public STIX2 files to download.

import { parse } from "yaml";

export interface GithubSource {
  owner: string;
  repo: string;
  branch: string;
  path: string;
}

export interface FeedEntry {
  name: string;
  type: "github" | "download";
  sources: string[];
  references: string[];
  github?: GithubSource;
  /** For `type: download`. */
  downloadUrl?: string;
}

export interface FeedIndex {
  feeds: FeedEntry[];
  warnings: string[];
  /** Set when the text is not a usable index at all. */
  error: string | null;
}

export const DEFAULT_RAW_BASE = "https://raw.githubusercontent.com";

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === "string") : [];
}

function text(v: unknown): string {
  return typeof v === "string" ? v.trim() : typeof v === "number" ? String(v) : "";
}

function githubSource(v: unknown): GithubSource | null {
  if (!v || typeof v !== "object") return null;
  const g = v as Record<string, unknown>;
  const source = { owner: text(g.owner), repo: text(g.repo), branch: text(g.branch) || "main", path: text(g.path).replace(/^\/+/, "") };
  return source.owner && source.repo && source.path ? source : null;
}

function entryFrom(raw: unknown, n: number, warnings: string[]): FeedEntry | null {
  if (!raw || typeof raw !== "object") {
    warnings.push(`entry ${n}: not a mapping; skipped`);
    return null;
  }
  const e = raw as Record<string, unknown>;
  const type = text(e.type) || (e.download_url ? "download" : "github");
  const base = { name: text(e.name) || `feed ${n}`, sources: strings(e.sources), references: strings(e.references) };
  if (type === "github") {
    const github = githubSource(e.github);
    if (github) return { ...base, type, github };
    warnings.push(`entry ${n} (${base.name}): github owner/repo/path missing; skipped`);
    return null;
  }
  if (type === "download") {
    const downloadUrl = text(e.download_url);
    if (/^https?:\/\//i.test(downloadUrl)) return { ...base, type, downloadUrl };
    warnings.push(`entry ${n} (${base.name}): download_url missing or not http(s); skipped`);
    return null;
  }
  warnings.push(`entry ${n} (${base.name}): unknown type ${JSON.stringify(type)}; skipped`);
  return null;
}

/** Parses an indicators.yaml index. Never throws. */
export function parseFeedIndex(source: string): FeedIndex {
  let doc: unknown;
  try {
    doc = parse(source);
  } catch (e) {
    return { feeds: [], warnings: [], error: `invalid YAML: ${(e as Error).message}` };
  }
  const list = doc && typeof doc === "object" ? (doc as { indicators?: unknown }).indicators : undefined;
  if (!Array.isArray(list)) return { feeds: [], warnings: [], error: "no `indicators` list" };
  const warnings: string[] = [];
  const feeds = list.map((raw, n) => entryFrom(raw, n + 1, warnings)).filter((f): f is FeedEntry => f !== null);
  return { feeds, warnings, error: null };
}

/** Where a feed is downloaded from; github entries are fetched from `${rawBase}/${owner}/${repo}/${branch}/${path}`. */
export function feedUrl(feed: FeedEntry, rawBase: string = DEFAULT_RAW_BASE): string {
  if (feed.type === "download") return feed.downloadUrl ?? "";
  const g = feed.github!;
  const enc = (s: string) => s.split("/").map(encodeURIComponent).join("/");
  return `${rawBase.replace(/\/+$/, "")}/${enc(g.owner)}/${enc(g.repo)}/${enc(g.branch)}/${enc(g.path)}`;
}

/** Relative file path a feed is stored under: owner/repo/path for github, download/<host>/<path> otherwise. */
export function feedRelativePath(feed: FeedEntry): string | null {
  let parts: string[];
  if (feed.type === "github") {
    const g = feed.github!;
    parts = [g.owner, g.repo, ...g.path.split("/")];
  } else {
    try {
      const u = new URL(feed.downloadUrl ?? "");
      parts = ["download", u.hostname, ...decodeURIComponent(u.pathname).split("/")];
    } catch {
      return null;
    }
  }
  parts = parts.filter((p) => p !== "" && p !== ".");
  // A hostile index must not write outside the destination folder.
  if (parts.some((p) => p === ".." || p.includes("\\") || p.includes("\0"))) return null;
  return parts.length > 1 ? parts.join("/") : null;
}
