import { describe, expect, it } from "vitest";
import { chunksOf, hasLongDigitRun, jsonElements, JsonStreamError } from "../../src/core/formats/json-stream.js";

const enc = (s: string) => new TextEncoder().encode(s);
async function all(text: string | Uint8Array, chunk = 1 << 16, opts = {}): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const v of jsonElements(chunksOf(typeof text === "string" ? enc(text) : text, chunk), opts)) out.push(v);
  return out;
}

const TRICKY = [
  { path: "/a/{weird}[name]", n: 1, nested: { list: [1, [2, { x: "]" }]] } },
  { path: 'quote " and \\ backslash \\"}', mode: "-rwx", e: "" },
  { path: "ünïcødé ✓ 😀", size: 0 },
  { ends: "two backslashes \\\\", then: "one \\", q: "\\\"" },
];

describe("jsonElements", () => {
  it("reads a one-line JSON array, a pretty-printed one and NDJSON alike", async () => {
    expect(await all(JSON.stringify(TRICKY))).toEqual(TRICKY);
    expect(await all(JSON.stringify(TRICKY, null, 4))).toEqual(TRICKY);
    expect(await all(TRICKY.map((t) => JSON.stringify(t)).join("\n") + "\n")).toEqual(TRICKY);
    expect(await all(TRICKY.map((t) => JSON.stringify(t)).join("\r\n"))).toEqual(TRICKY);
  });

  it("gives the same elements whatever the chunk boundaries (inside strings, escapes, multi-byte characters)", async () => {
    const bytes = enc(JSON.stringify(TRICKY));
    for (let size = 1; size <= 17; size++) expect(await all(bytes, size)).toEqual(TRICKY);
    const nd = enc(TRICKY.map((t) => JSON.stringify(t)).join("\n"));
    for (let size = 1; size <= 9; size++) expect(await all(nd, size)).toEqual(TRICKY);
  });

  it("cuts NDJSON lines that straddle chunks, with blank lines, trailing blanks, CRLF and long numbers", async () => {
    const values = Array.from({ length: 60 }, (_, i) => ({ i, path: "/p/".repeat(i % 7) + "f", n: i % 5 ? i * 1000003 : 12345678901234567890n }));
    const text = values
      .map((v, i) => JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? `BIG${x}` : x)).replace(/"BIG(\d+)"/, "$1") + (i % 3 ? "\n" : "  \r\n") + (i % 4 ? "" : "\n"))
      .join("");
    for (const size of [1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 1 << 16]) expect(await all(text, size), `chunks of ${size}`).toEqual(values);
    const long = `{"a":"${"z".repeat(3000)}"}\n`;
    await expect(all(`{"a":1}\n${long}`, 100, { maxElementChars: 1000 })).rejects.toThrow(/element 1 is larger than 1000 characters/);
    expect(await all(`{"a":1}\n${long}`, 100, { maxElementChars: 4000 })).toEqual([{ a: 1 }, { a: "z".repeat(3000) }]);
  });

  it("cuts array objects right when braces, commas and brackets hide in strings or nested objects", async () => {
    const values = [
      { a: "},", b: 1 },
      { b: { c: 1 }, d: 2 },
      { e: "}]", f: [{ g: "}" }] },
      { deep: { x: { y: { z: { w: 1 } } } }, after: "}, {" },
      { big: 12345678901234567890n, s: "x}" },
      {},
    ];
    const text = "[" + values.map((v) => JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? `BIG${x}` : x)).replace(/"BIG(\d+)"/, "$1")).join(",") + "]";
    for (let size = 1; size <= 40; size++) expect(await all(text, size), `chunks of ${size}`).toEqual(values);
    expect(await all(text.replace(/},{/g, "} ,\n {"), 1 << 16)).toEqual(values);
    const bad: number[] = [];
    expect(await all('[{"a":1},{"b":"}",},{"c":3}]', 1 << 16, { onBadElement: (i: number) => bad.push(i) })).toEqual([{ a: 1 }, { c: 3 }]);
    expect(bad).toEqual([1]);
  });

  it("reads arrays of scalars (root_binaries.json, mounts.json)", async () => {
    expect(await all('[\n  "/system/bin/su",\n  "/a,b]c"\n]')).toEqual(["/system/bin/su", "/a,b]c"]);
    expect(await all("[1, 2.5, true, null, -3]", 2)).toEqual([1, 2.5, true, null, -3]);
    expect(await all("[]")).toEqual([]);
    expect(await all("")).toEqual([]);
  });

  it("reports a truncated array after yielding every complete element", async () => {
    const text = JSON.stringify(TRICKY);
    const got: unknown[] = [];
    const err = await (async () => {
      try {
        for await (const v of jsonElements(chunksOf(enc(text.slice(0, text.length - 10)), 7))) got.push(v);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(JsonStreamError);
    expect(String(err)).toMatch(new RegExp(`ends inside element ${TRICKY.length - 1}`));
    expect(got).toEqual(TRICKY.slice(0, -1));
    await expect(all('[{"a":1}')).rejects.toThrow(/before the closing '\]' after 1 elements/);
  });

  it("skips elements that do not parse when asked to, and names them", async () => {
    const bad: string[] = [];
    const got = await all('{"a":1}\n{"b":2,,}\n{"c":3}\n', 5, { onBadElement: (i: number, r: string) => bad.push(`${i}: ${r}`) });
    expect(got).toEqual([{ a: 1 }, { c: 3 }]);
    expect(bad).toHaveLength(1);
    expect(bad[0]).toMatch(/^1: /);
    await expect(all('[{"a":1},{"b":,}]')).rejects.toThrow(/element 1/);
  });

  it("refuses an element over the size bound instead of buffering it", async () => {
    const big = JSON.stringify([{ a: "x".repeat(5000) }]);
    await expect(all(big, 512, { maxElementChars: 1000 })).rejects.toThrow(/larger than 1000 characters/);
    const unterminated = '["' + "y".repeat(5000);
    await expect(all(unterminated, 512, { maxElementChars: 1000 })).rejects.toThrow(/larger than 1000/);
  });

  it("refuses content after the closing bracket", async () => {
    await expect(all('[{"a":1}] {"b":2}')).rejects.toThrow(/after the closing/);
  });
});

describe("parseKeepingBigIntegers", () => {
  it("keeps integers beyond 2^53 exact as BigInt, leaves strings and small numbers alone", async () => {
    const text = '{"SerialNumber": 955466096586930338769951715633687128507538251257, "n": 1277507236, "s": "12345678901234567890", "f": 1.5e300, "neg": -9007199254740993}';
    const got = (await all(`[${text}]`))[0] as Record<string, unknown>;
    expect(got.SerialNumber).toBe(955466096586930338769951715633687128507538251257n);
    expect(got.n).toBe(1277507236);
    expect(got.s).toBe("12345678901234567890");
    expect(got.f).toBe(1.5e300);
    expect(got.neg).toBe(-9007199254740993n);
  });
});

describe("big integers in NDJSON", () => {
  it("keeps them exact in objects, arrays and top-level values; digits inside strings stay strings", async () => {
    const got = await all('{"a": 12345678901234567890}\n[1, 98765432109876543210]\n-12345678901234567890\n{"s": "x:12345678901234567890"}\n', 7);
    expect(got).toEqual([{ a: 12345678901234567890n }, [1, 98765432109876543210n], -12345678901234567890n, { s: "x:12345678901234567890" }]);
  });
});

describe("hasLongDigitRun", () => {
  it("spots a number of 16+ digits wherever the run falls, and nothing shorter or glued to a word", () => {
    for (let lead = 0; lead < 40; lead++) {
      const pad = " ".repeat(lead);
      expect(hasLongDigitRun(`{"a":${pad}1234567890123456}`), `at ${lead}`).toBe(true);
      expect(hasLongDigitRun(`[1,${pad}-9999999999999999]`), `at ${lead}`).toBe(true);
      expect(hasLongDigitRun(`{"a":${pad}123456789012345}`), `15 digits at ${lead}`).toBe(false);
      expect(hasLongDigitRun(`{"a":"x${pad}12345678901234567890"}`), `in a word at ${lead}`).toBe(false);
    }
    expect(hasLongDigitRun("12345678901234567")).toBe(true);
    expect(hasLongDigitRun('{"s":"' + "7".repeat(100_000) + '"}')).toBe(false);
  });

  it("agrees with the regular expression it replaces on random text of digits and separators", () => {
    const re = /(?:^|[:,[])[ \t\r\n]*-?\d{16}/;
    const alphabet = "0123456789:,[- \"a\n";
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    let positives = 0;
    for (let t = 0; t < 20_000; t++) {
      let s = "";
      for (let i = Math.floor(rnd() * 60); i > 0; i--) s += rnd() < 0.75 ? String(Math.floor(rnd() * 10)) : alphabet[Math.floor(rnd() * alphabet.length)];
      const want = re.test(s);
      if (want) positives++;
      expect(hasLongDigitRun(s), JSON.stringify(s)).toBe(want);
    }
    expect(positives).toBeGreaterThan(100);
  });
});
