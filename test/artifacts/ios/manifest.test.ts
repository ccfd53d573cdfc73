import path from "node:path";
import Database from "better-sqlite3";
import { describe, it, expect } from "vitest";
import { manifest, domainsInPath, type ManifestEntry } from "../../../src/core/artifacts/ios/manifest.js";
import { IndicatorSet } from "../../../src/core/indicators/indicator-set.js";
import { toJson } from "../../../src/core/report/json.js";
import { plantedBundle } from "../../helpers/indicators-comms.js";
import { makeMBFile } from "../../../src/core/formats/bplist-writer.js";
import { asJson, expectedMvt, IOS_BACKUP, scanBackup, scanBackupLean } from "../../helpers/scan.js";
import { expectedTimelineRows, timelineRows } from "../../helpers/backup-comms.js";
import { fileId, makeBackup, observablesOf, tempBackupDir } from "../../helpers/backup.js";

/** A backup whose Manifest.db lists `entries` (blob null = no metadata). */
function backupWith(entries: { domain: string; rel: string; flags: number; blob: Uint8Array | null }[]): string {
  const dir = tempBackupDir();
  makeBackup(dir, []);
  const db = new Database(path.join(dir, "Manifest.db"));
  const ins = db.prepare("INSERT INTO Files VALUES (?, ?, ?, ?, ?)");
  for (const e of entries) ins.run(fileId(e.domain, e.rel), e.domain, e.rel, e.flags, e.blob);
  db.close();
  return dir;
}

