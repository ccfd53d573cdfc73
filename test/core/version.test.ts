import { describe, expect, it } from "vitest";
import { compareVersions, parsePatchLevel, parseVersion } from "../../src/core/util/version.js";

describe("version numbers", () => {
  it("parses dotted versions and ignores trailing text", () => {
    expect(parseVersion("16.6.1")).toEqual([16, 6, 1]);
    expect(parseVersion(" 2.25.21.73 ")).toEqual([2, 25, 21, 73]);
    expect(parseVersion("16.5.1 (c)")).toEqual([16, 5, 1]);
    expect(parseVersion("v2.19.51")).toEqual([2, 19, 51]);
    expect(parseVersion("2025-02-05")).toEqual([2025, 2, 5]);
    expect(parseVersion("beta")).toBeNull();
    expect(parseVersion("")).toBeNull();
    expect(parseVersion(null)).toBeNull();
  });

  it("compares part by part as numbers, a missing part counting as 0", () => {
    expect(compareVersions("16.6", "16.6.1")).toBe(-1);
    expect(compareVersions("16.6.1", "16.6")).toBe(1);
    expect(compareVersions("16.6.0", "16.6")).toBe(0);
    expect(compareVersions("2.19.50", "2.19.51")).toBe(-1);
    expect(compareVersions("2.19.134", "2.19.44")).toBe(1);
    expect(compareVersions("15.7.10", "15.7.9")).toBe(1);
    expect(compareVersions("2025-02-01", "2025-02-05")).toBe(-1);
    expect(() => compareVersions("x", "1")).toThrow(/not a version/);
  });

  it("accepts only well-formed security patch levels", () => {
    expect(parsePatchLevel("2025-02-05")).toBe("2025-02-05");
    expect(parsePatchLevel(" 2025-02-05\n")).toBe("2025-02-05");
    expect(parsePatchLevel("2025-13-01")).toBeNull();
    expect(parsePatchLevel("2025-2-5")).toBeNull();
    expect(parsePatchLevel("16")).toBeNull();
  });
});
