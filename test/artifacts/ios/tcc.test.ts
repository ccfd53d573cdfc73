import { describe, it, expect } from "vitest";
import { tcc } from "../../../src/core/artifacts/ios/tcc.js";
import { files } from "../../../src/node/generate/ios/tcc.js";
import { asJson, expectedMvt, IOS_BACKUP, scanBackup } from "../../helpers/scan.js";
import { expectedTimelineRows, timelineRows } from "../../helpers/backup-comms.js";
import { backupFilePath, makeBackup, observablesOf, PLANT, tempBackupDir, truncateHalf } from "../../helpers/backup.js";
import { loadTestIndicators } from "../../helpers/indicators-comms.js";

const REL = "Library/TCC/TCC.db";
const one = (sql: string) => [{ modules: ["tcc"], domain: "HomeDomain", relativePath: REL, sqlite: (db: any) => db.exec(sql) }];

describe("tcc (TCC.db)", () => {
  it("yields MVT's 11 records and 11 timeline rows on the fixture", async () => {
    const r = await scanBackup(IOS_BACKUP, [tcc]);
    expect(await asJson(r.records.get("tcc"))).toEqual(await expectedMvt("tcc"));
    expect(timelineRows(r.timeline, "TCC")).toEqual(await expectedTimelineRows("TCC"));
    expect(timelineRows(r.timeline, "TCC")).toHaveLength(11);
  });

  it("flags the client \"Launch\" with the test indicators (CRITICAL)", async () => {
    const set = await loadTestIndicators();
    const r = await scanBackup(IOS_BACKUP, [tcc], set);
    const d = r.detections.filter((x) => x.level === "critical");
    expect(d).toHaveLength(1);
    expect(await asJson(d[0].record)).toEqual((await expectedMvt("tcc_detected"))[0].event);
  });

  it("reads the v2 schema (allowed/prompt_count/last_modified)", async () => {
    const dir = tempBackupDir();
    makeBackup(dir, one(`CREATE TABLE access (service TEXT, client TEXT, client_type INTEGER, allowed INTEGER, prompt_count INTEGER, csreq BLOB, last_modified INTEGER);
      INSERT INTO access VALUES ('kTCCServiceCamera', 'com.example.cam', 0, 1, 2, NULL, 1500000000);`));
    const r = await scanBackup(dir, [tcc]);
    expect(r.records.get("tcc")).toEqual([
      { service: "kTCCServiceCamera", client: "com.example.cam", client_type: "bundle_id", allowed_value: "allowed", prompt_count: 2, last_modified: "2017-07-14 02:40:00.000000" },
    ]);
    expect(r.timeline[0].data).toBe("Access to kTCCServiceCamera by com.example.cam allowed");
  });

  it("reads the v1 schema (no last_modified) without timeline rows", async () => {
    const dir = tempBackupDir();
    makeBackup(dir, one(`CREATE TABLE access (service TEXT, client TEXT, client_type INTEGER, allowed INTEGER, prompt_count INTEGER);
      INSERT INTO access VALUES ('kTCCServiceMicrophone', '/usr/bin/x', 1, 0, 1);`));
    const r = await scanBackup(dir, [tcc]);
    expect(r.records.get("tcc")).toEqual([{ service: "kTCCServiceMicrophone", client: "/usr/bin/x", client_type: "absolute_path", allowed_value: "denied", prompt_count: 1 }]);
    expect(r.timeline).toEqual([]);
  });

  it("generates a real-schema TCC.db with the planted process as a client", async () => {
    const dir = tempBackupDir();
    makeBackup(dir, files, { rows: 1000, plant: PLANT });
    const r = await scanBackup(dir, [tcc]);
    const recs = r.records.get("tcc")!;
    expect(recs.length).toBeGreaterThanOrEqual(10);
    expect(observablesOf(tcc, recs)).toContain("process:plantedproc");
    expect(recs[0].last_modified).toMatch(/^2023-\d\d-\d\d \d\d:\d\d:\d\d\.000000$/);
  });

  it("a truncated TCC.db is a failed module, not a crash", async () => {
    const dir = tempBackupDir();
    makeBackup(dir, files, { rows: 5000 });
    truncateHalf(backupFilePath(dir, "HomeDomain", REL));
    const r = await scanBackup(dir, [tcc]);
    expect(["failed", "ran"]).toContain(r.coverage.get("tcc")!.status);
    const cov = r.coverage.get("tcc")!;
    if (cov.status === "ran") expect(cov.records).toBeGreaterThanOrEqual(0);
  });

  it("a missing access table is a coverage gap", async () => {
    const dir = tempBackupDir();
    makeBackup(dir, one("CREATE TABLE admin (key TEXT, value INTEGER);"));
    const r = await scanBackup(dir, [tcc]);
    expect(r.coverage.get("tcc")!.status).toBe("failed");
    expect(r.coverage.get("tcc")!.gaps[0].reason).toMatch(/no access table/);
  });
});
