import { readFileSync } from "node:fs";
import { describe, it, expect } from "vitest";
import { IndicatorSet } from "../../src/core/indicators/indicator-set.js";
import type { Indicator, IndicatorKind, Observable } from "../../src/core/types.js";

const STIX_FIXTURES = new URL("../../../shared/data/fixtures/mvt/stix2/", import.meta.url).pathname;
const IOCS = new URL("../../iocs/", import.meta.url).pathname;
const bundle = (dir: string, name: string) => ({ name, json: JSON.parse(readFileSync(dir + name, "utf8")) });

const test = IndicatorSet.fromBundles([bundle(STIX_FIXTURES, "test_indicators.stix2")]);
const pegasus = IndicatorSet.fromBundles([bundle(IOCS, "amnesty/2021-07-18_nso/pegasus.stix2")]);

function ind(kind: IndicatorKind, value: string, collection = "Test"): Indicator {
  return { kind, value, collection, sourceFile: "hand.stix2", id: `indicator--${kind}-${value}` };
}

function setOf(...indicators: Indicator[]): IndicatorSet {
  const s = new IndicatorSet();
  s.add(...indicators);
  return s;
}

const m = (set: IndicatorSet, type: Observable["type"], value: string) => set.match({ type, value });

describe("IndicatorSet: domains and URLs", () => {
  it("matches a sub-domain by its parent with MVT's message", () => {
    const [hit, ...rest] = m(test, "url", "https://badbadbad.example.org/");
    expect(rest).toEqual([]);
    expect(hit.how).toBe("parent-domain");
    expect(hit.message).toBe(
      'Found a sub-domain with a suspicious top level https://badbadbad.example.org/ matching indicator "example.org" from "TestMalware"',
    );
    expect(hit.indicator).toMatchObject({ value: "example.org", kind: "domains", collection: "TestMalware", sourceFile: "test_indicators.stix2" });
    expect(hit.observable).toEqual({ type: "url", value: "https://badbadbad.example.org/" });
  });

  it("matches a known domain with MVT's message", () => {
    const [hit] = m(test, "url", "https://example.org/news");
    expect(hit.how).toBe("exact");
    expect(hit.message).toBe('Found a known suspicious domain https://example.org/news matching indicator "example.org" from "TestMalware"');
  });

  it("prefers a URL indicator, with MVT's message", () => {
    const hits = m(test, "url", "http://example.com/thisisbad");
    expect(hits.map((h) => h.how)).toEqual(["url"]);
    expect(hits[0].message).toBe(
      'Found a known suspicious URL http://example.com/thisisbad matching indicator "http://example.com/thisisbad" from "TestMalware"',
    );
    // Normalised: case of scheme and host, scheme-less form.
    expect(m(test, "url", "HTTP://EXAMPLE.COM/thisisbad")[0]?.how).toBe("url");
    expect(m(test, "url", "example.com/thisisbad")[0]?.how).toBe("url");
    // The path is case-sensitive, and example.com is not a domain indicator.
    expect(m(test, "url", "http://example.com/THISISBAD")).toEqual([]);
    // The same resource whatever the user info, fragment, trailing slash or web scheme; the query counts.
    for (const u of ["https://example.com/thisisbad", "http://user:pw@example.com/thisisbad", "http://example.com/thisisbad#top", "http://example.com/thisisbad/", "http://example.com:80/thisisbad"]) {
      expect(m(test, "url", u)[0]?.how, u).toBe("url");
    }
    expect(m(test, "url", "http://example.com/thisisbad?x=1")).toEqual([]);
    expect(m(test, "url", "http://example.com:8080/thisisbad")).toEqual([]);
    // An indicator written with a trailing slash or as https matches the plain form too.
    const s = setOf(ind("urls", "https://slash.example/path/"));
    expect(m(s, "url", "http://slash.example/path")[0]?.how).toBe("url");
    expect(m(s, "url", "slash.example/path/#frag")[0]?.how).toBe("url");
    expect(m(s, "url", "https://slash.example/path/more")).toEqual([]);
  });

  it("parses hosts out of every URL form", () => {
    const hosts = [
      "https://example.org",
      "example.org/x",
      "//example.org/x",
      "EXAMPLE.ORG.",
      "https://user:pw@example.org:8443/a?b=c#d",
      "user:pw@example.org/x",
      "example.org:8080",
      "ftp://a.b.example.org./",
      "https://Example.Org/%7Efoo",
    ];
    for (const url of hosts) expect(m(test, "url", url).length, url).toBe(1);
    for (const url of ["https://example.org.evil.test/", "https://notexample.org/", "mailto:a@example.org", "https://example.com/", "tel:+123"]) {
      expect(m(test, "url", url), url).toEqual([]);
    }
  });

  it("matches domain observables case-insensitively, ignoring the trailing dot", () => {
    expect(m(test, "domain", "Example.ORG.")[0].how).toBe("exact");
    expect(m(test, "domain", "a.b.c.example.org")[0].how).toBe("parent-domain");
    expect(m(test, "domain", "example.org")[0].message).toBe(
      'Found a known suspicious domain example.org matching indicator "example.org" from "TestMalware"',
    );
    expect(m(test, "domain", "xexample.org")).toEqual([]);
    expect(m(test, "domain", "org")).toEqual([]);
  });

  it("takes the most specific level and reports every collection at that level", () => {
    const s = setOf(ind("domains", "example.org", "A"), ind("domains", "b.example.org", "B"), ind("domains", "b.example.org", "C"));
    expect(m(s, "domain", "x.b.example.org").map((h) => [h.indicator.collection, h.how])).toEqual([
      ["B", "parent-domain"],
      ["C", "parent-domain"],
    ]);
    expect(m(s, "domain", "b.example.org").map((h) => h.how)).toEqual(["exact", "exact"]);
  });

  it("compares IDN hosts in punycode", () => {
    const s = setOf(ind("domains", "bücher.example"), ind("domains", "xn--mnchen-3ya.example"));
    expect(m(s, "domain", "xn--bcher-kva.example")[0]?.how).toBe("exact");
    expect(m(s, "url", "https://shop.BÜCHER.example/x")[0]?.how).toBe("parent-domain");
    expect(m(s, "url", "https://münchen.example/")[0]?.how).toBe("exact");
  });

  it("matches IP literals in URLs and domains against IP indicators", () => {
    const [hit] = m(test, "url", "http://198.51.100.1:8080/payload");
    expect(hit.how).toBe("ip");
    expect(hit.indicator.kind).toBe("ip_addresses");
    expect(hit.message).toBe('Found a known suspicious IP address http://198.51.100.1:8080/payload matching indicator "198.51.100.1" from "TestMalware"');
    expect(m(test, "domain", "198.51.100.1")[0]?.how).toBe("ip");
    expect(m(test, "ipv4", "198.51.100.1")).toHaveLength(1);
    expect(m(test, "ipv4", "198.51.100.10")).toEqual([]);
    // No parent-domain walk for addresses.
    expect(m(setOf(ind("domains", "100.1")), "domain", "198.51.100.1")).toEqual([]);

    const v6 = setOf(ind("ip_addresses", "2001:DB8:0:0::1"));
    expect(m(v6, "ipv6", "2001:db8::1")).toHaveLength(1);
    expect(m(v6, "url", "https://[2001:db8:0::1]:443/x")[0]?.how).toBe("ip");
    expect(m(v6, "domain", "[2001:db8::1]")).toHaveLength(1);
  });

  it("matches real Pegasus domains", () => {
    expect(m(pegasus, "url", "https://weather4free.com/index.html")[0].message).toBe(
      'Found a known suspicious domain https://weather4free.com/index.html matching indicator "weather4free.com" from "Pegasus"',
    );
    expect(m(pegasus, "url", "https://cdn.weather4free.com/")[0].how).toBe("parent-domain");
    expect(m(pegasus, "url", "https://www.apple.com/")).toEqual([]);
  });
});

