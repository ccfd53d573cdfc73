// Intrusion logs (Android 16 Advanced Protection) on generated NDJSON in the exported format and on MVT's
// own test export lines: folders, zips, nested zips, rotated files that overlap, unknown types and tags,
// heuristics, indicator matches.

import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { describeSecurityEvent } from "../../../src/core/artifacts/android/intrusion/security-event.js";
import { SECURITY_TAGS } from "../../../src/core/artifacts/android/intrusion/security-tags.js";
import { isoFromEpochAny } from "../../../src/core/artifacts/android/intrusion/common.js";
import { canonicalJson, lines } from "../../../src/core/formats/intrusion-logs.js";
import { generateIntrusionLogs } from "../../../src/node/generate/intrusion-logs.js";
import { runCheckIntrusionLogs } from "../../../src/node/check-intrusion-logs.js";
import { runCheckIocs } from "../../../src/node/check-iocs.js";
import { hashTree } from "../../helpers/hash.js";
import { TEST_STIX } from "../../helpers/scan.js";

const tmp = () => mkdtempSync(path.join(os.tmpdir(), "spyscope-il-"));
const readJson = (p: string) => JSON.parse(readFileSync(p, "utf8"));
const coverage = (r: Awaited<ReturnType<typeof runCheckIntrusionLogs>>, id: string) => r.summary.coverage.find((c) => c.module === id)!;

/** The lines of MVT's test export (tests/artifacts/android_data/intrusion_logs/exported-events.txt), abridged. */
const MVT_EXPORT = [
  `{"dns_event":{"event_id":0,"event_time":1700000000000,"package_name":"com.example.app","hostname":"example.com","ip_addresses":["/192.0.2.1"],"ip_addresses_count":1}}`,
  `{"connect_event":{"event_id":1,"event_time":1700000000000,"package_name":"com.example.app","port":443,"ip_address":"/192.0.2.1"}}`,
  `{"security_event":{"event_id":2,"event_time":1700000000000000000,"adb_shell_cmd":{"command":"com.example.app"}}}`,
  `{"security_event":{"event_id":5,"event_time":1700000000000000000,"app_process_start":{"process":"com.example.app","start_time":1700000000000000000,"uid":10000,"pid":1234,"seinfo":"default","sha256":"example_hash"}}}`,
  `{"security_event":{"event_id":9,"event_time":1700000000000000000,"os_startup":{"boot_state":"green","verity_mode":"enforcing"}}}`,
  `{"security_event":{"event_id":12,"event_time":1700000000000000000,"key_imported":{"success":true,"key_id":"example_key","uid":10000}}}`,
  `{"security_event":{"event_id":17,"event_time":1700000000000000000,"package_installed":{"package_name":"com.example.app","version_code":1,"user_id":0}}}`,
].join("\n");

