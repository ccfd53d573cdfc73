import { describe, expect, it } from "vitest";
import { parseOsVersion } from "../../../src/core/artifacts/sysdiagnose/exposure.js";

describe("parseOsVersion (crash report header os_version)", () => {
  it("reads iPhone OS, iPadOS and iOS forms with and without a build", () => {
    expect(parseOsVersion("iPhone OS 17.2.1 (21C66)")).toEqual({ name: "iOS", version: "17.2.1", build: "21C66", device: "iPhone" });
    expect(parseOsVersion("iPadOS 17.1 (21B74)")).toEqual({ name: "iPadOS", version: "17.1", build: "21B74", device: "iPad" });
    expect(parseOsVersion("iOS 26.0")).toEqual({ name: "iOS", version: "26.0", build: null, device: null });
  });
  it("refuses what is not an iOS version", () => {
    expect(parseOsVersion("macOS 14.1 (23B74)")).toBeNull();
    expect(parseOsVersion("")).toBeNull();
  });
});
