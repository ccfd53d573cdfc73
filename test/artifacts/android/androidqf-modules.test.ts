// androidqf modules on MVT's androidqf fixture folder, compared with MVT's own JSON output.

import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { scan, type ModuleCoverage } from "../../../src/core/analysis/engine.js";
import { ANDROIDQF_MODULES } from "../../../src/core/artifacts/android/androidqf/index.js";
import { AndroidQF } from "../../../src/core/formats/androidqf.js";
import type { Detection, RecordData, TimelineEvent } from "../../../src/core/types.js";
import { DirectoryEvidence } from "../../../src/node/evidence-dir.js";
import { NodeSqliteOpener } from "../../../src/node/sqlite.js";
import { asJson, FIXTURES } from "../../helpers/scan.js";

const AQF = FIXTURES + "mvt/androidqf";
const EXPECTED = FIXTURES + "mvt/expected-mvt/androidqf";
const expected = (name: string) => JSON.parse(readFileSync(`${EXPECTED}/${name}.json`, "utf8"));

async function scanFolder(dir: string) {
  const acquisition = await AndroidQF.open(await DirectoryEvidence.open(dir));
  const records = new Map<string, RecordData[]>();
  const detections: Detection[] = [];
  const timeline: TimelineEvent[] = [];
  const coverage = new Map<string, ModuleCoverage>();
  const sqlite = new NodeSqliteOpener();
  await scan({
    acquisition,
    modules: ANDROIDQF_MODULES,
    matcher: null,
    sqlite,
    sink: {
      record: (m, r) => void records.set(m.id, [...(records.get(m.id) ?? []), r]),
      detection: (d) => void detections.push(d),
      timeline: (e) => void timeline.push(e),
      endModule: (_m, c) => void coverage.set(c.module, c),
    },
  });
  sqlite.dispose();
  return { records, detections, timeline, coverage };
}

describe("androidqf modules on the MVT fixture", () => {
  it("reads every artifact as MVT does", async () => {
    const r = await scanFolder(AQF);
    // Written through our JSON writer: certificate serial numbers beyond 2^53 stay exact (BigInt).
    expect(await asJson(r.records.get("aqf_packages"))).toEqual(expected("aqf_packages"));
    const serial = (r.records.get("aqf_packages")![5].files as any)[0].certificate.SerialNumber;
    expect(serial).toBe(955466096586930338769951715633687128507538251257n);
    expect(r.records.get("aqf_processes")).toEqual(expected("aqf_processes"));
    expect(r.records.get("aqf_get_prop")).toEqual(expected("aqf_get_prop"));
    expect(r.records.get("aqf_files")).toEqual(expected("aqf_files"));
    expect(r.records.get("root_binaries")).toEqual(expected("root_binaries"));
    const settings = expected("aqf_settings").random as Record<string, string>;
    expect(r.records.get("aqf_settings")).toEqual(Object.entries(settings).map(([key, value]) => ({ namespace: "random", key, value })));
    expect(r.coverage.get("mounts")?.status).toBe("skipped");
    expect(r.coverage.get("aqf_log_timestamps")?.status).toBe("skipped");
    const levels = r.detections.map((d) => `${d.level} ${d.module}`).sort();
    expect(levels).toEqual([
      "high root_binaries", "high root_binaries", "high root_binaries", "high root_binaries",
      "info aqf_packages",
      "medium aqf_packages", "medium aqf_packages", "medium aqf_packages", "medium aqf_packages",
      "medium aqf_settings",
    ]);
    const files = r.timeline.filter((e) => e.module === "AQFFiles").map((e) => [e.timestamp, e.event, e.data]);
    expect(files).toContainEqual(["2019-02-14 14:47:52.000000", "--C-", "/sdcard/.profig.os (u:object_r:sdcardfs:s0)"]);
    expect(files).toContainEqual(["2020-06-25 18:25:32.000000", "MA--", "/sdcard/.profig.os (u:object_r:sdcardfs:s0)"]);
    expect(files).toHaveLength(6);
  });

  it("shows files.json times in the phone's zone and puts the timeline on UTC, across DST", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "spyscope-aqf-tz-"));
    try {
      writeFileSync(path.join(dir, "getprop.txt"), "[persist.sys.timezone]: [Europe/Berlin]\n");
      // 2024-03-31 00:30 UTC (winter, +1) / 2024-03-31 01:30 UTC (summer, +2) / 2024-07-01 12:00 UTC (+2).
      const entry = { path: "/sdcard/a", mode: "-rw-------", context: "", changed_time: 1711845000, modified_time: 1711848600, access_time: 1719835200, sha256: "" };
      writeFileSync(path.join(dir, "files.json"), JSON.stringify(entry) + "\n");
      const r = await scanFolder(dir);
      const rec = r.records.get("aqf_files")![0];
      expect([rec.changed_time, rec.modified_time, rec.access_time, rec.timezone]).toEqual([
        "2024-03-31 01:30:00.000000",
        "2024-03-31 03:30:00.000000",
        "2024-07-01 14:00:00.000000",
        "Europe/Berlin",
      ]);
      const tl = r.timeline.filter((e) => e.module === "AQFFiles").map((e) => `${e.timestamp} ${e.event}`);
      expect(tl).toEqual(["2024-07-01 12:00:00.000000 -A--", "2024-03-31 00:30:00.000000 --C-", "2024-03-31 01:30:00.000000 M---"]);
      // Read back from the written JSON (no instants attached), the zone puts the times back on UTC.
      const { fileTimeline } = await import("../../../src/core/artifacts/android/androidqf/files.js");
      const again = fileTimeline(JSON.parse(JSON.stringify(rec))).map((e) => `${e.timestamp} ${e.event}`);
      expect(again).toEqual(tl);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("notes an unknown time zone (times then shown as UTC) without marking anything unread", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "spyscope-aqf-tz-"));
    try {
      writeFileSync(path.join(dir, "getprop.txt"), "[persist.sys.timezone]: [Mars/Olympus_Mons]\n");
      writeFileSync(path.join(dir, "files.json"), '[{"path":"/a","changed_time":0,"modified_time":0,"access_time":0}]');
      const qf = await AndroidQF.open(await DirectoryEvidence.open(dir));
      expect((await qf.deviceClock()).timezone).toBeNull();
      expect(qf.notes).toEqual(['unknown time zone "Mars/Olympus_Mons" in persist.sys.timezone: local times shown as UTC']);
      expect(qf.problems).toEqual([]);
      const r = await scanFolder(dir);
      expect(r.records.get("aqf_files")).toEqual([{ path: "/a", changed_time: "1970-01-01 00:00:00.000000", modified_time: "1970-01-01 00:00:00.000000", access_time: "1970-01-01 00:00:00.000000" }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
