import { describe, it, expect } from "vitest";
import { whatsapp } from "../../../src/core/artifacts/ios/whatsapp.js";
import { files as whatsappFiles } from "../../../src/node/generate/ios/whatsapp.js";
import type { Matcher, Observable } from "../../../src/core/types.js";
import { asJson, expectedMvt, IOS_BACKUP, scanBackup } from "../../helpers/scan.js";
import { expectedTimelineRows, genContext, makeBackup, timelineRows } from "../../helpers/backup-comms.js";
import { loadTestIndicators } from "../../helpers/indicators-comms.js";

const DOMAIN = "AppDomainGroup-group.net.whatsapp.WhatsApp.shared";

/** A matcher that knows one domain, to exercise the engine path without the real IndicatorSet. */
function domainMatcher(domain: string): Matcher {
  return {
    size: 1,
    match(o: Observable) {
      if (o.type !== "url" || !new URL(o.value).hostname.endsWith(domain)) return [];
      return [
        {
          indicator: { value: domain, kind: "domains", collection: "Test", sourceFile: "t.stix2", id: "indicator--1" },
          observable: o,
          how: "url",
          message: `Found a known suspicious domain ${o.value} matching indicator "${domain}" from "Test"`,
        },
      ];
    },
  };
}

describe("whatsapp (ChatStorage.sqlite)", () => {
  it("yields MVT's records on the fixture (messages, LID pair, chat sessions)", async () => {
    const r = await scanBackup(IOS_BACKUP, [whatsapp]);
    const records = await asJson(r.records.get("whatsapp") ?? []);
    const expected = await expectedMvt("whatsapp");
    expect(records).toHaveLength(6);
    expect(records).toEqual(expected);
    expect(r.coverage.get("whatsapp")?.status).toBe("ran");
  });

  it("writes MVT's 9 timeline rows", async () => {
    const r = await scanBackup(IOS_BACKUP, [whatsapp]);
    const rows = timelineRows(r.timeline, "Whatsapp");
    expect(rows).toHaveLength(9);
    expect(rows).toEqual(await expectedTimelineRows("Whatsapp"));
  });

  it("hands the message links to the matcher and to urls.json", async () => {
    const r = await scanBackup(IOS_BACKUP, [whatsapp], domainMatcher("example.org"));
    expect(r.detections).toHaveLength(1);
    expect(r.detections[0].level).toBe("critical");
    expect((r.detections[0].record as any).Z_PK).toBe(2);
    expect(r.urls).toEqual([{ url: "https://example.org/news", expanded_url: null, timestamp: "2025-08-28 18:53:20.000000", source: "whatsapp" }]);
  });

  it("is detected with the test STIX2 indicators like MVT", async () => {
    const set = await loadTestIndicators();
    const r = await scanBackup(IOS_BACKUP, [whatsapp], set);
    const expected = await expectedMvt("whatsapp_detected");
    expect(r.detections.map((d) => d.message)).toEqual(expected.map((d: any) => d.message));
    expect(r.detections[0].level).toBe("critical");
  });

  it("reads a generated ChatStorage with a planted link, dropping WhatsApp media CDN links", async () => {
    const dir = makeBackup(whatsappFiles, genContext(300, { domains: ["planted-evil.net"], processes: [], emails: [], filePaths: [] }));
    const r = await scanBackup(dir, [whatsapp], domainMatcher("planted-evil.net"));
    const recs = r.records.get("whatsapp")!;
    const msgs = recs.filter((x) => "ZTEXT" in x);
    expect(msgs).toHaveLength(30);
    expect(recs.filter((x) => x.record_type === "lid_phone_number_pair")).toHaveLength(3);
    const sessions = recs.filter((x) => x.record_type === "chat_session");
    expect(sessions).toHaveLength(4);
    // LID chats resolve to the phone number from LID.sqlite.
    expect(sessions[0].contact_jid).toMatch(/@lid$/);
    expect(sessions[0].partner_resolved_phone_number).toBe("+14155561000");
    for (const m of msgs) for (const l of (m.links as string[]) ?? []) expect(l).not.toMatch(/mmg\.whatsapp\.net/);
    const planted = msgs.find((m) => String(m.ZTEXT).includes("planted-evil.net"))!;
    const links = planted.links as string[];
    expect(links).toContain("https://planted-evil.net/v/preview");
    expect(links.some((l) => /^https:\/\/planted-evil\.net\/v\/[0-9a-f]{10}$/.test(l))).toBe(true);
    expect(r.detections.length).toBe(1);
    // Media-only messages (no text) carry an empty links list, as MVT writes them.
    expect(msgs.filter((m) => m.ZTEXT === "").every((m) => Array.isArray(m.links))).toBe(true);
  });

  it("falls back when the link-preview/media tables and chat sessions are missing (older WhatsApp)", async () => {
    const dir = makeBackup([
      {
        domain: DOMAIN,
        relativePath: "ChatStorage.sqlite",
        sql: `CREATE TABLE ZWAMESSAGE (Z_PK INTEGER PRIMARY KEY, ZCHATSESSION INTEGER, ZFROMJID TEXT, ZTOJID TEXT, ZTEXT TEXT, ZMESSAGEDATE REAL, ZISFROMME INTEGER);
              INSERT INTO ZWAMESSAGE VALUES (1, 1, '3912345@s.whatsapp.net', NULL, 'go to www.example.com/x now', 600000000, 0);`,
      },
    ]);
    const r = await scanBackup(dir, [whatsapp]);
    const recs = r.records.get("whatsapp")!;
    expect(recs).toHaveLength(1);
    expect(recs[0]).toMatchObject({ ZMEDIAURL: null, ZCONTENT1: null, links: ["www.example.com/x"], isodate: "2020-01-06 10:40:00.000000" });
    expect(r.timeline[0].data).toBe("'go to www.example.com/x now' from 3912345@s.whatsapp.net - Embedded links: www.example.com/x");
    expect(r.coverage.get("whatsapp")?.warnings.join(" ")).toMatch(/ZWACHATSESSION/);
  });

  it("records a truncated database as a failed module without stopping the scan", async () => {
    const dir = makeBackup([{ domain: DOMAIN, relativePath: "ChatStorage.sqlite", bytes: new TextEncoder().encode("SQLite format 3\0garbage") }]);
    const r = await scanBackup(dir, [whatsapp]);
    expect(r.coverage.get("whatsapp")?.status).toBe("failed");
    expect(r.records.get("whatsapp") ?? []).toHaveLength(0);
  });
});
