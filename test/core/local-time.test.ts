import { describe, expect, it } from "vitest";
import { localToUtc } from "../../src/core/util/local-time.js";

describe("localToUtc", () => {
  it("puts a device-local time on the real clock, DST and southern zones included", () => {
    expect(localToUtc("2024-01-22 09:53:20", "Europe/Berlin")).toBe("2024-01-22 08:53:20.000000");
    expect(localToUtc("2024-07-01 12:00:00.5", "Europe/Berlin")).toBe("2024-07-01 10:00:00.500000");
    expect(localToUtc("2024-01-01 00:30:00.123456", "America/Sao_Paulo")).toBe("2024-01-01 03:30:00.123456");
    expect(localToUtc("2024-03-01 00:10:00", "Asia/Kolkata")).toBe("2024-02-29 18:40:00.000000");
    expect(localToUtc("1999-12-31 23:59:59", "Asia/Tokyo")).toBe("1999-12-31 14:59:59.000000");
  });

  it("keeps the wall clock when the zone is unknown, and refuses what is not a time", () => {
    expect(localToUtc("2024-01-22 09:53:20", null)).toBe("2024-01-22 09:53:20.000000");
    expect(localToUtc("2024-01-22 09:53:20", "Mars/Olympus")).toBe("2024-01-22 09:53:20.000000");
    expect(localToUtc("2024-13-22 09:53:20", "Europe/Berlin")).toBeNull();
    expect(localToUtc("yesterday", "Europe/Berlin")).toBeNull();
  });

  it("agrees with Date for every day across four centuries of leap years", () => {
    for (let t = -2_208_988_800; t < 4_102_444_800; t += 86_400 * 7 + 3_601) {
      const iso = new Date(t * 1000).toISOString();
      const local = `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
      expect(localToUtc(local, null)).toBe(`${local}.000000`);
    }
  });
});
