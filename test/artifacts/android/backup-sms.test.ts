// The Android backup "sms" module on MVT's .ab fixtures, compared with MVT's own sms.json / urls.json.

import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { androidBackupSms, telephonyRecord } from "../../../src/core/artifacts/android/backup/sms.js";
import { sms as iosSms } from "../../../src/core/artifacts/ios/sms.js";
import { loadIndicators } from "../../../src/node/iocs.js";
import { ANDROID_BACKUP_DIR, ANDROIDQF_ENCRYPTED_AB, EXPECTED_ANDROID_BACKUP, FIXTURE_PASSWORD, scanAb } from "../../helpers/android-backup.js";
import { hashTree } from "../../helpers/hash.js";
import { asJson, FIXTURES, TEST_STIX } from "../../helpers/scan.js";

const expected = (name: string, file: string) => JSON.parse(readFileSync(path.join(EXPECTED_ANDROID_BACKUP, name, file), "utf8"));

/** Fields where spyscope deliberately differs from MVT (docs/android-backup.md): MMS dates are seconds,
 *  direction comes from the message box / type. */
function withoutCorrections(r: Record<string, unknown>): Record<string, unknown> {
  const { isodate: _i, direction: _d, ...rest } = r;
  return rest;
}

describe("android backup sms", () => {
  for (const [name, password] of [
    ["backup.ab", null],
    ["backup2.ab", FIXTURE_PASSWORD],
    ["backup3.ab", null],
  ] as const) {
    it(`${name}: the same records as MVT's sms.json, field for field`, async () => {
      const before = hashTree(FIXTURES + "mvt/android_backup");
      const r = await scanAb(path.join(ANDROID_BACKUP_DIR, name), { password });
      const ours = await asJson(r.records.get("sms"));
      const mvt = expected(name, "sms.json");
      expect(ours.length).toBe(mvt.length);
      expect(ours.map(withoutCorrections)).toEqual(mvt.map(withoutCorrections));
      // Key order too (MVT moves mms_body to the end as body).
      expect(ours.map((o: object) => Object.keys(o))).toEqual(mvt.map((o: object) => Object.keys(o)));
      expect(r.coverage.get("sms")).toMatchObject({ status: "ran", records: mvt.length, gaps: [] });
      expect(hashTree(FIXTURES + "mvt/android_backup")).toEqual(before);
    });
  }

  it("backup.ab: values, including the two documented corrections", async () => {
    const r = await scanAb(path.join(ANDROID_BACKUP_DIR, "backup.ab"));
    const [sms, mms] = r.records.get("sms")!;
    // SMS date is milliseconds: same as MVT. type 6 = QUEUED (outgoing): MVT says "received" (date_sent is 0).
    expect(sms).toMatchObject({ isodate: "2022-02-22 15:29:41.956000", direction: "sent", links: ["https://google.com/"] });
    // MMS date is seconds: 1579531789 is 2020-01-20 (MVT divides by 1000 and gets 1970-01-19).
    // msg_box 1 = inbox: received (MVT says "sent" because date_sent is set).
    expect(mms).toMatchObject({ isodate: "2020-01-20 14:49:49.000000", direction: "received", body: "Very suspicious MMS, click on this link http://google.com" });
    expect(expected("backup.ab", "sms.json")[1].isodate).toBe("1970-01-19 06:45:31.789000");
    expect(r.urls).toEqual([
      { url: "https://google.com/", expanded_url: null, timestamp: "2022-02-22 15:29:41.956000", source: "sms" },
      { url: "http://google.com", expanded_url: null, timestamp: "2020-01-20 14:49:49.000000", source: "sms" },
    ]);
    expect(r.urls.map((u) => u.url)).toEqual(expected("backup.ab", "urls.json").map((u: { url: string }) => u.url));
    expect(r.timeline).toEqual([
      { timestamp: "2022-02-22 15:29:41.956000", module: "SMS", event: "sms_sent", data: '06543219: "Hi this is a test message to https://google.com/"' },
      { timestamp: "2020-01-20 14:49:49.000000", module: "SMS", event: "sms_received", data: '+12345678: "Very suspicious MMS, click on this link http://google.com"' },
    ]);
  });

  it("androidqf's encrypted backup.ab gives androidqf's first SMS record", async () => {
    const r = await scanAb(ANDROIDQF_ENCRYPTED_AB, { password: FIXTURE_PASSWORD });
    const mvt = JSON.parse(readFileSync(FIXTURES + "mvt/expected-mvt/androidqf/sms.json", "utf8"));
    expect((await asJson(r.records.get("sms"))).map(withoutCorrections)).toEqual([withoutCorrections(mvt[0])]);
  });

  it("links are matched by the one matcher (test indicators plant nothing in the fixture; a planted message matches)", async () => {
    const { set } = await loadIndicators([TEST_STIX]);
    const r = await scanAb(path.join(ANDROID_BACKUP_DIR, "backup.ab"), { matcher: set });
    expect(r.detections).toEqual([]);
    const rec = telephonyRecord({ address: "+1555", body: "update at https://sub.example.org/x now", date: "1700000000000", date_sent: "0", type: "1" }, "sms");
    const matches = [...androidBackupSms.observables!(rec)].flatMap((o) => set.match(o));
    expect(matches.map((m) => m.indicator.value)).toEqual(["example.org"]);
  });

  it("record shapes: no body, numbers for strings, unknown boxes fall back to MVT's rule", () => {
    expect(telephonyRecord({ date: 1700000000000, date_sent: "5", status: "-1" }, "sms")).toMatchObject({
      isodate: "2023-11-14 22:13:20.000000",
      direction: "sent",
      links: [],
    });
    expect(telephonyRecord({ date: "x", msg_box: "3", mms_body: "draft" }, "mms")).toMatchObject({ isodate: null, direction: "draft", body: "draft" });
  });

  it("claims its own records and not the iOS module's (check-iocs tells the two 'sms' stems apart)", async () => {
    const mvt = expected("backup.ab", "sms.json");
    expect(mvt.every((r: Record<string, unknown>) => androidBackupSms.claims!(r))).toBe(true);
    const ios = JSON.parse(readFileSync(FIXTURES + "mvt/expected-mvt/ios_backup/sms.json", "utf8"));
    expect(ios.some((r: Record<string, unknown>) => androidBackupSms.claims!(r))).toBe(false);
    expect(iosSms.id).toBe(androidBackupSms.id);
    expect(iosSms.platform).not.toBe(androidBackupSms.platform);
  });
});
