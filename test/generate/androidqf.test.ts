// The synthetic androidqf generator writes real-format collections that the androidqf modules read: every
// planted indicator is matched and every planted heuristic condition is flagged; a clean one flags nothing.

import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { scan } from "../../src/core/analysis/engine.js";
import { ANDROIDQF_MODULES } from "../../src/core/artifacts/android/androidqf/index.js";
import { AndroidQF } from "../../src/core/formats/androidqf.js";
import { IndicatorSet } from "../../src/core/indicators/index.js";
import type { Detection, RecordData } from "../../src/core/types.js";
import { DirectoryEvidence } from "../../src/node/evidence-dir.js";
import { generateAndroidqf, type AndroidqfPlantSet } from "../../src/node/generate/androidqf.js";
import { NodeSqliteOpener } from "../../src/node/sqlite.js";

const PLANT: AndroidqfPlantSet = {
  appIds: ["com.spyware.agent"],
  filePaths: ["/data/data/com.spyware.agent/files/payload.bin"],
  sha256: ["a".repeat(64)],
  certHashes: ["b".repeat(40)],
  processes: ["spyagentd"],
  properties: ["persist.spyware.flag"],
};

function stix(plant: AndroidqfPlantSet): IndicatorSet {
  const patterns = [
    ...plant.appIds.map((v) => `[app:id='${v}']`),
    ...plant.filePaths.map((v) => `[file:path='${v}']`),
    ...plant.sha256.map((v) => `[file:hashes.sha256='${v}']`),
    ...plant.certHashes.map((v) => `[app:cert.sha1='${v}']`),
    ...plant.processes.map((v) => `[process:name='${v}']`),
    ...plant.properties.map((v) => `[android-property:name='${v}']`),
  ];
  const objects: object[] = [{ type: "malware", id: "malware--00000000-0000-4000-8000-000000000001", name: "Planted", is_family: false }];
  patterns.forEach((pattern, i) => {
    const id = `indicator--00000000-0000-4000-8000-${String(i + 10).padStart(12, "0")}`;
    objects.push({ type: "indicator", id, pattern, pattern_type: "stix", valid_from: "2024-01-01T00:00:00Z" });
    objects.push({ type: "relationship", id: `relationship--00000000-0000-4000-8000-${String(i + 100).padStart(12, "0")}`, relationship_type: "indicates", source_ref: id, target_ref: "malware--00000000-0000-4000-8000-000000000001" });
  });
  return IndicatorSet.fromStix2(JSON.stringify({ type: "bundle", id: "bundle--00000000-0000-4000-8000-000000000000", objects }), "planted.stix2");
}

async function scanDir(dir: string, matcher: IndicatorSet | null) {
  const acquisition = await AndroidQF.open(await DirectoryEvidence.open(dir));
  const detections: Detection[] = [];
  const counts = new Map<string, number>();
  const files: RecordData[] = [];
  const sqlite = new NodeSqliteOpener();
  const summary = await scan({
    acquisition,
    modules: ANDROIDQF_MODULES,
    matcher,
    sqlite,
    sink: {
      record: (m, r) => {
        counts.set(m.id, (counts.get(m.id) ?? 0) + 1);
        if (m.id === "aqf_files" && files.length < 3) files.push(r);
      },
      detection: (d) => void detections.push(d),
    },
  });
  sqlite.dispose();
  return { detections, counts, files, summary };
}

describe("generateAndroidqf", () => {
  it("plants indicators and heuristic conditions that the modules find, in both files.json formats", async () => {
    for (const filesFormat of ["array", "ndjson"] as const) {
      const dir = mkdtempSync(path.join(os.tmpdir(), "spyscope-aqf-gen-"));
      try {
        const g = await generateAndroidqf({ dir, seed: 7, files: 3000, filesFormat, plant: PLANT });
        const r = await scanDir(dir, stix(PLANT));
        expect(r.counts.get("aqf_files")).toBe(g.files);
        expect(g.files).toBe(3000 + 3); // planted path + planted hash + /data/local/tmp/exploit
        expect(r.counts.get("aqf_packages")).toBe(g.packages);
        expect(r.counts.get("aqf_processes")).toBe(g.processes);
        expect(r.counts.get("aqf_log_timestamps")).toBe(3);
        expect(r.counts.get("mounts")).toBe(5);
        const critical = r.detections.filter((d) => d.level === "critical").map((d) => `${d.module} ${d.match!.indicator.kind} ${d.match!.indicator.value}`);
        expect(critical.sort()).toEqual(
          [
            "aqf_files files_sha256 " + "a".repeat(64),
            "aqf_files file_paths " + PLANT.filePaths[0],
            "aqf_get_prop android_property_names persist.spyware.flag",
            "aqf_packages app_cert_hashes " + "b".repeat(40),
            "aqf_packages app_ids com.spyware.agent",
            "aqf_packages files_sha256 " + "a".repeat(64),
            "aqf_processes processes spyagentd",
          ].sort(),
        );
        const heuristics = new Map<string, number>();
        for (const d of r.detections) if (d.heuristic) heuristics.set(d.module, (heuristics.get(d.module) ?? 0) + 1);
        expect(Object.fromEntries(heuristics)).toEqual(g.expectedHeuristics);
        // Berlin is UTC+1 in winter: the record shows device-local time and names the zone.
        const tmp = r.detections.find((d) => d.heuristic === "aqf_files.tmp_executable")!.record as RecordData;
        expect(tmp.timezone).toBe("Europe/Berlin");
        expect(r.detections.find((d) => d.heuristic === "aqf_get_prop.old_security_patch")!.message).toContain("when the acquisition was made (2023-11-14)");
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  it("is deterministic and flags nothing in a collection without planted conditions", async () => {
    const a = mkdtempSync(path.join(os.tmpdir(), "spyscope-aqf-gen-"));
    const b = mkdtempSync(path.join(os.tmpdir(), "spyscope-aqf-gen-"));
    try {
      await generateAndroidqf({ dir: a, seed: 3, files: 500, heuristics: false, overwrite: true });
      await generateAndroidqf({ dir: b, seed: 3, files: 500, heuristics: false, overwrite: true });
      for (const f of ["files.json", "packages.json", "ps.txt", "getprop.txt", "settings_global.txt"]) {
        expect(readFileSync(path.join(a, f)).equals(readFileSync(path.join(b, f))), f).toBe(true);
      }
      const r = await scanDir(a, null);
      expect(r.detections).toEqual([]);
      expect(r.counts.get("aqf_files")).toBe(500);
    } finally {
      rmSync(a, { recursive: true, force: true });
      rmSync(b, { recursive: true, force: true });
    }
  });
});