describe("IndicatorSet: processes", () => {
  it("matches exactly by base name with MVT's message", () => {
    const [hit] = m(test, "process", "Launch");
    expect(hit.message).toBe('Found a known suspicious process name "Launch" matching indicators from "TestMalware"');
    expect(m(test, "process", "/usr/libexec/Launch")[0]?.how).toBe("exact");
    expect(m(test, "process", "launch")).toEqual([]);
    expect(m(test, "process", "Launchd")).toEqual([]);
    expect(m(pegasus, "process", "bh")[0]?.indicator.collection).toBe("Pegasus");
  });

  it("matches names iOS truncated to 15 or 16 characters", () => {
    // Pegasus' "CommsCenterRootHelper" (21 characters) as some logs show it.
    const sixteen = m(pegasus, "process", "CommsCenterRootH");
    expect(sixteen.map((h) => [h.indicator.value, h.how])).toEqual([["CommsCenterRootHelper", "truncated-process"]]);
    expect(sixteen[0].message).toBe('Found a truncated known suspicious process name "CommsCenterRootH" matching indicators from "Pegasus"');
    expect(m(pegasus, "process", "CommsCenterRoot")[0]?.indicator.value).toBe("CommsCenterRootHelper");
    // Shorter than 15: no prefix matching.
    expect(m(pegasus, "process", "CommsCenterRoo")).toEqual([]);
    // A prefix that diverges does not match.
    expect(m(pegasus, "process", "CommsCenterRootX")).toEqual([]);
    const s = setOf(ind("processes", "com.apple.Mappit.SnapshotService"));
    expect(m(s, "process", "com.apple.Mappit")[0]?.how).toBe("truncated-process");
    // Only 15 or 16 characters can be a truncated name (MVT: 16); a longer prefix is another process.
    expect(m(s, "process", "com.apple.Mappit.Snap")).toEqual([]);
    expect(m(s, "process", "com.apple.Mappi")[0]?.how).toBe("truncated-process");
    expect(m(s, "process", "com.apple.Mappit.SnapshotService")[0]?.how).toBe("exact");
  });
});

