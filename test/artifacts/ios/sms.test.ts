import { describe, it, expect } from "vitest";
import { sms } from "../../../src/core/artifacts/ios/sms.js";
import { files, generateSms, macNanos } from "../../../src/node/generate/ios/sms.js";
import { recordJson, toJson } from "../../../src/core/report/json.js";
import { asJson, expectedMvt, IOS_BACKUP, scanBackup, scanBackupLean } from "../../helpers/scan.js";
import { expectedTimelineRows, genContext, makeBackup, timelineRows } from "../../helpers/backup-comms.js";
import { loadTestIndicators, plantedBundle } from "../../helpers/indicators-comms.js";
import { IndicatorSet } from "../../../src/core/indicators/indicator-set.js";


describe("sms (sms.db)", () => {
  it("yields MVT's record on the fixture", async () => {
    const r = await scanBackup(IOS_BACKUP, [sms]);
    const records = r.records.get("sms") ?? [];
    expect(records).toHaveLength(1);
    expect(await asJson(records)).toEqual(await expectedMvt("sms"));
  });

  it("writes the 18-digit date as the exact integer", async () => {
    const r = await scanBackup(IOS_BACKUP, [sms]);
    const json = recordJson(r.records.get("sms")![0]);
    expect(json).toContain('"date":588813210539788032,');
    expect(json).toContain('"date_read":588813210539900000,');
  });

  it("writes MVT's 2 timeline rows", async () => {
    const r = await scanBackup(IOS_BACKUP, [sms]);
    const rows = timelineRows(r.timeline, "SMS");
    expect(rows).toHaveLength(2);
    expect(rows).toEqual(await expectedTimelineRows("SMS"));
  });

  it("exposes the message links to urls.json", async () => {
    const r = await scanBackup(IOS_BACKUP, [sms]);
    expect(r.urls).toEqual([{ url: "https://badbadbad.example.org/", expanded_url: null, timestamp: "2019-08-29 23:13:30.000000", source: "sms" }]);
  });

  it("is detected with the test STIX2 indicators like MVT", async () => {
    const set = await loadTestIndicators();
    const r = await scanBackup(IOS_BACKUP, [sms], set);
    expect(r.detections).toHaveLength(1);
    expect(r.detections[0].level).toBe("critical");
    expect(r.detections[0].message).toBe(
      'Found a sub-domain with a suspicious top level https://badbadbad.example.org/ matching indicator "example.org" from "TestMalware"',
    );
  });

  it("flags an Apple threat notification (high) on a generated sms.db", async () => {
    const t = 1_690_000_000;
    const dir = makeBackup([
      {
        domain: "HomeDomain",
        relativePath: "Library/SMS/sms.db",
        sqlite: (db, g) => {
          generateSms(db, { ...g, rows: 20 });
          db.prepare("INSERT INTO message (guid, text, handle_id, service, date, is_from_me) VALUES ('G-1', ?, 1, 'iMessage', ?, 0)").run(
            "ALERT: Apple detected a targeted mercenary spyware attack against your iPhone. Apple believes you are being targeted…",
            macNanos(t),
          );
        },
      },
    ]);
    const r = await scanBackup(dir, [sms]);
    expect(r.records.get("sms")).toHaveLength(21);
    expect(r.detections).toHaveLength(1);
    expect(r.detections[0]).toMatchObject({ level: "high", heuristic: "sms.apple_threat_notification", eventTime: "2023-07-22 04:26:40.000000" });
  });

  it("generates ≈ g.rows messages with links; the planted link reaches urls.json", async () => {
    const dir = makeBackup(files, genContext(500, { domains: ["planted-evil.net"], processes: [], emails: [], filePaths: [] }));
    const r = await scanBackup(dir, [sms]);
    expect(r.records.get("sms")).toHaveLength(500);
    expect(r.urls.some((u) => u.url.startsWith("https://planted-evil.net/track/"))).toBe(true);
    expect(r.urls.length).toBeGreaterThan(5);
  });

  it("reads only the columns its checks use when no writer keeps records, with the same findings and records", async () => {
    const dir = makeBackup(files, genContext(500, { domains: ["planted-evil.net"], processes: [], emails: [], filePaths: [] }));
    const set = IndicatorSet.fromStix2(plantedBundle("[domain-name:value = 'planted-evil.net']"), "planted.stix2");
    const full = await scanBackup(dir, [sms], set);
    expect(full.detections.length).toBeGreaterThan(0);
    const lean = await scanBackupLean(dir, [sms], set, { timeline: true, urls: true });
    expect(lean.summary.records).toBe(500);
    expect(lean.timeline).toEqual(full.timeline);
    expect(lean.urls).toEqual(full.urls);
    expect(lean.detections.map((d) => [d.level, d.message])).toEqual(full.detections.map((d) => [d.level, d.message]));
    // A detection still embeds the whole message, read again by its ROWID.
    expect(Object.keys(full.detections[0].record as object).length).toBeGreaterThan(60);
    expect(lean.detections.map((d) => toJson(d.record, 0))).toEqual(full.detections.map((d) => toJson(d.record, 0)));
  });

  it("records a corrupt sms.db as a failed module", async () => {
    const dir = makeBackup([{ domain: "HomeDomain", relativePath: "Library/SMS/sms.db", bytes: new Uint8Array(100).fill(7) }]);
    const r = await scanBackup(dir, [sms]);
    expect(r.coverage.get("sms")?.status).toBe("failed");
  });
});
