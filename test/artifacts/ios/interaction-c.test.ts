import { describe, it, expect } from "vitest";
import { interactionC } from "../../../src/core/artifacts/ios/interaction-c.js";
import { files as icFiles } from "../../../src/node/generate/ios/interaction-c.js";
import { files as contactsFiles } from "../../../src/node/generate/ios/whatsapp-contacts.js";
import type { Matcher, Observable } from "../../../src/core/types.js";
import { asJson, expectedMvt, IOS_BACKUP, scanBackup } from "../../helpers/scan.js";
import { expectedTimelineRows, genContext, makeBackup, timelineRows } from "../../helpers/backup-comms.js";

const PATH = "Library/CoreDuet/People/interactionC.db";

describe("interaction_c (interactionC.db)", () => {
  it("yields MVT's 3 records on the fixture, WhatsApp LIDs resolved through ContactsV2", async () => {
    const r = await scanBackup(IOS_BACKUP, [interactionC]);
    const records = await asJson(r.records.get("interaction_c") ?? []);
    expect(records).toHaveLength(3);
    expect(records).toEqual(await expectedMvt("interaction_c"));
  });

  it("writes MVT's 6 timeline rows (backfilled creation date, per-contact aggregates)", async () => {
    const r = await scanBackup(IOS_BACKUP, [interactionC]);
    const rows = timelineRows(r.timeline, "InteractionC");
    expect(rows).toHaveLength(6);
    expect(rows).toEqual(await expectedTimelineRows("InteractionC"));
  });

  it("falls back to the oldest schema (no attachments, recipients or group names)", async () => {
    const dir = makeBackup([
      {
        domain: "HomeDomain",
        relativePath: PATH,
        sql: `CREATE TABLE ZINTERACTIONS (Z_PK INTEGER PRIMARY KEY, ZSENDER INTEGER, ZSTARTDATE TIMESTAMP, ZENDDATE TIMESTAMP, ZCREATIONDATE TIMESTAMP,
                ZBUNDLEID VARCHAR, ZACCOUNT VARCHAR, ZDIRECTION INTEGER, ZISRESPONSE INTEGER, ZMECHANISM INTEGER, ZDOMAINIDENTIFIER VARCHAR,
                ZCONTENTURL VARCHAR, ZLOCATIONUUID VARCHAR);
              CREATE TABLE ZCONTACTS (Z_PK INTEGER PRIMARY KEY, ZDISPLAYNAME VARCHAR, ZIDENTIFIER VARCHAR, ZPERSONID VARCHAR,
                ZINCOMINGRECIPIENTCOUNT INTEGER, ZINCOMINGSENDERCOUNT INTEGER, ZOUTGOINGRECIPIENTCOUNT INTEGER, ZCREATIONDATE TIMESTAMP,
                ZFIRSTINCOMINGRECIPIENTDATE TIMESTAMP, ZFIRSTINCOMINGSENDERDATE TIMESTAMP, ZFIRSTOUTGOINGRECIPIENTDATE TIMESTAMP,
                ZLASTINCOMINGSENDERDATE TIMESTAMP, ZLASTINCOMINGRECIPIENTDATE TIMESTAMP, ZLASTOUTGOINGRECIPIENTDATE TIMESTAMP);
              INSERT INTO ZCONTACTS VALUES (1, 'Eve', 'eve@attacker.example', NULL, 0, 1, 0, 500000000, NULL, NULL, NULL, NULL, NULL, NULL);
              INSERT INTO ZINTERACTIONS VALUES (1, 1, 500000000, 500000000, 500000000, 'com.apple.MobileSMS', NULL, 0, 0, 4, NULL, NULL, NULL);`,
      },
    ]);
    const seen: Observable[] = [];
    const spy: Matcher = { size: 1, match: (o) => (seen.push(o), []) };
    const r = await scanBackup(dir, [interactionC], spy);
    const [rec] = r.records.get("interaction_c")!;
    expect(rec).toMatchObject({
      direction: "INCOMING",
      mechanism: 4,
      sender_identifier: "eve@attacker.example",
      start_date: "2016-11-05 00:53:20.000000",
      contacts_creation_date: "2016-11-05 00:53:20.000000",
      table_id: 1,
    });
    expect("recipient_identifier" in rec).toBe(false);
    expect(seen).toContainEqual({ type: "email", value: "eve@attacker.example" });
    expect(timelineRows(r.timeline, "InteractionC")).toEqual([
      "2016-11-05 00:53:20.000000|InteractionC|contacts_creation_date|Contact Eve (eve@attacker.example) first recorded in interactionC",
      "2016-11-05 00:53:20.000000|InteractionC|start_date|[com.apple.MobileSMS] INCOMING from Eve (eve@attacker.example) to local user",
    ]);
  });

  it("reads a generated database and resolves generated WhatsApp LIDs", async () => {
    const dir = makeBackup([...icFiles, ...contactsFiles], genContext(400, { domains: [], processes: [], emails: ["planted@evil.example"], filePaths: [] }));
    const r = await scanBackup(dir, [interactionC]);
    const recs = r.records.get("interaction_c")!;
    expect(recs).toHaveLength(40);
    const wa = recs.filter((x) => x.bundle_id === "net.whatsapp.WhatsApp" && String(x.sender_identifier).endsWith("@lid"));
    expect(wa.length).toBeGreaterThan(0);
    for (const x of wa) expect(x.sender_resolved_phone_number).toMatch(/^\+1415556\d{4}$/);
    expect(recs.some((x) => x.sender_identifier === "planted@evil.example")).toBe(true);
  });

  it("records an unrecognised schema as a coverage gap, not a crash", async () => {
    const dir = makeBackup([{ domain: "HomeDomain", relativePath: PATH, sql: "CREATE TABLE ZSOMETHING (Z_PK INTEGER)" }]);
    const r = await scanBackup(dir, [interactionC]);
    expect(r.coverage.get("interaction_c")?.status).toBe("failed");
    expect(r.coverage.get("interaction_c")?.gaps[0].reason).toMatch(/schema/);
  });
});
