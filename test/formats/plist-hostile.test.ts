// Hostile and malformed property lists: every failure must be a quick PlistError, never a hang,
// a stack overflow, an out-of-range read or a different exception type.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { makeMBFile, writeBinaryPlist, writeXmlPlist } from "../../src/core/formats/bplist-writer.js";
import { unarchive } from "../../src/core/formats/nskeyedarchiver.js";
import { parsePlist, PlistError } from "../../src/core/formats/plist.js";
import { IOS_BACKUP } from "../helpers/scan.js";

const GLOBAL_PREFS = `${IOS_BACKUP}/0d/0dc926a1810f7aee4e8f38793ed788701f93bf9d`;
const INFO_PLIST = `${IOS_BACKUP}/Info.plist`;

interface Craft {
  refSize?: number;
  offsetSize?: number;
  top?: number;
  numObjects?: number;
  tableOffset?: number;
  offsets?: number[];
}

/** Assemble a bplist00 from raw object encodings, with every trailer field overridable. */
function craft(objects: number[][], c: Craft = {}): Uint8Array {
  const offsetSize = c.offsetSize ?? 1;
  const body: number[] = [...new TextEncoder().encode("bplist00")];
  const offsets: number[] = [];
  for (const o of objects) {
    offsets.push(body.length);
    body.push(...o);
  }
  const tableOffset = body.length;
  for (const off of c.offsets ?? offsets) {
    for (let i = offsetSize - 1; i >= 0; i--) body.push(Math.floor(off / 256 ** i) % 256);
  }
  const trailer = new Uint8Array(32);
  const dv = new DataView(trailer.buffer);
  trailer[6] = offsetSize;
  trailer[7] = c.refSize ?? 1;
  dv.setBigUint64(8, BigInt(c.numObjects ?? objects.length));
  dv.setBigUint64(16, BigInt(c.top ?? 0));
  dv.setBigUint64(24, BigInt(c.tableOffset ?? tableOffset));
  return new Uint8Array([...body, ...trailer]);
}

/** parsePlist must either succeed or throw PlistError — nothing else — and do it fast. */
function expectPlistErrorOrValue(bytes: Uint8Array, label: string): void {
  const t0 = performance.now();
  try {
    parsePlist(bytes);
  } catch (e) {
    if (!(e instanceof PlistError)) throw new Error(`${label}: threw ${(e as Error)?.name}: ${(e as Error)?.message}`);
  }
  expect(performance.now() - t0, label).toBeLessThan(2000);
}

