import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { Sha256 } from "../../src/core/util/sha256.js";

describe("Sha256 (core, incremental)", () => {
  it("matches node:crypto on lengths around the block and padding boundaries, fed in pieces", () => {
    for (const n of [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000, 100_003]) {
      const bytes = new Uint8Array(n).map((_, i) => (i * 31 + 7) & 255);
      const h = new Sha256();
      h.update(bytes.subarray(0, n >> 1));
      h.update(bytes.subarray(n >> 1, (n >> 1) + 3));
      h.update(bytes.subarray((n >> 1) + 3));
      expect(h.digest(), `length ${n}`).toBe(createHash("sha256").update(bytes).digest("hex"));
    }
  });

  it("gives the published digest of 'abc'", () => {
    const h = new Sha256();
    h.update(new TextEncoder().encode("abc"));
    expect(h.digest()).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });
});
