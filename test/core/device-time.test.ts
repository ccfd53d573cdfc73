import { describe, expect, it } from "vitest";
import { DeviceClock, isoFromSeconds } from "../../src/core/util/device-time.js";
import { isoFromUnix } from "../../src/core/util/time.js";

const at = (iso: string) => Date.parse(iso) / 1000;

describe("DeviceClock", () => {
  it("shows UTC instants in the device's zone, across DST changes", () => {
    const berlin = new DeviceClock("Europe/Berlin");
    expect(berlin.timezone).toBe("Europe/Berlin");
    expect(berlin.localIso(at("2024-01-15T12:00:00Z"))).toBe("2024-01-15 13:00:00.000000");
    expect(berlin.localIso(at("2024-07-15T12:00:00Z"))).toBe("2024-07-15 14:00:00.000000");
    // 2024-03-31 01:00 UTC: clocks go from 02:00 to 03:00 local, on a day whose offset changes.
    expect(berlin.localIso(at("2024-03-31T00:59:59Z"))).toBe("2024-03-31 01:59:59.000000");
    expect(berlin.localIso(at("2024-03-31T01:00:00Z"))).toBe("2024-03-31 03:00:00.000000");
    expect(berlin.localIso(at("2024-10-27T00:30:00Z"))).toBe("2024-10-27 02:30:00.000000");
    expect(berlin.localIso(at("2024-10-27T01:30:00Z"))).toBe("2024-10-27 02:30:00.000000");
    const kathmandu = new DeviceClock("Asia/Kathmandu");
    expect(kathmandu.localIso(at("2024-05-01T00:00:00Z"))).toBe("2024-05-01 05:45:00.000000");
  });

  it("puts device-local times back on UTC", () => {
    const ny = new DeviceClock("America/New_York");
    for (const iso of ["2024-01-10T08:00:00Z", "2024-03-10T06:59:00Z", "2024-03-10T07:00:00Z", "2024-08-01T23:59:59Z"]) {
      const t = at(iso);
      expect(ny.utcFromLocal(t + ny.offsetAt(t))).toBe(t);
    }
  });

  it("is UTC for a missing or unknown zone", () => {
    for (const tz of [null, "", "Not/AZone"]) {
      const c = new DeviceClock(tz);
      expect(c.timezone).toBeNull();
      expect(c.localIso(1_593_109_532)).toBe("2020-06-25 18:25:32.000000");
    }
  });

  it("formats whole seconds like isoFromUnix", () => {
    for (const t of [0, 59, 86_399, 86_400, 951_782_400, 1_700_000_000, -1, -86_401, 253_402_300_799]) expect(isoFromSeconds(t)).toBe(isoFromUnix(t));
    expect(isoFromSeconds(1.5)).toBe("1970-01-01 00:00:01.500000");
  });
});
