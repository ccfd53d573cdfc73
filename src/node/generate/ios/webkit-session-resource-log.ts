// Synthetic full_browsing_session_resourceLog.plist (XML plist) in Safari's container: prevalent origins with
// their top-frame redirects; when planting, a planted domain appears as a redirect destination.

import type { GeneratedFile, GenContext } from "./types.js";

/** A minimal XML plist writer (dict, array, string, integer, real, bool, date, data) for generated files. */
export function xmlPlist(value: unknown): Uint8Array {
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const enc = (v: unknown, ind: string): string => {
    if (typeof v === "string") return `${ind}<string>${esc(v)}</string>`;
    if (typeof v === "boolean") return `${ind}<${v}/>`;
    if (typeof v === "number") return Number.isInteger(v) ? `${ind}<integer>${v}</integer>` : `${ind}<real>${v}</real>`;
    if (v instanceof Date) return `${ind}<date>${v.toISOString().replace(/\.\d{3}Z$/, "Z")}</date>`;
    if (v instanceof Uint8Array) return `${ind}<data>${Buffer.from(v).toString("base64")}</data>`;
    if (Array.isArray(v)) return `${ind}<array>\n${v.map((x) => enc(x, ind + "\t")).join("\n")}\n${ind}</array>`;
    if (v && typeof v === "object") {
      const body = Object.entries(v).map(([k, x]) => `${ind}\t<key>${esc(k)}</key>\n${enc(x, ind + "\t")}`);
      return `${ind}<dict>\n${body.join("\n")}\n${ind}</dict>`;
    }
    throw new Error(`cannot encode ${String(v)} in a plist`);
  };
  const xml =
    `<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n` +
    `<plist version="1.0">\n${enc(value, "")}\n</plist>\n`;
  return new TextEncoder().encode(xml);
}

const SITES = ["google.com", "apple.com", "wikipedia.org", "bbc.co.uk", "nytimes.com", "t.co", "bit.ly", "cloudflare.com"];

export function sessionResourceLog(g: GenContext): Uint8Array {
  const n = Math.max(3, Math.round(g.rows / 1000));
  const stats = Array.from({ length: n }, (_, i) => {
    const origin = i < SITES.length ? SITES[i] : `site${i}.example.net`;
    const to = g.rng.next() < 0.3 ? [g.rng.pick(SITES)] : [];
    return {
      PrevalentResourceOrigin: origin,
      topFrameUniqueRedirectsFrom: g.rng.next() < 0.3 ? [g.rng.pick(SITES)] : [],
      topFrameUniqueRedirectsTo: to,
      subframeUnderTopFrameOrigins: [],
      subresourceUnderTopFrameOrigins: [g.rng.pick(SITES)],
      hadUserInteraction: g.rng.next() < 0.5,
      mostRecentUserInteraction: new Date(Math.round(g.now - g.rng.next() * 90 * 86400) * 1000),
      lastSeen: new Date(Math.round(g.now - g.rng.next() * 90 * 86400) * 1000),
    };
  });
  if (g.plant?.domains.length) {
    stats[0].topFrameUniqueRedirectsTo = [g.plant.domains[Math.min(1, g.plant.domains.length - 1)]];
  }
  return xmlPlist({ browsingStatistics: stats });
}

export const files: GeneratedFile[] = [
  {
    modules: ["webkit_session_resource_log"],
    domain: "AppDomain-com.apple.mobilesafari",
    relativePath: "Library/WebKit/WebsiteData/ResourceLoadStatistics/full_browsing_session_resourceLog.plist",
    bytes: sessionResourceLog,
  },
];