describe("IndicatorSet: files", () => {
  const files = setOf(
    ind("file_paths", "/private/var/tmp/x"),
    ind("file_paths", "/data/local/tmp/wd/"),
    ind("file_paths", "Library/Preferences/com.apple.photolibraryd.plist"),
    ind("file_names", "pl.core.lock"),
  );

  it("matches a path and anything below it, by whole components", () => {
    expect(m(files, "file_path", "/private/var/tmp/x")[0]?.how).toBe("exact");
    const [below] = m(files, "file_path", "/private/var/tmp/x/y");
    expect(below.how).toBe("path-prefix");
    expect(below.message).toBe('Found the file path "/private/var/tmp/x/y" inside the known suspicious path "/private/var/tmp/x" from "Test"');
    expect(m(files, "file_path", "/private/var/tmp/xy")).toEqual([]);
    expect(m(files, "file_path", "/private/var/tmp")).toEqual([]);
    expect(m(files, "file_path", "/private//var/tmp/x/")[0]?.how).toBe("exact");
    // Trailing slash on the indicator (a folder).
    expect(m(files, "file_path", "/data/local/tmp/wd")[0]?.how).toBe("exact");
    expect(m(files, "file_path", "/data/local/tmp/wd/fs.db")[0]?.how).toBe("path-prefix");
    expect(m(files, "file_path", "/data/local/tmp/wdx")).toEqual([]);
  });

  it("matches relative path indicators at component boundaries anywhere in the path", () => {
    expect(m(files, "file_path", "/private/var/mobile/Library/Preferences/com.apple.photolibraryd.plist")[0]?.how).toBe("exact");
    expect(m(files, "file_path", "Library/Preferences/com.apple.photolibraryd.plist")[0]?.how).toBe("exact");
    expect(m(files, "file_path", "/x/MyLibrary/Preferences/com.apple.photolibraryd.plist")).toEqual([]);
    expect(m(files, "file_path", "/a/Library/Preferences/com.apple.photolibraryd.plist/inner")[0]?.how).toBe("path-prefix");
    // An absolute and a relative indicator naming the same folder both match, deepest ancestor first.
    const both = setOf(ind("file_paths", "/var/db/stage"), ind("file_paths", "db/stage"), ind("file_paths", "/var"));
    expect(m(both, "file_path", "/var/db/stage/bin").map((x) => [x.indicator.value, x.how])).toEqual([
      ["/var/db/stage", "path-prefix"],
      ["db/stage", "path-prefix"],
    ]);
    expect(m(both, "file_path", "/var/db/other")[0]?.indicator.value).toBe("/var");
  });

  it("matches an observed path by its file name", () => {
    const [hit] = m(files, "file_path", "/private/var/mobile/tmp/pl.core.lock");
    expect(hit.how).toBe("file-name");
    expect(hit.message).toBe(
      'Found a known suspicious file name "pl.core.lock" in the path "/private/var/mobile/tmp/pl.core.lock" matching indicators from "Test"',
    );
    expect(m(files, "file_name", "pl.core.lock")[0].message).toBe('Found a known suspicious file name "pl.core.lock" matching indicators from "Test"');
    expect(m(files, "file_name", "pl.core.lock.bak")).toEqual([]);
  });

  it("treats a file name indicator that is a path as a path", () => {
    expect(m(test, "file_path", "/var/foobar/txt")[0]?.indicator.kind).toBe("file_names");
    expect(m(test, "file_name", "/var/foobar/txt")).toHaveLength(1);
    expect(m(test, "file_path", "/var/foobar/txt2")).toEqual([]);
  });

  it("matches hashes by algorithm, whatever the declared type", () => {
    const sha256 = "570CD76BF49CF52E0CB347A68BDCF0590B2EAECE134E1B1EBA7E8D66261BDBE6";
    expect(m(test, "sha256", sha256)[0]?.indicator.kind).toBe("files_sha256");
    expect(m(test, "md5", sha256)[0]?.indicator.kind).toBe("files_sha256");
    expect(m(test, "sha1", "da0611a300a9ce9aa7a09d1212f203fca5856794")[0].message).toBe(
      'Found a known suspicious file with hash "da0611a300a9ce9aa7a09d1212f203fca5856794" matching indicators from "TestMalware"',
    );
    expect(m(test, "sha256", "da0611a300a9ce9aa7a09d1212f203fca5856794")).toHaveLength(1);
    expect(m(test, "sha1", "da0611a300a9ce9aa7a09d1212f203fca5856795")).toEqual([]);
  });
});

