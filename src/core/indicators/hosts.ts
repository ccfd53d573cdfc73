// Host, URL and IP normalisation for indicator matching. Uses only the WHATWG URL class (browser and Node)
// for IDNA/punycode and IPv6 canonical forms; never touches the network.

export interface ParsedHost {
  /** Lower-case ASCII host (punycode for IDN), no trailing dot, IPv6 without brackets. */
  host: string;
  ip: "ipv4" | "ipv6" | null;
}

const PLAIN_HOST = /^[a-z0-9._-]+$/;
/** Already normalised host names (lower case ASCII, starting with a letter, so never an IP). */
const PLAIN_NAME = /^[a-z][a-z0-9_-]*(?:\.[a-z0-9_-]+)*$/;
const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
// "scheme:" not followed by "//" nor by a port number.
const SCHEME_NO_SLASHES = /^[a-z][a-z0-9+.-]*:(?!\/\/|\d)/i;
const OPAQUE_SCHEMES = new Set([
  "mailto", "tel", "sms", "smsto", "data", "javascript", "about", "blob", "urn", "geo", "magnet", "callto",
  "facetime", "facetime-audio", "sip", "sips", "xmpp", "market", "intent", "cid", "mid", "news",
]);

/** Dotted-decimal IPv4 with each part 0-255, canonical (no leading zeros); null otherwise. */
export function canonicalIpv4(value: string): string | null {
  const first = value.charCodeAt(0);
  if (!(first >= 48 && first <= 57)) return null;
  const parts = value.split(".");
  if (parts.length !== 4) return null;
  const out: number[] = [];
  for (const p of parts) {
    if (p.length === 0 || p.length > 3) return null;
    for (let i = 0; i < p.length; i++) {
      const c = p.charCodeAt(i);
      if (c < 48 || c > 57) return null;
    }
    const n = Number(p);
    if (n > 255) return null;
    out.push(n);
  }
  return out.join(".");
}

/** Canonical (RFC 5952, lower-case, compressed) IPv6 text; null when not an IPv6 address. */
export function canonicalIpv6(value: string): string | null {
  let v = value.trim();
  if (v.startsWith("[") && v.endsWith("]")) v = v.slice(1, -1);
  if (!v.includes(":")) return null;
  const zone = v.indexOf("%");
  if (zone !== -1) v = v.slice(0, zone);
  try {
    const h = new URL(`http://[${v}]/`).hostname;
    return h.slice(1, -1);
  } catch {
    return null;
  }
}

/** An IP address in canonical form with its family, or null. */
export function canonicalIp(value: string): { ip: string; family: "ipv4" | "ipv6" } | null {
  const v = value.trim().toLowerCase();
  const v4 = canonicalIpv4(v);
  if (v4) return { ip: v4, family: "ipv4" };
  const v6 = canonicalIpv6(v);
  if (v6) return { ip: v6, family: "ipv6" };
  return null;
}

/** Lower-case ASCII form of a bare host name: trailing dot removed, IDN labels to punycode. */
export function normaliseDomain(value: string): string {
  let h = value.trim().toLowerCase();
  while (h.endsWith(".")) h = h.slice(0, -1);
  if (PLAIN_HOST.test(h)) return h;
  try {
    const ascii = new URL(`http://${h}/`).hostname;
    return ascii.endsWith(".") ? ascii.slice(0, -1) : ascii;
  } catch {
    return h;
  }
}

/** Classifies an already normalised host. */
function classify(host: string): ParsedHost {
  const v4 = canonicalIpv4(host);
  if (v4) return { host: v4, ip: "ipv4" };
  if (host.includes(":")) {
    const v6 = canonicalIpv6(host);
    if (v6) return { host: v6, ip: "ipv6" };
  }
  return { host, ip: null };
}

/**
 * The host of a URL as a browser would see it. Accepts scheme-less URLs (`example.org/x`), ports,
 * user info (`user:pw@host`), IPv4/IPv6 literals and IDN. Null when there is no host.
 */
export function parseUrlHost(url: string): ParsedHost | null {
  return parseUrl(url).host;
}

/** normaliseUrl and parseUrlHost of one URL, parsing it once (the matcher needs both for every URL). The
 *  lenient split takes over where the URL class refuses the input or finds no host. */
export function parseUrl(url: string): { href: string; host: ParsedHost | null } {
  const s = url.trim();
  const withScheme = withHttpScheme(s);
  if (!withScheme) return { href: s, host: null };
  let u: URL | null = null;
  try {
    u = new URL(withScheme);
  } catch {
    // the lenient split below
  }
  if (u?.hostname) return { href: u.href, host: classify(stripBrackets(trimDots(u.hostname))) };
  const host = hostBySplitting(withScheme);
  return { href: u ? u.href : s, host: host ? classify(normaliseDomain(host)) : null };
}

/** What a URL indicator and a URL seen on the phone are compared by, from a normalised href (parseUrl):
 *  the same resource whatever the user info, fragment, trailing slash or web scheme (http and https name one
 *  server's path; the scheme of any other is kept). String work on the href, which the URL class has already
 *  made canonical ("#" only starts the fragment, "@" in user info is escaped): its getters cost more. */