function expectPlistError(bytes: Uint8Array, pattern?: RegExp): PlistError {
  let caught: unknown;
  try {
    parsePlist(bytes);
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(PlistError);
  if (pattern) expect((caught as Error).message).toMatch(pattern);
  return caught as PlistError;
}

/** Deterministic PRNG (mulberry32) so failures reproduce. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("sanity of the crafting helper", () => {
  it("a crafted array of two ints parses", () => {
    expect(parsePlist(craft([[0xa2, 1, 2], [0x10, 7], [0x11, 1, 0]]))).toEqual([7, 256]);
  });
});

describe("hostile binary plists", () => {
  it("empty input and tiny inputs", () => {
    expectPlistError(new Uint8Array(0), /empty/);
    expectPlistError(new TextEncoder().encode("bplist00"), /truncated/);
    expectPlistError(new TextEncoder().encode("bplist15xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"), /unsupported binary property list version/);
  });

  it("every truncation of real plists is a PlistError", () => {
    for (const file of [GLOBAL_PREFS, INFO_PLIST]) {
      const full = new Uint8Array(readFileSync(file));
      for (let n = 0; n < full.length; n++) {
        const cut = full.subarray(0, n);
        let err: unknown;
        try {
          parsePlist(cut);
        } catch (e) {
          err = e;
        }
        expect(err, `${file} cut at ${n}`).toBeInstanceOf(PlistError);
      }
    }
  });

  it("self-referencing array and dict are cycle errors, not stack overflows", () => {
    expectPlistError(craft([[0xa1, 0]]), /cycle/);
    expectPlistError(craft([[0xd1, 1, 0], [0x51, 0x6b]]), /cycle/); // {"k": <itself>}
    expectPlistError(craft([[0xa1, 1], [0xa1, 2], [0xa1, 0]]), /cycle/); // a → b → c → a
  });

  it("a shared (DAG) object is fine and decoded once: 2^60 paths in linear time", () => {
    // object i = [i+1, i+1] for 60 levels, then a leaf.
    const objects: number[][] = [];
    for (let i = 0; i < 60; i++) objects.push([0xa2, i + 1, i + 1]);
    objects.push([0x10, 1]);
    const t0 = performance.now();
    const v = parsePlist(craft(objects)) as unknown[];
    expect(performance.now() - t0).toBeLessThan(500);
    expect(Array.isArray(v)).toBe(true);
  });

  it("deep nesting hits the depth cap", () => {
    const depth = 20_000;
    const objects: number[][] = [];
    for (let i = 0; i < depth; i++) objects.push([0xa1, (i + 1) >> 8, (i + 1) & 0xff]);
    objects.push([0x09]);
    const bytes = craft(objects, { refSize: 2, offsetSize: 4 });
    expectPlistError(bytes, /deeper/);
    // Even with the cap lifted, running out of JS stack surfaces as a PlistError.
    expect(() => parsePlist(bytes, { maxDepth: 1e9 })).toThrow(PlistError);
  });

  it("offsets, references and lengths out of range", () => {
    expectPlistError(craft([[0xa1, 1], [0x09]], { offsets: [8, 200] }), /offset/);
    expectPlistError(craft([[0xa1, 1], [0x09]], { offsets: [3, 10] }), /offset/); // inside the header
    expectPlistError(craft([[0xa1, 9], [0x09]]), /reference to object 9/);
    expectPlistError(craft([[0x5f, 0x10, 0xff, 0x41]]), /truncated/); // string claims 255 bytes
    expectPlistError(craft([[0x4f, 0x13, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]]), /absurdly large|truncated/);
    expectPlistError(craft([[0xaf, 0x13, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]]), /negative|absurdly/);
    expectPlistError(craft([[0x6f, 0x12, 0x40, 0, 0, 0]]), /truncated/); // UTF-16 string of 1G units
    expectPlistError(craft([[0x13, 1, 2]]), /truncated/); // 8-byte int cut short
    expectPlistError(craft([[0x09]], { top: 5 }), /top object/);
    expectPlistError(craft([[0x09]], { tableOffset: 5000 }), /offset table/);
    expectPlistError(craft([[0x09]], { tableOffset: 2 }), /offset table/);
    expectPlistError(craft([[0x09]], { offsetSize: 0 }), /offset size/);
    expectPlistError(craft([[0x09]], { refSize: 9 }), /reference size/);
    expectPlistError(craft([[0x09]], { numObjects: 0 }), /zero objects/);
    expectPlistError(craft([[0x01]]), /unsupported binary plist marker/);
    expectPlistError(craft([[0xe0]]), /unsupported binary plist marker/);
    expectPlistError(craft([[0x15, 0]]), /integer/);
    expectPlistError(craft([[0x21, 0, 0]]), /real/);
    expectPlistError(craft([[0xd1, 1, 1], [0xa0]]), /non-string key/);
  });

  it("huge object counts in the trailer fail fast", () => {
    for (const numObjects of [2 ** 32, 2 ** 52, 2 ** 62]) {
      const t0 = performance.now();
      expectPlistError(craft([[0x09]], { numObjects }));
      expect(performance.now() - t0).toBeLessThan(100);
    }
    // A count that fits the file but exceeds the caller's cap
    const big = writeBinaryPlist(Array.from({ length: 1000 }, (_, i) => i));
    expect(() => parsePlist(big, { maxObjects: 100 })).toThrow(/limit/);
    expect(() => parsePlist(big, { maxObjects: 2000 })).not.toThrow();
  });

  it("10 MB of garbage, raw and behind a bplist00 header, is rejected quickly", () => {
    const r = rng(42);
    const garbage = new Uint8Array(10 * 1024 * 1024);
    for (let i = 0; i < garbage.length; i++) garbage[i] = (r() * 256) | 0;
    garbage[0] = 0x8f; // not '<', not 'b'
    let t0 = performance.now();
    expectPlistError(garbage, /not a property list/);
    expect(performance.now() - t0).toBeLessThan(500);

    garbage.set(new TextEncoder().encode("bplist00"), 0);
    t0 = performance.now();
    expectPlistErrorOrValue(garbage, "garbage with header");
    expect(performance.now() - t0).toBeLessThan(2000);

    // garbage that starts like XML
    garbage[0] = 0x3c;
    t0 = performance.now();
    expectPlistError(garbage);
    expect(performance.now() - t0).toBeLessThan(2000);

    // a plausible trailer over 10 MB of garbage objects
    const trailer = new DataView(garbage.buffer, garbage.length - 32);
    garbage.set([0, 0, 0, 0, 0, 0, 4, 4], garbage.length - 32);
    trailer.setBigUint64(8, 1_000_000n);
    trailer.setBigUint64(16, 0n);
    trailer.setBigUint64(24, BigInt(garbage.length - 32 - 4_000_000));
    garbage.set(new TextEncoder().encode("bplist00"), 0);
    t0 = performance.now();
    expectPlistErrorOrValue(garbage, "garbage with a plausible trailer");
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it("random byte mutations of real plists and MBFile blobs only ever raise PlistError", () => {
    const seeds = [
      new Uint8Array(readFileSync(GLOBAL_PREFS)),
      new Uint8Array(readFileSync(INFO_PLIST)),
      makeMBFile({ relativePath: "Library/SMS/sms.db", mode: 0o100644, lastModified: 1_600_000_000, encryptionKey: new Uint8Array(40).fill(7) }),
      writeXmlPlist(parsePlist(new Uint8Array(readFileSync(INFO_PLIST)))),
    ];
    const r = rng(7);
    let parsed = 0;
    for (let iter = 0; iter < 20_000; iter++) {
      const src = seeds[iter % seeds.length];
      const m = src.slice();
      const flips = 1 + ((r() * 4) | 0);
      for (let k = 0; k < flips; k++) m[(r() * m.length) | 0] = (r() * 256) | 0;
      try {
        const v = parsePlist(m);
        parsed++;
        try {
          unarchive(v);
        } catch (e) {
          if (!(e instanceof PlistError)) throw new Error(`unarchive iteration ${iter}: ${(e as Error).name}: ${(e as Error).message}`);
        }
      } catch (e) {
        if (!(e instanceof PlistError)) throw new Error(`iteration ${iter}: ${(e as Error).name}: ${(e as Error).message}`);
      }
    }
    expect(parsed).toBeGreaterThan(0);
  });
});

describe("hostile XML plists", () => {
  const enc = (s: string) => new TextEncoder().encode(s);

  it("malformed documents are PlistErrors", () => {
    const bad = [
      "<",
      "<plist>",
      "<plist></plist>",
      "<plist><dict><key>a</key></dict></plist>",
      "<plist><dict><string>a</string></dict></plist>",
      "<plist><integer>12x</integer></plist>",
      "<plist><real>abc</real></plist>",
      "<plist><date>yesterday</date></plist>",
      "<plist><data>!!!</data></plist>",
      "<plist><blink/></plist>",
      "<plist><string>unterminated",
      "<plist><string><b>x</b></string></plist>",
      "<plist><true>yes</true></plist>",
      "<plist><array><string>x</string></plist>",
      "<plist><string>a</string><string>b</string></plist>",
      "<plist><string>a</string></plist> trailing",
      "<plist><!-- never closed </plist>",
      "<plist><key>k</key></plist>",
    ];
    for (const doc of bad) {
      let err: unknown;
      try {
        parsePlist(enc(doc));
      } catch (e) {
        err = e;
      }
      expect(err, doc).toBeInstanceOf(PlistError);
    }
  });

  it("deep nesting hits the depth cap instead of overflowing the stack", () => {
    const n = 200_000;
    expectPlistError(enc(`<plist>${"<array>".repeat(n)}${"</array>".repeat(n)}</plist>`), /deeper/);
  });

  it("object cap applies to XML too", () => {
    const doc = enc(`<plist><array>${"<true/>".repeat(5000)}</array></plist>`);
    expect(() => parsePlist(doc, { maxObjects: 1000 })).toThrow(PlistError);
    expect((parsePlist(doc) as unknown[]).length).toBe(5000);
  });

  it("__proto__ keys do not pollute prototypes", () => {
    const v = parsePlist(enc("<plist><dict><key>__proto__</key><dict><key>polluted</key><true/></dict></dict></plist>")) as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(v, "__proto__")).toBe(true);
  });

  it("every truncation of an XML plist is a PlistError", () => {
    const doc = new TextEncoder().encode(
      `<?xml version="1.0"?><plist version="1.0"><dict><key>a</key><array><integer>1</integer><string>x&amp;y</string><data>AAE=</data></array><key>b</key><true/></dict></plist>`,
    );
    for (let n = 0; n < doc.length; n++) {
      let err: unknown;
      try {
        parsePlist(doc.subarray(0, n));
      } catch (e) {
        err = e;
      }
      expect(err, `cut at ${n}`).toBeInstanceOf(PlistError);
    }
  });
});
