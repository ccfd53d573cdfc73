import { describe, it, expect } from "vitest";
import { whatsappContacts } from "../../../src/core/artifacts/ios/whatsapp-contacts.js";
import { files } from "../../../src/node/generate/ios/whatsapp-contacts.js";
import { asJson, expectedMvt, IOS_BACKUP, scanBackup } from "../../helpers/scan.js";
import { expectedTimelineRows, genContext, makeBackup, timelineRows } from "../../helpers/backup-comms.js";

const DOMAIN = "AppDomainGroup-group.net.whatsapp.WhatsApp.shared";

describe("whatsapp_contacts (ContactsV2.sqlite)", () => {
  it("yields MVT's 2 records on the fixture", async () => {
    const r = await scanBackup(IOS_BACKUP, [whatsappContacts]);
    const records = await asJson(r.records.get("whatsapp_contacts") ?? []);
    expect(records).toHaveLength(2);
    expect(records).toEqual(await expectedMvt("whatsapp_contacts"));
  });

  it("writes MVT's 5 timeline rows", async () => {
    const r = await scanBackup(IOS_BACKUP, [whatsappContacts]);
    const rows = timelineRows(r.timeline, "WhatsappContacts");
    expect(rows).toHaveLength(5);
    expect(rows).toEqual(await expectedTimelineRows("WhatsappContacts"));
  });

  it("decodes generated blob-typed strings and labels timers", async () => {
    const dir = makeBackup(files, genContext(3000));
    const r = await scanBackup(dir, [whatsappContacts]);
    const recs = r.records.get("whatsapp_contacts")!;
    expect(recs).toHaveLength(3);
    expect(recs[0]).toMatchObject({ full_name: "Person 1", given_name: "Person", phone_number: "+14155561000", whatsapp_id: "14155561000@s.whatsapp.net" });
    for (const c of recs) {
      expect(typeof c.lid).toBe("string");
      expect(["off", "24 hours", "7 days", "90 days"]).toContain(c.disappearing_mode_label);
      expect(c.disappearing_mode_is_on).toBe(c.disappearing_mode_label !== "off");
    }
  });

  it("handles an older schema without the disappearing-mode columns (state unknown) and renamed phone status", async () => {
    const dir = makeBackup([
      {
        domain: DOMAIN,
        relativePath: "ContactsV2.sqlite",
        sql: `CREATE TABLE ZWAADDRESSBOOKCONTACT (Z_PK INTEGER PRIMARY KEY, ZFULLNAME VARCHAR, ZWHATSAPPID VARCHAR, ZPHONENUMBERSTATUS INTEGER, ZDISAPPEARINGMODEDURATION_X INTEGER);
              INSERT INTO ZWAADDRESSBOOKCONTACT VALUES (1, 'Carol', '393331234567@s.whatsapp.net', 2, 0);`,
      },
    ]);
    const r = await scanBackup(dir, [whatsappContacts]);
    const [c] = r.records.get("whatsapp_contacts")!;
    expect(c).toMatchObject({
      row_pk: 1,
      full_name: "Carol",
      phone_status: 2,
      sync_policy: null,
      lid: null,
      disappearing_mode_duration: null,
      disappearing_mode_is_on: null,
      disappearing_mode_label: null,
      last_updated: null,
    });
    expect(r.coverage.get("whatsapp_contacts")?.warnings.join(" ")).toMatch(/ZDISAPPEARINGMODEDURATION/);
    // 7-day timer label and unknown durations in seconds.
  });

  it("labels non-standard timers in seconds", async () => {
    const dir = makeBackup([
      {
        domain: DOMAIN,
        relativePath: "ContactsV2.sqlite",
        sql: `CREATE TABLE ZWAADDRESSBOOKCONTACT (Z_PK INTEGER PRIMARY KEY, ZWHATSAPPID VARCHAR, ZDISAPPEARINGMODEDURATION FLOAT, ZDISAPPEARINGMODETIMESTAMP TIMESTAMP);
              INSERT INTO ZWAADDRESSBOOKCONTACT VALUES (1, '1@s.whatsapp.net', 3600, 700000000), (2, '2@s.whatsapp.net', 604800, NULL);`,
      },
    ]);
    const r = await scanBackup(dir, [whatsappContacts]);
    const recs = r.records.get("whatsapp_contacts")!;
    expect(recs.map((x) => x.disappearing_mode_label)).toEqual(["3600 seconds", "7 days"]);
    expect(r.timeline).toEqual([
      {
        timestamp: "2023-03-08 20:26:40.000000",
        module: "WhatsappContacts",
        event: "disappearing_mode_set",
        data: "WhatsApp disappearing messages timer set to '3600 seconds' for 1@s.whatsapp.net",
      },
    ]);
  });

  it("warns (no crash) when the contacts table is missing", async () => {
    const dir = makeBackup([{ domain: DOMAIN, relativePath: "ContactsV2.sqlite", sql: "CREATE TABLE Z_METADATA (Z_VERSION INTEGER)" }]);
    const r = await scanBackup(dir, [whatsappContacts]);
    expect(r.coverage.get("whatsapp_contacts")?.status).toBe("ran");
    expect(r.coverage.get("whatsapp_contacts")?.warnings.join(" ")).toMatch(/ZWAADDRESSBOOKCONTACT/);
  });
});
