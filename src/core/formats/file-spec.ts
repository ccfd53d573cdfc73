// FileSpec matching for acquisitions that list their own entries (archives, log folders) rather than
// resolving through a manifest: `path` exact, `pathLike` as SQL LIKE (% any run, _ one character).

import type { FileSpec } from "../artifacts/module.js";

export function likePattern(like: string): RegExp {
  const re = like.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/%/g, ".*").replace(/_/g, ".");
  return new RegExp(`^${re}$`, "s");
}

export function specMatcher(spec: FileSpec): (name: string) => boolean {
  if (spec.path !== undefined) return (n) => n === spec.path;
  if (spec.pathLike !== undefined) {
    const re = likePattern(spec.pathLike);
    return (n) => re.test(n);
  }
  if (spec.rootPath !== undefined) return (n) => n === spec.rootPath;
  return () => false;
}