describe("IndicatorSet: other kinds", () => {
  it("matches emails, app ids, certificates, profiles and properties case-insensitively", () => {
    expect(m(test, "email", "FooBar@Example.org")[0].message).toBe(
      'Found a known suspicious email address "FooBar@Example.org" matching indicators from "TestMalware"',
    );
    expect(m(test, "android_property", "SYS.FOOBAR")[0].message).toBe(
      'Found a known suspicious Android property "SYS.FOOBAR" matching indicators from "TestMalware"',
    );
    const s = setOf(
      ind("app_ids", "com.Fintur.Support"),
      ind("app_cert_hashes", "35926e966186c8f2deec66864389d73989c75c85cb6668da2f455db6fe67e91f"),
      ind("ios_profile_ids", "76DAB334-7E17-475D-A5D6-0794EB5818A5"),
    );
    expect(m(s, "app_id", "com.fintur.support")[0].message).toBe('Found a known suspicious app with ID "com.fintur.support" matching indicators from "Test"');
    // Fingerprint notation (AB:CD:…) is accepted too.
    const fingerprint = "35926e966186c8f2deec66864389d73989c75c85cb6668da2f455db6fe67e91f".toUpperCase().match(/../g)!.join(":");
    expect(m(s, "app_cert", fingerprint)).toHaveLength(1);
    expect(m(s, "profile_id", "76dab334-7e17-475d-a5d6-0794eb5818a5")[0].how).toBe("exact");
    expect(m(s, "app_id", "com.fintur")).toEqual([]);
  });

  it("ignores empty and malformed observables", () => {
    expect(m(test, "url", "")).toEqual([]);
    expect(m(test, "domain", "   ")).toEqual([]);
    expect(test.match({ type: "url", value: undefined as unknown as string })).toEqual([]);
    expect(test.match({ type: "nonsense" as Observable["type"], value: "x" })).toEqual([]);
    expect(m(test, "url", "http://[::1")).toEqual([]);
  });
});

describe("IndicatorSet: bookkeeping", () => {
  it("deduplicates identical indicators and counts per collection", () => {
    const s = setOf(ind("domains", "example.org"), ind("domains", "EXAMPLE.org."), ind("domains", "example.org", "Other"));
    expect(s.size).toBe(2);
    expect(m(s, "domain", "example.org").map((h) => h.indicator.collection)).toEqual(["Test", "Other"]);
    expect(s.collections()).toEqual([
      { name: "Test", sourceFile: "hand.stix2", total: 1, counts: { domains: 1 } },
      { name: "Other", sourceFile: "hand.stix2", total: 1, counts: { domains: 1 } },
    ]);
  });

  it("loads several bundles and dedupes across files of the same collection", () => {
    const both = IndicatorSet.fromBundles([
      bundle(IOCS, "amnesty/2021-12-16_cytrox/cytrox.stix2"),
      bundle(IOCS, "mvt-indicators/intellexa_predator/predator.stix2"),
    ]);
    // predator.stix2 repeats most of cytrox.stix2; only the new values count.
    expect(both.size).toBe(343 + 242);
    expect(both.collections().map((c) => [c.name, c.sourceFile, c.total])).toEqual([
      ["Predator", "cytrox.stix2", 343],
      ["Predator", "predator.stix2", 242],
    ]);
  });

  it("reads STIX2 text and reports invalid JSON as a warning", () => {
    const text = readFileSync(STIX_FIXTURES + "test_indicators.stix2", "utf8");
    expect(IndicatorSet.fromStix2(text, "test_indicators.stix2").size).toBe(9);
    const bad = IndicatorSet.fromStix2("{ not json", "broken.stix2");
    expect(bad.size).toBe(0);
    expect(bad.warnings[0]).toMatch(/^broken\.stix2: invalid JSON/);
  });

  it("warns about a domain indicator that is not a bare host and matches its host", () => {
    const s = IndicatorSet.fromBundles([bundle(IOCS, "mvt-indicators/2026-03-03_coruna_cryptowaters/coruna.stix2")]);
    expect(s.warnings).toEqual(['coruna.stix2: domain indicator "fgr1w2gnsdvsb.xyz/x" is not a bare host; matched by its host fgr1w2gnsdvsb.xyz']);
    expect(m(s, "url", "https://fgr1w2gnsdvsb.xyz/x")[0].indicator.value).toBe("fgr1w2gnsdvsb.xyz/x");
  });

  it("exposes the indicators it holds", () => {
    expect(test.indicators("processes").map((i) => i.value)).toEqual(["Launch"]);
    expect(test.indicators()).toHaveLength(9);
    expect(test.size).toBe(9);
  });
});
