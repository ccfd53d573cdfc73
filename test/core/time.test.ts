import { describe, expect, it } from "vitest";
import { isoFromChrome, isoFromMac, isoFromUnix, isoFromUnixMs } from "../../src/core/util/time.js";

describe("MVT-format timestamps", () => {
  it("converts sms.db nanosecond dates like MVT (first 9 digits of an 18-digit value)", () => {
    expect(isoFromMac(588813210539788032n)).toBe("2019-08-29 23:13:30.000000");
    expect(isoFromMac(588813210539900000)).toBe("2019-08-29 23:13:30.000000");
  });
  it("keeps microseconds of float Mac times as Python's fromtimestamp rounds them", () => {
    expect(isoFromMac(588611289.250545)).toBe("2019-08-27 15:08:09.250545");
    expect(isoFromMac(588611289.249085)).toBe("2019-08-27 15:08:09.249085");
    expect(isoFromMac(778100000.0)).toBe("2025-08-28 18:53:20.000000");
  });
  it("treats 0 and null as no time", () => {
    expect(isoFromMac(0)).toBeNull();
    expect(isoFromMac(null)).toBeNull();
    expect(isoFromUnix(undefined)).toBeNull();
  });
  it("converts unix seconds, milliseconds and Chrome microseconds", () => {
    expect(isoFromUnix(1634560250)).toBe("2021-10-18 12:30:50.000000");
    expect(isoFromUnix(1634560030.76862)).toBe("2021-10-18 12:27:10.768620");
    expect(isoFromUnixMs(1634560250123)).toBe("2021-10-18 12:30:50.123000");
    expect(isoFromChrome(13279033850000000)).toBe("2021-10-18 12:30:50.000000");
  });
});

describe("isoFromUnix against Date's own formatting", () => {
  it("agrees on 200,000 pseudo-random instants, whole and fractional, before and after 1970", () => {
    let x = 12345;
    const rand = () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let i = 0; i < 200_000; i++) {
      // Runs of nearby instants (the per-day cache) mixed with jumps across centuries.
      const base = i % 50 === 0 ? (rand() - 0.3) * 8e10 : 1.6e9 + rand() * 3e5;
      const t = i % 3 === 0 ? Math.trunc(base) : Math.trunc(base) + Math.trunc(rand() * 1e6) / 1e6;
      const whole = Math.floor(t);
      const us = Math.round((t - whole) * 1e6);
      const d = new Date((whole + (us === 1e6 ? 1 : 0)) * 1000);
      const y = d.getUTCFullYear();
      const want =
        y < 1 || y > 9999
          ? null
          : d.toISOString().replace(/^\+?0*(\d{4,})/, "$1").slice(0, 19).replace("T", " ") + "." + String(us === 1e6 ? 0 : us).padStart(6, "0");
      expect(isoFromUnix(t)).toBe(want);
    }
  });
});
