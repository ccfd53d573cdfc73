// Expanding shortened URLs (bit.ly, t.co…), only when the user asks for it (--resolve-short-urls): each
// shortener is asked with an HTTP HEAD request, without following the redirect, where its link leads; a link
// to another shortener is asked about in turn (at most MAX_HOPS). The destination itself is never contacted:
// it may be the attacker's server.

import type { UrlExpander } from "../core/analysis/engine.js";
import { isShortenerHost } from "../core/indicators/hosts.js";
import { errorText } from "../core/util/errors.js";

const MAX_HOPS = 5;
const TIMEOUT_MS = 10_000;

export interface ShortUrlOptions {
  /** The HTTP client (default: Node's fetch). */
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/** An absolute http(s) URL for a link as found (a link without a scheme is read as https://). */
function absolute(link: string): URL | null {
  try {
    const u = new URL(/^[a-z][a-z0-9+.-]*:/i.test(link) ? link : `https://${link}`);
    return u.protocol === "http:" || u.protocol === "https:" ? u : null;
  } catch {
    return null;
  }
}

export function shortUrlExpander(opts: ShortUrlOptions = {}): UrlExpander {
  const get = opts.fetch ?? fetch;
  const timeoutMs = opts.timeoutMs ?? TIMEOUT_MS;
  return async (link) => {
    let current = absolute(link);
    if (!current) return { url: null, error: "not an http(s) URL" };
    for (let hop = 0; hop < MAX_HOPS; hop++) {
      let res: Response;
      try {
        res = await get(current.href, { method: "HEAD", redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
      } catch (e) {
        return { url: null, error: `${current.host}: ${errorText(e)}` };
      }
      const location = res.headers.get("location");
      if (res.status < 300 || res.status > 399 || !location) {
        return { url: null, error: `${current.host} answered ${res.status} without a redirect` };
      }
      let next: URL;
      try {
        next = new URL(location, current);
      } catch {
        return { url: null, error: `${current.host} redirected to an unreadable location` };
      }
      if (!isShortenerHost(next.href)) return { url: next.href };
      current = next;
    }
    return { url: null, error: `more than ${MAX_HOPS} shorteners in a row` };
  };
}
