import { describe, it, expect } from "vitest";
import {
  canonicalIp,
  domainAndParents,
  isShortenerHost,
  normaliseDomain,
  normaliseUrl,
  urlKey,
  parseHost,
  parseUrl,
  parseUrlHost,
} from "../../src/core/indicators/hosts.js";

describe("host helpers", () => {
  it("extracts hosts from URLs of every shape", () => {
    const cases: [string, string | null, string | null][] = [
      ["https://Example.org/x", "example.org", null],
      ["example.org/path?q=1", "example.org", null],
      ["user:secret@example.org:8080/x", "example.org", null],
      ["https://user@sub.example.org.:443", "sub.example.org", null],
      ["http://198.51.100.7/", "198.51.100.7", "ipv4"],
      ["http://[2001:DB8::1]:8080/", "2001:db8::1", "ipv6"],
      ["https://xn--bcher-kva.example/", "xn--bcher-kva.example", null],
      ["https://bücher.example/", "xn--bcher-kva.example", null],
      ["example.org:99999/x", "example.org", null],
      ["mailto:someone@example.org", null, null],
      ["tel:+15555550100", null, null],
      ["", null, null],
    ];
    for (const [url, host, ip] of cases) {
      const parsed = parseUrlHost(url);
      expect(parsed?.host ?? null, url).toBe(host);
      if (host) expect(parsed?.ip, url).toBe(ip);
    }
  });

  it("normalises bare hosts and IP addresses", () => {
    expect(normaliseDomain("WWW.Example.ORG..")).toBe("www.example.org");
    expect(normaliseDomain("MÜNCHEN.example")).toBe("xn--mnchen-3ya.example");
    expect(parseHost("198.051.100.001")).toEqual({ host: "198.51.100.1", ip: "ipv4" });
    expect(parseHost("example.org:443")).toEqual({ host: "example.org", ip: null });
    expect(canonicalIp("2001:0db8:0000:0000:0000:0000:0000:0001")).toEqual({ ip: "2001:db8::1", family: "ipv6" });
    expect(canonicalIp("256.1.1.1")).toBeNull();
    expect(canonicalIp("example.org")).toBeNull();
  });

  it("normalises URLs for exact comparison", () => {
    expect(normaliseUrl("HTTP://Example.COM:80/a")).toBe("http://example.com/a");
    expect(normaliseUrl("example.com/a")).toBe("http://example.com/a");
    expect(normaliseUrl("https://example.com")).toBe("https://example.com/");
    // Unparseable: compared as given (trimmed).
    expect(normaliseUrl("  not a url at all ")).toBe("not a url at all");
  });

  it("lists a host and its parents", () => {
    expect(domainAndParents("a.b.example.org")).toEqual(["a.b.example.org", "b.example.org", "example.org", "org"]);
    expect(domainAndParents("localhost")).toEqual(["localhost"]);
  });

  it("recognises URL shorteners without any network access", () => {
    for (const s of ["bit.ly", "https://bit.ly/3abc", "T.CO", "www.tinyurl.com", "goo.gl/x", "ow.ly", "is.gd", "buff.ly", "rebrand.ly", "cutt.ly"]) {
      expect(isShortenerHost(s), s).toBe(true);
    }
    for (const s of ["example.org", "notbit.ly", "bit.ly.example.org", "198.51.100.1", ""]) expect(isShortenerHost(s), s).toBe(false);
  });
});

describe("parseUrl (one parse for the matcher)", () => {
  it("gives the normalised URL and the host for every kind of URL", () => {
    const d = (host: string) => ({ host, ip: null });
    const cases: [string, string, { host: string; ip: string | null } | null][] = [
      ["https://badbadbad.example.org/", "https://badbadbad.example.org/", d("badbadbad.example.org")],
      ["  HTTP://User:pw@Sub.Example.COM:8443/a?b#c  ", "http://User:pw@sub.example.com:8443/a?b#c", d("sub.example.com")],
      ["example.com/path", "http://example.com/path", d("example.com")],
      ["host:8080/x", "http://host:8080/x", d("host")],
      ["user:pw@host.example", "http://user:pw@host.example/", d("host.example")],
      ["mailto:someone@example.com", "mailto:someone@example.com", null],
      ["tel:+1234", "tel:+1234", null],
      ["http://[::1]:80/", "http://[::1]/", { host: "::1", ip: "ipv6" }],
      ["http://192.168.0.1./x", "http://192.168.0.1/x", { host: "192.168.0.1", ip: "ipv4" }],
      ["https://xn--bcher-kva.example/", "https://xn--bcher-kva.example/", d("xn--bcher-kva.example")],
      ["https://bücher.example/", "https://xn--bcher-kva.example/", d("xn--bcher-kva.example")],
      ["http://exa mple.com/", "http://exa mple.com/", d("exa mple.com")],
      ["http://", "http://", null],
      ["", "", null],
      ["//cdn.example.net/lib.js", "http://cdn.example.net/lib.js", d("cdn.example.net")],
      ["https://a..b.example./", "https://a..b.example./", d("a..b.example")],
    ];
    for (const [u, href, host] of cases) {
      expect(parseUrl(u), u).toMatchObject({ href, host });
      expect(normaliseUrl(u), u).toBe(href);
      expect(parseUrlHost(u), u).toEqual(host);
    }
  });

  it("keys a URL by its resource: no user info, fragment, trailing slash or web scheme", () => {
    expect(urlKey("HTTPS://u:p@Example.COM:443/a/b/?q=1#f")).toBe("//example.com/a/b?q=1");
    expect(urlKey("http://example.com/")).toBe("//example.com");
    expect(urlKey("example.com:8080/x")).toBe("//example.com:8080/x");
    expect(urlKey("ftp://example.com/x/")).toBe("ftp://example.com/x");
    expect(urlKey("  not a url at all ")).toBe("not a url at all");
  });
});
