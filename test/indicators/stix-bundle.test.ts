import { readFileSync } from "node:fs";
import { describe, it, expect } from "vitest";
import { canonicalObjectPath, kindForObjectPath, loadStixBundle } from "../../src/core/indicators/stix-bundle.js";

const IOCS = new URL("../../iocs/", import.meta.url).pathname;
const STIX_FIXTURES = new URL("../../../shared/data/fixtures/mvt/stix2/", import.meta.url).pathname;
const readJson = (p: string) => JSON.parse(readFileSync(p, "utf8"));

/** Every bundled file: indicators, collection name and per-kind counts as read from the files. */
const BUNDLED: [string, number, string, Record<string, number>][] = [
  ["amnesty/2021-07-18_nso/pegasus.stix2", 1549, "Pegasus", { domains: 1438, processes: 81, file_names: 1, emails: 29 }],
  ["amnesty/2021-12-16_cytrox/cytrox.stix2", 343, "Predator", { domains: 336, file_paths: 6, ios_profile_ids: 1 }],
  ["amnesty/2023-03-29_android_campaign/malware.stix2", 2187, "MercenarySpywareCampaign", { domains: 2183, file_paths: 1, android_property_names: 3 }],
  ["amnesty/2024-05-02_wintego_helios/wintego_helios.stix2", 175, "Wintego Helios", { domains: 175 }],
  ["amnesty/2024-12-16_serbia_novispy/novispy.stix2", 18, "NoviSpy", { domains: 7, app_ids: 4, app_cert_hashes: 3, files_sha256: 4 }],
  ["mvt-indicators/2022-06-23_rcs_lab/rcs.stix2", 40, "RCSLab", { domains: 26, files_sha256: 9, app_ids: 5 }],
  ["mvt-indicators/2023-04-11_quadream/kingspawn.stix2", 167, "KingSpawn", { domains: 164, file_paths: 2, processes: 1 }],
  ["mvt-indicators/2023-06_01_operation_triangulation/operation_triangulation.stix2", 112, "OperationTriangulation", { domains: 75, processes: 1, emails: 36 }],
  ["mvt-indicators/2023-07-25_wyrmspy_dragonegg/wyrmspy_dragonegg.stix2", 53, "WyrmSpy_DragonEgg", { domains: 7, ip_addresses: 5, files_sha256: 34, app_ids: 7 }],
  ["mvt-indicators/2024-12-25_eaglemsgspy/eaglemsgspy.stix2", 51, "EagleMsgSpy", { domains: 13, ip_addresses: 13, files_sha256: 25 }],
  ["mvt-indicators/2026-03-03_coruna_cryptowaters/coruna.stix2", 216, "Coruna", { domains: 177, files_sha256: 20, file_paths: 12, file_names: 7 }],
  ["mvt-indicators/2026-03-30_darksword/darksword.stix2", 43, "DarkSword", { domains: 10, ip_addresses: 3, files_sha256: 1, file_paths: 22, file_names: 7 }],
  ["mvt-indicators/ResidentBat/residentbat.stix2", 48, "ResidentBat", { ip_addresses: 24, app_ids: 8, app_cert_hashes: 8, files_sha256: 8 }],
  ["mvt-indicators/candiru/candiru.stix2", 125, "Candiru", { domains: 125 }],
  ["mvt-indicators/cellebrite/cellebrite.stix2", 1, "Cellebrite", { app_ids: 1 }],
  ["mvt-indicators/intellexa_predator/predator.stix2", 585, "Predator", { domains: 569, file_paths: 15, ios_profile_ids: 1 }],
];

function countByKind(indicators: { kind: string }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of indicators) out[i.kind] = (out[i.kind] ?? 0) + 1;
  return out;
}

