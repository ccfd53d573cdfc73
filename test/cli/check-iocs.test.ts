// check-iocs re-matches an earlier output folder — ours (one record per line) or MVT's (indented) — against
// new indicators and writes the detections.

import { mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCheckBackup } from "../../src/node/check-backup.js";
import { runCheckIocs } from "../../src/node/check-iocs.js";
import { EXPECTED_IOS, IOS_BACKUP, TEST_STIX } from "../helpers/scan.js";
import { hashTree } from "../helpers/hash.js";

const readJson = (p: string) => JSON.parse(readFileSync(p, "utf8"));

/** A STIX bundle with one indicator that matches nothing in the fixture. */
function unrelatedBundle(dir: string): string {
  const file = path.join(dir, "unrelated.stix2");
  writeFileSync(
    file,
    JSON.stringify({
      type: "bundle",
      id: "bundle--00000000-0000-4000-8000-000000000000",
      objects: [
        { type: "malware", id: "malware--00000000-0000-4000-8000-000000000001", name: "Unrelated", is_family: false },
        {
          type: "indicator",
          id: "indicator--00000000-0000-4000-8000-000000000002",
          pattern: "[domain-name:value='nothing-here.invalid']",
          pattern_type: "stix",
        },
        {
          type: "relationship",
          id: "relationship--00000000-0000-4000-8000-000000000003",
          relationship_type: "indicates",
          source_ref: "indicator--00000000-0000-4000-8000-000000000002",
          target_ref: "malware--00000000-0000-4000-8000-000000000001",
        },
      ],
    }),
  );
  return file;
}

describe("check-iocs", () => {
  it("finds with new indicators what an earlier scan with old indicators did not", async () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), "spyscope-recheck-"));
    const first = await runCheckBackup({ target: IOS_BACKUP, output: path.join(tmp, "scan"), iocs: [unrelatedBundle(tmp)] });
    expect(first.summary.counts.critical).toBe(0);
    const before = hashTree(path.join(tmp, "scan"));
    const again = await runCheckIocs({ dir: path.join(tmp, "scan"), iocs: [TEST_STIX] });
    expect(again.summary.counts.critical).toBeGreaterThanOrEqual(3);
    expect(again.exitCode).toBe(1);
    const alerts = readJson(path.join(again.outputDir!, "alerts.json"));
    const modules = alerts.map((a: any) => a.module).sort();
    expect(modules).toEqual(expect.arrayContaining(["sms", "tcc", "whatsapp"]));
    const sms = alerts.find((a: any) => a.module === "sms");
    expect(sms.matched_indicator).toEqual({ value: "example.org", type: "domains", name: "TestMalware", stix2_file_name: "test_indicators.stix2" });
    expect(existsSync(path.join(again.outputDir!, "sms_detected.json"))).toBe(true);
    // The earlier results are not changed; the new ones go to a sub-folder, a second re-check to another.
    const after = hashTree(path.join(tmp, "scan"));
    for (const [f, h] of before) expect(after.get(f), f).toBe(h);
    const third = await runCheckIocs({ dir: path.join(tmp, "scan"), iocs: [TEST_STIX] });
    expect(third.outputDir).toBe(path.join(tmp, "scan", "check-iocs-2"));
    expect(readJson(path.join(third.outputDir!, "alerts.json"))).toEqual(alerts);
    await expect(runCheckIocs({ dir: path.join(tmp, "scan"), iocs: [TEST_STIX], output: third.outputDir! })).rejects.toThrow(/already holds files/);
    await expect(runCheckIocs({ dir: path.join(tmp, "scan"), iocs: [TEST_STIX], output: path.join(tmp, "scan") })).rejects.toThrow(/is the folder being re-checked/);
  });

  it("reads MVT's own indented output folder", async () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), "spyscope-recheck-mvt-"));
    const before = hashTree(EXPECTED_IOS);
    const r = await runCheckIocs({ dir: EXPECTED_IOS, iocs: [TEST_STIX], output: tmp });
    expect(r.outputDir).toBe(tmp);
    // MVT's folder (a test input) gains nothing and changes nothing.
    expect(hashTree(EXPECTED_IOS)).toEqual(before);
    const alerts = readJson(path.join(tmp, "alerts.json"));
    expect(alerts.filter((a: any) => a.level === "CRITICAL").map((a: any) => a.module).sort()).toEqual(
      expect.arrayContaining(["sms", "tcc", "whatsapp"]),
    );
    expect(r.summary.coverage.find((c) => c.module === "manifest")!.records).toBe(3721);
  });

  it("refuses a folder that holds no module's records, or a file, instead of reporting nothing found", async () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), "spyscope-recheck-empty-"));
    writeFileSync(path.join(empty, "notes.txt"), "not results\n");
    await expect(runCheckIocs({ dir: empty, iocs: [TEST_STIX] })).rejects.toThrow(/is not a results folder: it holds no <module>.json/);
    expect(existsSync(path.join(empty, "check-iocs"))).toBe(false);
    await expect(runCheckIocs({ dir: path.join(empty, "notes.txt"), iocs: [TEST_STIX] })).rejects.toThrow(/not a folder/);
  });
});
