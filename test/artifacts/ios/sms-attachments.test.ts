import { describe, it, expect } from "vitest";
import { smsAttachments } from "../../../src/core/artifacts/ios/sms-attachments.js";
import { files, SMS_SCHEMA } from "../../../src/node/generate/ios/sms.js";
import type { Matcher, Observable } from "../../../src/core/types.js";
import { IOS_BACKUP, scanBackup } from "../../helpers/scan.js";
import { genContext, makeBackup } from "../../helpers/backup-comms.js";

const spy = (seen: Observable[]): Matcher => ({ size: 1, match: (o) => (seen.push(o), []) });
const PATH = "Library/SMS/sms.db";

describe("sms_attachments (sms.db attachment table)", () => {
  it("runs on the fixture, whose sms.db has no attachment table: 0 records, like MVT", async () => {
    const r = await scanBackup(IOS_BACKUP, [smsAttachments]);
    expect(r.records.get("sms_attachments") ?? []).toHaveLength(0);
    expect(r.coverage.get("sms_attachments")?.status).toBe("ran");
  });

  it("yields attachments joined to message and handle, with MVT's derived fields, timeline and heuristic", async () => {
    const dir = makeBackup([
      {
        domain: "HomeDomain",
        relativePath: PATH,
        sql: `${SMS_SCHEMA}
          INSERT INTO handle (ROWID, id, service) VALUES (1, '+15550001', 'iMessage');
          INSERT INTO message (ROWID, guid, text, handle_id, service, date) VALUES (1, 'M1', '', 1, 'iMessage', 0), (2, 'M2', 'x', 1, 'iMessage', 0);
          INSERT INTO attachment (ROWID, guid, created_date, start_date, filename, transfer_name, total_bytes, is_outgoing, user_info, original_guid)
            VALUES (1, 'A1', 650000000, 0, '/var/tmp/com.apple.messages/xyz.gif-1', 'xyz.gif-1', 1234, 0, x'0102', 'A1'),
                   (2, 'A2', 650000100, 0, NULL, NULL, 10, 1, NULL, 'A2'),
                   (3, 'A3', 650000200, 0, '/var/tmp/sent-1', 'sent-1', 10, 1, NULL, 'A3');
          INSERT INTO message_attachment_join VALUES (1, 1), (2, 3);`,
      },
    ]);
    const seen: Observable[] = [];
    const r = await scanBackup(dir, [smsAttachments], spy(seen));
    const recs = r.records.get("sms_attachments")!;
    expect(recs).toHaveLength(3);
    expect(recs[0]).toMatchObject({
      attachment_id: 1,
      ROWID: 1,
      filename: "/var/tmp/com.apple.messages/xyz.gif-1",
      user_info: "AQI=",
      service: "iMessage",
      phone_number: "+15550001",
      isodate: "2021-08-07 03:33:20.000000",
      start_date: "",
      direction: "received",
      has_user_info: true,
    });
    expect(recs[1]).toMatchObject({ filename: "NULL", service: "Unknown", phone_number: null, direction: "sent", has_user_info: false });
    expect(seen).toEqual([
      { type: "file_path", value: "/var/tmp/com.apple.messages/xyz.gif-1" },
      { type: "file_path", value: "/var/tmp/sent-1" },
    ]);
    expect(r.timeline[0]).toEqual({
      timestamp: "2021-08-07 03:33:20.000000",
      module: "SMSAttachments",
      event: "sms_attachment",
      data: "iMessage: Attachment 'xyz.gif-1' received from +15550001 with 1234 bytes (is_sticker: 0, has_user_info: True)",
    });
    // Only the received /var/tmp/…-1 attachment (the sent one is not flagged).
    expect(r.detections).toHaveLength(1);
    expect(r.detections[0]).toMatchObject({ level: "medium", heuristic: "sms_attachments.var_tmp", eventTime: "2021-08-07 03:33:20.000000" });
    expect(r.detections[0].message).toMatch(/^Suspicious iMessage attachment \/var\/tmp\/com\.apple\.messages\/xyz\.gif-1 on 2021-08-07 03:33:20\.000000/);
  });

  it("flags the planted attachment of the generated sms.db", async () => {
    const dir = makeBackup(files, genContext(1000, { domains: ["planted-evil.net"], processes: [], emails: [], filePaths: [] }));
    const r = await scanBackup(dir, [smsAttachments]);
    expect(r.records.get("sms_attachments")!.length).toBeGreaterThan(5);
    expect(r.detections).toHaveLength(1);
    expect(r.detections[0].message).toMatch(/\/var\/tmp\/com\.apple\.messages\/[0-9a-f]{8}\.gif-1/);
  });
});