describe("STIX bundle loading", () => {
  it.each(BUNDLED)("loads %s completely", (file, total, collection, counts) => {
    const loaded = loadStixBundle(readJson(IOCS + file), IOCS + file);
    expect(loaded.error).toBeNull();
    expect(loaded.indicatorObjects).toBe(total);
    expect(loaded.indicators).toHaveLength(total);
    expect(loaded.collections).toEqual([collection]);
    expect(countByKind(loaded.indicators)).toEqual(counts);
    expect(loaded.sourceFile).toBe(file.split("/").pop());
    expect(loaded.indicators.every((i) => i.id.startsWith("indicator--"))).toBe(true);
  });

  it("names pegasus.stix2 indicators after its malware object and keeps real values", () => {
    const loaded = loadStixBundle(readJson(IOCS + "amnesty/2021-07-18_nso/pegasus.stix2"), "pegasus.stix2");
    const first = loaded.indicators[0];
    expect(first).toEqual({
      value: "weather4free.com",
      kind: "domains",
      collection: "Pegasus",
      sourceFile: "pegasus.stix2",
      id: "indicator--05b7c427-1452-437e-a19e-32590edf60c3",
    });
    // Process names keep their case (matched exactly, as MVT does).
    expect(loaded.indicators.filter((i) => i.kind === "processes").map((i) => i.value)).toContain("CommsCenterRootHelper");
  });

  it("maps both hash spellings and every supported key", () => {
    const loaded = loadStixBundle(readJson(STIX_FIXTURES + "test_indicators.stix2"), "test_indicators.stix2");
    expect(loaded.collections).toEqual(["TestMalware"]);
    expect(loaded.indicators.map((i) => [i.kind, i.value])).toEqual([
      ["domains", "example.org"],
      ["ip_addresses", "198.51.100.1"],
      ["processes", "Launch"],
      ["file_names", "/var/foobar/txt"],
      ["emails", "foobar@example.org"],
      ["android_property_names", "sys.foobar"],
      ["files_sha256", "570cd76bf49cf52e0cb347a68bdcf0590b2eaece134e1b1eba7e8d66261bdbe6"],
      ["files_sha1", "da0611a300a9ce9aa7a09d1212f203fca5856794"],
      ["urls", "http://example.com/thisisbad"],
    ]);
    const keys: [string, string[], string][] = [
      ["file", ["hashes", "SHA-256"], "files_sha256"],
      ["file", ["hashes", "sha256"], "files_sha256"],
      ["file", ["hashes", "SHA-1"], "files_sha1"],
      ["file", ["hashes", "MD5"], "files_md5"],
      ["app", ["cert", "SHA-256"], "app_cert_hashes"],
      ["app", ["cert", "md5"], "app_cert_hashes"],
      ["ipv6-addr", ["value"], "ip_addresses"],
      ["configuration-profile", ["id"], "ios_profile_ids"],
    ];
    for (const [type, props, kind] of keys) expect(kindForObjectPath(canonicalObjectPath(type, props))).toBe(kind);
    expect(kindForObjectPath("x509-certificate:hashes.sha256")).toBeNull();
    expect(kindForObjectPath("constructor")).toBeNull();
  });

  it("names a bundle without relationships after its single report (threat-actor present)", () => {
    const loaded = loadStixBundle(readJson(STIX_FIXTURES + "638cd3ee5e5f019f84f9e0ea.json"), "638cd3ee5e5f019f84f9e0ea.json");
    expect(loaded.indicators).toHaveLength(69);
    expect(loaded.collections).toEqual([
      "Pegasus Forensic Traces per Target Identified in the Aftermath of the Pegasus Project Revelations - Amnesty International",
    ]);
    expect(countByKind(loaded.indicators)).toEqual({ urls: 54, domains: 15 });
  });

  it("uses relationships, then the single malware, then the file name", () => {
    const ind = (id: string, pattern: string) => ({ type: "indicator", id, pattern, pattern_type: "stix" });
    const bundle = {
      type: "bundle",
      objects: [
        { type: "malware", id: "malware--1", name: "Alpha" },
        { type: "malware", id: "malware--2", name: "Beta" },
        { type: "campaign", id: "campaign--1", name: "Campaign C" },
        ind("indicator--1", "[domain-name:value='one.example']"),
        ind("indicator--2", "[domain-name:value='two.example']"),
        ind("indicator--3", "[domain-name:value='three.example']"),
        { type: "relationship", relationship_type: "indicates", source_ref: "indicator--1", target_ref: "malware--2" },
        // Linked to a campaign and a malware: the malware names it.
        { type: "relationship", relationship_type: "indicates", source_ref: "indicator--2", target_ref: "campaign--1" },
        { type: "relationship", relationship_type: "indicates", source_ref: "indicator--2", target_ref: "malware--1" },
      ],
    };
    const loaded = loadStixBundle(bundle, "/some/where/feed.stix2");
    expect(loaded.indicators.map((i) => [i.value, i.collection])).toEqual([
      ["one.example", "Beta"],
      ["two.example", "Alpha"],
      // Two malware objects and no relationship: the file name.
      ["three.example", "feed.stix2"],
    ]);
    const single = loadStixBundle({ type: "bundle", objects: [{ type: "malware", id: "m", name: "Solo" }, ind("i", "[process:name='x']")] }, "f.json");
    expect(single.collections).toEqual(["Solo"]);
  });

  it("warns once per unknown key with a count and never throws", () => {
    const objects: unknown[] = [
      { type: "malware", id: "malware--1", name: "M" },
      { type: "indicator", id: "indicator--a", pattern: "[x509-certificate:hashes.sha256 = 'aa']", pattern_type: "stix" },
      { type: "indicator", id: "indicator--b", pattern: "[x509-certificate:hashes.'SHA-256' = 'bb']", pattern_type: "stix" },
      { type: "indicator", id: "indicator--c", pattern: "[mutex:name = 'm']", pattern_type: "stix" },
      { type: "indicator", id: "indicator--d", pattern: "[domain-name:value = 'ok.example'", pattern_type: "stix" },
      { type: "indicator", id: "indicator--e", pattern: "rule x { condition: true }", pattern_type: "yara" },
      { type: "indicator", id: "indicator--f", pattern: "[domain-name:value = 'gone.example']", revoked: true },
      { type: "indicator", id: "indicator--g" },
      { type: "indicator", id: "indicator--h", pattern: "[domain-name:value = 'EXAMPLE.net.'] OR [domain-name:value='example.net']" },
      null,
      "junk",
    ];
    const loaded = loadStixBundle({ type: "bundle", objects }, "mixed.stix2");
    expect(loaded.indicators.map((i) => i.value)).toEqual(["example.net"]);
    expect(loaded.indicatorObjects).toBe(8);
    const w = loaded.warnings.join("\n");
    expect(w).toContain('mixed.stix2: 2 indicators with unsupported key "x509-certificate:hashes.sha256" skipped');
    expect(w).toContain('mixed.stix2: 1 indicator with unsupported key "mutex:name" skipped');
    expect(w).toMatch(/mixed.stix2: 2 indicators with an unparsable pattern skipped \(e\.g\. indicator--d: expected "\]"/);
    expect(w).toContain('pattern_type "yara" skipped');
    expect(w).toContain("1 indicator revoked, skipped");
  });

  it("reports input that is not a bundle", () => {
    for (const bad of [null, 3, "x", [], {}, { type: "bundle", objects: {} }]) {
      const loaded = loadStixBundle(bad, "bad.json");
      expect(loaded.error).toBeTruthy();
      expect(loaded.indicators).toEqual([]);
      expect(loaded.warnings[0]).toMatch(/^bad\.json: not a STIX bundle/);
    }
    const noType = loadStixBundle({ objects: [] }, "untyped.json");
    expect(noType.error).toBeNull();
    expect(noType.warnings[0]).toMatch(/not "bundle"/);
  });
});