export function urlKeyOfHref(href: string): string {
  let end = href.indexOf("#");
  if (end === -1) end = href.length;
  const slashes = href.indexOf("://");
  if (slashes === -1) return href.slice(0, end);
  const scheme = href.slice(0, slashes).toLowerCase();
  let start = slashes + 3;
  let pathAt = href.indexOf("/", start);
  const queryAt = href.indexOf("?", start);
  if (queryAt !== -1 && queryAt < end && (pathAt === -1 || queryAt < pathAt)) pathAt = queryAt;
  if (pathAt === -1 || pathAt > end) pathAt = end;
  const at = href.lastIndexOf("@", pathAt - 1);
  if (at >= start) start = at + 1;
  let q = href.indexOf("?", pathAt);
  if (q === -1 || q > end) q = end;
  let path = href.slice(pathAt, q);
  if (path.endsWith("/")) path = path.slice(0, -1);
  const web = scheme === "http" || scheme === "https";
  return `${web ? "" : `${scheme}:`}//${href.slice(start, pathAt)}${path}${href.slice(q, end)}`;
}

/** The key a URL is matched by (see urlKeyOfHref). */
export function urlKey(url: string): string {
  return urlKeyOfHref(parseUrl(url).href);
}

/** Host of a value that should be a bare host but may carry a scheme, port or path. */
export function parseHost(value: string): ParsedHost | null {
  if (PLAIN_NAME.test(value)) return { host: value, ip: null };
  const s = value.trim();
  if (!s) return null;
  const ip = canonicalIp(s);
  if (ip) return { host: ip.ip, ip: ip.family };
  if (/[/:@?#]/.test(s)) return parseUrlHost(s);
  const h = normaliseDomain(s);
  return h ? classify(h) : null;
}

/** Lenient host extraction when the URL class refuses the input (e.g. a space in the host). */
function hostBySplitting(url: string): string | null {
  let rest = url.replace(SCHEME, "");
  const end = rest.search(/[/?#\\]/);
  if (end !== -1) rest = rest.slice(0, end);
  const at = rest.lastIndexOf("@");
  if (at !== -1) rest = rest.slice(at + 1);
  if (rest.startsWith("[")) {
    const close = rest.indexOf("]");
    return close === -1 ? null : rest.slice(0, close + 1);
  }
  const colon = rest.indexOf(":");
  if (colon !== -1) rest = rest.slice(0, colon);
  return rest || null;
}

function stripBrackets(h: string): string {
  return h.startsWith("[") && h.endsWith("]") ? h.slice(1, -1) : h;
}

function trimDots(h: string): string {
  let out = h;
  while (out.endsWith(".")) out = out.slice(0, -1);
  return out;
}

/**
 * Normalised URL for exact comparison: scheme and host lower-cased, host in punycode, default port and
 * empty path made canonical (WHATWG serialisation); scheme-less URLs get `http://`. Returns the trimmed
 * input when it cannot be parsed.
 */
export function normaliseUrl(url: string): string {
  return parseUrl(url).href;
}

/**
 * The URL with `http://` added when it has no scheme; null for URLs without a host (mailto:, tel:, data:…).
 * "host:8080/x" is a host with a port and "user:pw@host" a host with user info, not schemes.
 */
function withHttpScheme(url: string): string | null {
  const s = url.trim();
  if (!s) return null;
  if (SCHEME.test(s)) return s;
  if (SCHEME_NO_SLASHES.test(s)) {
    const scheme = s.slice(0, s.indexOf(":")).toLowerCase();
    if (OPAQUE_SCHEMES.has(scheme) || !s.includes("@")) return null;
  }
  return `http://${s.replace(/^\/\//, "")}`;
}

/** The host followed by each parent domain: a.b.example.org → [a.b.example.org, b.example.org, example.org, org]. */
export function domainAndParents(host: string): string[] {
  const out = [host];
  let i = host.indexOf(".");
  while (i !== -1 && i < host.length - 1) {
    out.push(host.slice(i + 1));
    i = host.indexOf(".", i + 1);
  }
  return out;
}

/** Common URL shorteners. Their links are never expanded over the network; callers may flag them. */
export const SHORTENER_HOSTS: ReadonlySet<string> = new Set([
  "1url.com", "adf.ly", "amzn.to", "bit.do", "bit.ly", "bitly.com", "buff.ly", "cli.gs", "cutt.ly", "db.tt",
  "dlvr.it", "fb.me", "filoops.info", "git.io", "goo.gl", "hubs.ly", "is.gd", "j.mp", "lnkd.in", "ow.ly",
  "po.st", "qr.ae", "rb.gy", "rebrand.ly", "s.id", "shorte.st", "shorturl.at", "snip.ly", "su.pr", "t.co",
  "t.ly", "tiny.cc", "tinyurl.com", "tr.im", "trib.al", "u.to", "v.gd", "wp.me", "x.co", "y2u.be", "youtu.be",
  "bl.ink", "short.io", "tiny.one", "zpr.io", "shorturl.com", "clck.ru", "urlz.fr",
]);

/** Whether a host (or URL) belongs to a known URL shortener. */
export function isShortenerHost(hostOrUrl: string): boolean {
  const parsed = parseHost(hostOrUrl);
  if (!parsed || parsed.ip) return false;
  const h = parsed.host.startsWith("www.") ? parsed.host.slice(4) : parsed.host;
  return SHORTENER_HOSTS.has(h);
}