describe("intrusion logs", () => {
  it("reads MVT's export lines: records, UTC times from ms and ns, timeline sentences", async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, "exported-events.txt"), MVT_EXPORT + "\n");
    const out = path.join(tmp(), "out");
    const r = await runCheckIntrusionLogs({ target: dir, output: out });
    expect(r.summary.coverage.map((c) => [c.module, c.status, c.records])).toEqual([
      ["dns_event", "ran", 1],
      ["connect_event", "ran", 1],
      ["security_event", "ran", 5],
    ]);
    expect(readJson(path.join(out, "dns_event.json"))[0]).toEqual({
      event_id: 0,
      event_time: 1700000000000,
      package_name: "com.example.app",
      hostname: "example.com",
      ip_addresses: ["/192.0.2.1"],
      ip_addresses_count: 1,
      timestamp: "2023-11-14 22:13:20.000000",
    });
    const sec = readJson(path.join(out, "security_event.json"));
    expect(sec.every((s: { timestamp: string }) => s.timestamp === "2023-11-14 22:13:20.000000")).toBe(true);
    const timeline = readFileSync(path.join(out, "timeline.csv"), "utf8");
    expect(timeline).toContain(`"2023-11-14 22:13:20.000000","DnsEvent","dns_query","DNS query for example.com by com.example.app [IPs: 192.0.2.1]"`);
    expect(timeline).toContain(`"ConnectEvent","network_connection","Connection to 192.0.2.1:443 by com.example.app"`);
    expect(timeline).toContain(`"SecurityEvent","os_startup","OS started (verified boot: green, dm-verity: enforcing)"`);
    expect(timeline).toContain(`"SecurityEvent","key_imported","Cryptographic key imported: example_key (uid 10000)"`);
    expect(timeline).toContain(`"SecurityEvent","package_installed","Package installed: com.example.app (version 1, user 0)"`);
    // "key_imported" (MVT's export) is the SecurityLog tag TAG_KEY_IMPORT: not reported as unknown.
    expect(coverage(r, "security_event").warnings).toEqual([]);
    expect(r.info.intrusion_logs).toMatchObject({ files: ["exported-events.txt"], event_types: { connect_event: 1, dns_event: 1, security_event: 5 } });
  });

  it("de-duplicates events repeated by overlapping rotated files; counts match what was written", async () => {
    const dir = tmp();
    const g = await generateIntrusionLogs({ dir, days: 4, eventsPerDay: 300, overlap: 25, seed: 9 });
    expect(g.duplicates).toBe(75);
    const before = hashTree(dir);
    const r = await runCheckIntrusionLogs({ target: dir });
    for (const [type, n] of Object.entries(g.unique)) expect(coverage(r, type).records).toBe(n);
    expect(r.summary.records).toBe(1200);
    const dropped = (r.info.intrusion_logs as { duplicates_dropped: Record<string, number> }).duplicates_dropped;
    // The last 25 events of each of the first three days are repeated: 3 × (8 dns, 8 connect, 9 security).
    expect(dropped).toEqual({ dns_event: 24, connect_event: 24, security_event: 27 });
    expect(Object.values(dropped).reduce((a, b) => a + b, 0)).toBe(g.duplicates);
    expect(coverage(r, "dns_event").warnings).toEqual(["24 duplicate dns_event event(s) seen in more than one log file were counted once"]);
    expect(hashTree(dir)).toEqual(before);
  });

  it("reads a zip, and a zip inside a zip, the same as the folder", async () => {
    const flat = await generateIntrusionLogs({ dir: tmp(), days: 2, eventsPerDay: 90, overlap: 9, zip: "flat", seed: 2 });
    const nested = await generateIntrusionLogs({ dir: tmp(), days: 2, eventsPerDay: 90, overlap: 9, zip: "nested", seed: 2 });
    const folder = await generateIntrusionLogs({ dir: tmp(), days: 2, eventsPerDay: 90, overlap: 9, seed: 2 });
    const counts = async (target: string) => (await runCheckIntrusionLogs({ target })).summary.coverage.map((c) => c.records);
    expect(await counts(flat.target)).toEqual([60, 60, 60]);
    expect(await counts(nested.target)).toEqual([60, 60, 60]);
    expect(await counts(folder.target)).toEqual([60, 60, 60]);
    const r = await runCheckIntrusionLogs({ target: nested.target });
    expect((r.info.intrusion_logs as { files: string[] }).files).toEqual(nested.files);
    // Input hashes name the outer zip and the entries read inside the inner one.
    const inputs = Object.keys(r.info.input_files as object);
    expect(inputs).toContain("intrusion-logs/export.zip");
    expect(inputs).toContain(`intrusion-logs/export.zip::${nested.files[0].split("::")[1]}`);
  });

  it("every known SecurityLog tag becomes a record and a timeline event; unknown types and tags are warned once with counts", async () => {
    const dir = tmp();
    await generateIntrusionLogs({ dir, days: 1, eventsPerDay: 3 * 46 * 2, overlap: 0, unknownEvents: 3, seed: 4 });
    writeFileSync(
      path.join(dir, "extra.txt"),
      [
        `{"security_event":{"event_id":9001,"event_time":1700000000000000000,"future_google_event":{"field":"value"}}}`,
        `{"security_event":{"event_id":9002,"event_time":1700000000000000000,"future_google_event":{"field":"value2"}}}`,
        `not json at all`,
        `[1,2,3]`,
      ].join("\n"),
    );
    const out = path.join(tmp(), "out");
    const r = await runCheckIntrusionLogs({ target: dir, output: out });
    const sec = readJson(path.join(out, "security_event.json"));
    const tags = new Set(sec.map((s: Record<string, unknown>) => describeSecurityEvent(s).tag));
    for (const t of Object.keys(SECURITY_TAGS)) expect(tags.has(t)).toBe(true);
    expect(tags.has("future_google_event")).toBe(true);
    const warnings = r.summary.coverage.flatMap((c) => c.warnings);
    expect(warnings.filter((w) => w.startsWith("unknown intrusion-log event type"))).toEqual([
      "unknown intrusion-log event type(s), not read by any module: future_event (3)",
    ]);
    expect(warnings.filter((w) => w.includes("extra.txt"))).toEqual(["extra.txt: 2 line(s) are not JSON event objects and were skipped (first at line 3)"]);
    expect(coverage(r, "security_event").warnings).toContain("unknown security event tag(s), kept as records: future_google_event (2)");
    const timeline = readFileSync(path.join(out, "timeline.csv"), "utf8");
    expect(timeline).toContain(`"SecurityEvent","future_google_event","future_google_event (field: value)"`);
  });

  it("heuristics: certificate installed, key integrity, wipe failure, failed crypto self test — MEDIUM with an action", async () => {
    const dir = tmp();
    const t = "1700000000000000000";
    writeFileSync(
      path.join(dir, "events.txt"),
      [
        `{"security_event":{"event_id":1,"event_time":${t},"cert_authority_installed":{"success":true,"subject":"CN=Unexpected Root CA","user_id":0}}}`,
        `{"security_event":{"event_id":2,"event_time":${t},"cert_authority_installed":{"success":false,"subject":"CN=Refused"}}}`,
        `{"security_event":{"event_id":3,"event_time":${t},"key_integrity_violation":{"key_id":"k1","uid":10123}}}`,
        `{"security_event":{"event_id":4,"event_time":${t},"wipe_failure":{}}}`,
        `{"security_event":{"event_id":5,"event_time":${t},"crypto_self_test_completed":{"success":false}}}`,
        `{"security_event":{"event_id":6,"event_time":${t},"crypto_self_test_completed":{"success":true}}}`,
      ].join("\n"),
    );
    const r = await runCheckIntrusionLogs({ target: dir });
    expect(r.exitCode).toBe(0); // medium does not make the exit code 1
    expect(r.summary.detections.map((d) => [d.level, d.heuristic])).toEqual([
      ["medium", "intrusion.cert_authority_installed"],
      ["medium", "intrusion.key_integrity_violation"],
      ["medium", "intrusion.wipe_failure"],
      ["medium", "intrusion.crypto_self_test_failed"],
    ]);
    expect(r.summary.detections[0].message).toMatch(/^A certificate authority was installed in the trusted store on 2023-11-14 22:13:20.000000: CN=Unexpected Root CA\. .*Trusted credentials/);
    expect(r.summary.detections[1].message).toMatch(/key k1, uid 10123/);
    expect(r.summary.detections.every((d) => d.eventTime === "2023-11-14 22:13:20.000000")).toBe(true);
  });

  it("indicators: planted domains and IPs match; app ids and file paths are handed to the matcher", async () => {
    const dir = tmp();
    const g = await generateIntrusionLogs({ dir, days: 2, eventsPerDay: 30, overlap: 5, plantDomains: ["c2.example.org"], plantIps: ["198.51.100.1"], seed: 5 });
    expect(g.planted).toEqual({ domains: 2, ips: 2 });
    const out = path.join(tmp(), "out");
    const r = await runCheckIntrusionLogs({ target: dir, output: out, iocs: [TEST_STIX] });
    expect(r.exitCode).toBe(1);
    const alerts = readJson(path.join(out, "alerts.json"));
    expect(alerts.map((a: { module: string; matched_indicator: { value: string } }) => [a.module, a.matched_indicator.value])).toEqual([
      ["dns_event", "example.org"],
      ["dns_event", "example.org"],
      ["connect_event", "198.51.100.1"],
      ["connect_event", "198.51.100.1"],
    ]);
    // check-iocs re-reads the three files with the intrusion modules.
    const again = await runCheckIocs({ dir: out, iocs: [TEST_STIX] });
    expect(again.summary.counts.critical).toBe(4);
  });

  it("refuses targets without log files, and names broken nested zips", async () => {
    const empty = tmp();
    writeFileSync(path.join(empty, "photo.jpg"), "x");
    await expect(runCheckIntrusionLogs({ target: empty })).rejects.toThrow(/no intrusion log files/);
    const dir = tmp();
    writeFileSync(path.join(dir, "events.txt"), MVT_EXPORT);
    writeFileSync(path.join(dir, "broken.zip"), "PK\u0003\u0004 not really");
    mkdirSync(path.join(dir, "more"));
    writeFileSync(path.join(dir, "more", "bomb.zip"), zipSync({ "../../evil.txt": new TextEncoder().encode(MVT_EXPORT) }));
    const r = await runCheckIntrusionLogs({ target: dir });
    expect(r.summary.records).toBe(7); // the good file only
    const problems = (r.info.intrusion_logs as { problems: string[] }).problems;
    expect(problems.some((p) => p.startsWith("broken.zip:"))).toBe(true);
    expect(problems.some((p) => /evil\.txt/.test(p))).toBe(true);
    expect((r.info.coverage as { complete: boolean }).complete).toBe(false);
  });

  it("single pieces: time units, canonical JSON, bounded lines", async () => {
    expect(isoFromEpochAny(1700000000)).toBe("2023-11-14 22:13:20.000000");
    expect(isoFromEpochAny(1700000000123)).toBe("2023-11-14 22:13:20.123000");
    expect(isoFromEpochAny(1700000000123456)).toBe("2023-11-14 22:13:20.123456");
    expect(isoFromEpochAny(1700000000123456789)).toBe("2023-11-14 22:13:20.123457");
    expect(isoFromEpochAny(0)).toBeNull();
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] })).toBe(canonicalJson({ a: [{ c: 3, d: 2 }], b: 1 }));
    const enc = new TextEncoder();
    async function* src() {
      yield enc.encode("short\n" + "x".repeat(50));
      yield enc.encode("y".repeat(60) + "\nlast");
    }
    const got: [string | null, number][] = [];
    for await (const l of lines(src(), 100)) got.push(l);
    expect(got).toEqual([
      ["short", 1],
      [null, 2],
      ["last", 3],
    ]);
  });
});
