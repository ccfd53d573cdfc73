// Exposure of the device a sysdiagnose came from: the iOS version and build in the newest crash report's header
// ("os_version": "iPhone OS 17.2.1 (21C66)"), checked against the curated table like a backup's Info.plist.
// The build in the sysdiagnose folder name is the state when the archive was taken; when it differs from the
// crash report's build the device was updated since, and the record says so.

import { artifact } from "../module.js";
import { assessExposure, type ExposureFacts } from "../../analysis/exposure.js";
import { exposureAnalyzer, exposureClaims, exposureRecords, type ExposureRecord } from "../exposure-records.js";
import { parseSysdiagnoseFolder, SysdiagnoseAcquisition } from "../../formats/sysdiagnose.js";
import { fileName, sysdiagnoseFiles, text } from "./files.js";
import { parseIps } from "./crash-logs.js";

/** "iPhone OS 17.2.1 (21C66)" / "iPadOS 17.1 (21B74)" → name, version, build. */
export function parseOsVersion(value: string): { name: string; version: string; build: string | null; device: string | null } | null {
  const m = /^(iPhone OS|iOS|iPadOS)\s+(\d+(?:\.\d+){0,3})\s*(?:\(([0-9]{2}[A-Z][0-9A-Za-z]*)\))?/.exec(value.trim());
  if (!m) return null;
  const device = m[1] === "iPhone OS" ? "iPhone" : m[1] === "iPadOS" ? "iPad" : null;
  return { name: m[1] === "iPadOS" ? "iPadOS" : "iOS", version: m[2], build: m[3] ?? null, device };
}

export const sysdiagnoseExposure = artifact<ExposureRecord>({
  id: "exposure",
  platform: "ios",
  timelineName: "Exposure",
  description: "iOS version (from the newest crash report) still open to spyware-exploited vulnerabilities, with the fix",
  sources: [{ pathLike: "crashes_and_spins/%.ips" }],
  async *records(ctx) {
    let newest: { time: string; os: NonNullable<ReturnType<typeof parseOsVersion>>; file: string } | null = null;
    for await (const { file, bytes } of sysdiagnoseFiles(ctx)) {
      let rec;
      try {
        rec = parseIps(text(bytes), fileName(file));
      } catch {
        continue; // the crash-log module reports unreadable reports as gaps
      }
      const os = rec.os_version ? parseOsVersion(rec.os_version) : null;
      if (!os) continue;
      const time = rec.isodate ?? "";
      if (!newest || time > newest.time) newest = { time, os, file: fileName(file) };
    }
    if (!newest) return;
    const acq = ctx.acquisition instanceof SysdiagnoseAcquisition ? ctx.acquisition : null;
    const folderFacts = acq?.folder ? parseSysdiagnoseFolder(acq.folder) : null;
    const folderBuild = folderFacts?.build ?? null;
    // "iPhone OS" in the report or the device in the folder name tells iPhone from iPad (iPadOS-only fixes).
    const model = newest.os.device ?? (folderFacts?.device?.startsWith("iP") ? folderFacts.device : null);
    const facts: ExposureFacts = {
      platform: "ios",
      os: { name: newest.os.name, version: newest.os.version, build: newest.os.build, model },
      apps: [],
      lockdownMode: null,
      sources: [newest.file],
    };
    for (const record of exposureRecords(assessExposure(facts))) {
      if (record.kind === "os") {
        if (folderBuild && newest.os.build && folderBuild !== newest.os.build) {
          record.note = [
            record.note,
            `Version read from the crash report of ${newest.time || "unknown date"} (build ${newest.os.build}); the sysdiagnose was taken on build ${folderBuild}, so the device was updated since: check its current version in Settings > General > About.`,
          ]
            .filter(Boolean)
            .join(" ");
        } else if (!record.note) {
          record.note = `Version read from the newest crash report (${newest.time || "unknown date"}).`;
        }
      }
      yield record;
    }
  },
  analyzer: exposureAnalyzer,
  claims: exposureClaims("ios"),
});