describe("manifest (Manifest.db)", () => {
  it("yields MVT's 3,721 records on the fixture, every flag, same fields and values", async () => {
    const r = await scanBackup(IOS_BACKUP, [manifest]);
    const recs = r.records.get("manifest")!;
    expect(recs).toHaveLength(3721);
    expect(new Set(recs.map((x) => x.flags))).toEqual(new Set([1, 2, 4]));
    expect(await asJson(recs)).toEqual(await expectedMvt("manifest"));
    expect(recs[0].mode).toBe("0o40755");
  });

  it("writes MVT's 5,881 MACB timeline rows", async () => {
    const r = await scanBackup(IOS_BACKUP, [manifest]);
    const rows = timelineRows(r.timeline, "Manifest");
    expect(rows).toHaveLength(5881);
    expect(rows).toEqual(await expectedTimelineRows("Manifest"));
  });

  it("gives M--B / --C- style events and file_path + domain observables from a WebKit localstorage name", async () => {
    const rel = "Library/WebKit/WebsiteData/LocalStorage/https_evil.example_0.localstorage";
    const dir = backupWith([
      { domain: "AppDomain-com.example", rel, flags: 1, blob: makeMBFile({ relativePath: rel, mode: 0o100644, size: 8192, lastModified: 1_600_000_100, lastStatusChange: 1_600_000_200, birth: 1_600_000_100 }) },
    ]);
    const r = await scanBackup(dir, [manifest]);
    const rec = r.records.get("manifest")!.find((x) => x.relative_path === rel)!;
    expect(rec).toEqual({
      file_id: fileId("AppDomain-com.example", rel),
      domain: "AppDomain-com.example",
      relative_path: rel,
      flags: 1,
      created: "2020-09-13 12:28:20.000000",
      modified: "2020-09-13 12:28:20.000000",
      status_changed: "2020-09-13 12:30:00.000000",
      mode: "0o100644",
      owner: 501,
      size: 8192,
    });
    expect(timelineRows(r.timeline, "Manifest").filter((x) => x.includes("localstorage"))).toEqual([
      `2020-09-13 12:28:20.000000|Manifest|M--B|${rel} - AppDomain-com.example`,
      `2020-09-13 12:30:00.000000|Manifest|--C-|${rel} - AppDomain-com.example`,
    ]);
    expect(observablesOf(manifest, [rec])).toEqual([`file_path:/${rel}`, "domain:evil.example"]);
    expect(manifest.time!(rec as any)).toBe("2020-09-13 12:28:20.000000");
  });

  it("only takes host-looking parts of a path as domains", () => {
    expect(domainsInPath("Library/Caches/https_www.evil.example.com_0.localstorage")).toEqual(["www.evil.example.com"]);
    expect(domainsInPath("Library/Preferences/com.apple.foo.plist")).toEqual([]);
    expect(domainsInPath("Media/DCIM/100APPLE/IMG_0001.JPG")).toEqual([]);
    expect(domainsInPath("Documents/no_dots_here")).toEqual([]);
  });

  it("keeps entries with a missing or garbage blob (created '' and no times, as MVT) and warns", async () => {
    const dir = backupWith([
      { domain: "HomeDomain", rel: "Library/a", flags: 1, blob: null },
      { domain: "HomeDomain", rel: "Library/b", flags: 1, blob: new Uint8Array([1, 2, 3]) },
    ]);
    const r = await scanBackup(dir, [manifest]);
    const recs = r.records.get("manifest")!.filter((x) => String(x.relative_path).startsWith("Library/"));
    expect(recs.map((x) => Object.keys(x))).toEqual([
      ["file_id", "domain", "relative_path", "flags", "created"],
      ["file_id", "domain", "relative_path", "flags", "created"],
    ]);
    expect(r.coverage.get("manifest")!.warnings[0]).toMatch(/1 Manifest.db entries have an unreadable metadata blob/);
    expect(r.timeline.filter((e) => e.module === "Manifest")).toEqual([]);
  });

  it("fails clearly (without crashing the scan) when Manifest.db is not a database", async () => {
    const dir = tempBackupDir();
    makeBackup(dir, []);
    const { writeFileSync } = await import("node:fs");
    writeFileSync(path.join(dir, "Manifest.db"), "this is not sqlite at all, just some text padding padding");
    const r = await scanBackup(dir, [manifest]);
    expect(r.coverage.get("manifest")!.status).toBe("failed");
  });

  it("streams a big manifest (20k entries) without trouble", async () => {
    const dir = tempBackupDir();
    makeBackup(dir, []);
    const db = new Database(path.join(dir, "Manifest.db"));
    const ins = db.prepare("INSERT INTO Files VALUES (?, ?, ?, ?, ?)");
    const blob = makeMBFile({ relativePath: "x", mode: 0o100644, lastModified: 1_650_000_000 });
    db.transaction(() => {
      for (let i = 0; i < 20_000; i++) ins.run(fileId("MediaDomain", `Media/f${i}`), "MediaDomain", `Media/f${i}`, 1, blob);
    })();
    db.close();
    const r = await scanBackup(dir, [manifest]);
    expect(r.coverage.get("manifest")!.records).toBeGreaterThanOrEqual(20_000);
  });

  it("without records or timeline kept, decodes only the blob of an entry in a detection: same alert, same warning", async () => {
    const rel = "Library/Caches/com.example.agent/implant.db";
    const dir = backupWith([
      { domain: "AppDomain-com.example", rel, flags: 1, blob: makeMBFile({ relativePath: rel, mode: 0o100600, size: 4096, lastModified: 1_650_000_100, lastStatusChange: 1_650_000_200, birth: 1_650_000_000 }) },
      { domain: "HomeDomain", rel: "Library/ok", flags: 1, blob: makeMBFile({ relativePath: "Library/ok", mode: 0o100644, lastModified: 1_600_000_000 }) },
      { domain: "HomeDomain", rel: "Library/garbage", flags: 1, blob: new Uint8Array([1, 2, 3]) },
      { domain: "HomeDomain", rel: "Library/truncated", flags: 1, blob: makeMBFile({ relativePath: "x", mode: 0o100644, lastModified: 1_600_000_000 }).subarray(0, 60) },
    ]);
    const set = IndicatorSet.fromStix2(plantedBundle(`[file:path = '/${rel}']`), "planted.stix2");
    const full = await scanBackup(dir, [manifest], set);
    const lean = await scanBackupLean(dir, [manifest], set);
    expect(full.detections).toHaveLength(1);
    expect((full.detections[0].record as ManifestEntry).mode).toBe("0o100600");
    expect(full.detections[0].eventTime).toBe("2022-04-15 05:21:40.000000");
    expect(lean.detections.map((d) => [d.level, d.message, d.eventTime, toJson(d.record, 0)])).toEqual(
      full.detections.map((d) => [d.level, d.message, d.eventTime, toJson(d.record, 0)]),
    );
    expect(Object.getOwnPropertySymbols(lean.detections[0].record)).toEqual([]); // the whole record, not another lean one
    expect(lean.summary.records).toBe(full.summary.records);
    const warnings = full.coverage.get("manifest")!.warnings;
    expect(warnings[0]).toMatch(/^2 Manifest.db entries have an unreadable metadata blob/);
    expect(lean.coverage.get("manifest")!.warnings).toEqual(warnings);
  });
});
