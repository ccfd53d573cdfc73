import { describe, it, expect } from "vitest";
import { parseStixPattern, tokenizePattern } from "../../src/core/indicators/stix-pattern.js";

const pairs = (pattern: string) => parseStixPattern(pattern).comparisons.map((c) => [c.objectPath, c.value]);

describe("STIX pattern parser", () => {
  it("reads the simple forms feeds use", () => {
    expect(pairs("[domain-name:value = 'example.org']")).toEqual([["domain-name:value", "example.org"]]);
    expect(pairs("[domain-name:value='example.org']")).toEqual([["domain-name:value", "example.org"]]);
    expect(pairs("  [ process:name\t=\n'Launch' ]  ")).toEqual([["process:name", "Launch"]]);
    const r = parseStixPattern("[url:value = 'http://statsads.co/2dL8ARH']");
    expect(r).toEqual({
      comparisons: [{ objectPath: "url:value", objectType: "url", properties: ["value"], value: "http://statsads.co/2dL8ARH" }],
      warnings: [],
      error: null,
    });
  });

  it("reads object paths with quoted components", () => {
    const [quoted] = parseStixPattern("[file:hashes.'SHA-256'='570cd76bf49cf52e0cb347a68bdcf0590b2eaece134e1b1eba7e8d66261bdbe6']").comparisons;
    expect(quoted.objectPath).toBe("file:hashes.SHA-256");
    expect(quoted.properties).toEqual(["hashes", "SHA-256"]);
    const [plain] = parseStixPattern("[file:hashes.sha256 = 'abc']").comparisons;
    expect(plain.properties).toEqual(["hashes", "sha256"]);
    expect(pairs("[app:cert.sha256='00ff']")).toEqual([["app:cert.sha256", "00ff"]]);
    expect(pairs("[file:extensions.'windows-pebinary-ext'.sections[*].name = 'x']")).toEqual([
      ["file:extensions.windows-pebinary-ext.sections[*].name", "x"],
    ]);
  });

  it("keeps = and quotes inside values", () => {
    expect(pairs("[url:value = 'https://e.example/?a=b&c=d']")).toEqual([["url:value", "https://e.example/?a=b&c=d"]]);
    expect(pairs("[file:name = 'it\\'s = \\\\ here']")).toEqual([["file:name", "it's = \\ here"]]);
    expect(pairs("[url:value = 'x]\\' OR [y:z=\\'w']")).toEqual([["url:value", "x]' OR [y:z='w"]]);
    expect(pairs("[process:name = '']")).toEqual([["process:name", ""]]);
  });

  it("collects every equality of OR-joined comparisons and observations", () => {
    expect(pairs("[domain-name:value='a.example' OR domain-name:value='b.example']")).toEqual([
      ["domain-name:value", "a.example"],
      ["domain-name:value", "b.example"],
    ]);
    expect(pairs("[domain-name:value='a.example'] OR ([ipv4-addr:value='198.51.100.1'] OR [url:value='http://c.example/'])")).toEqual([
      ["domain-name:value", "a.example"],
      ["ipv4-addr:value", "198.51.100.1"],
      ["url:value", "http://c.example/"],
    ]);
    expect(pairs("[(process:name = 'a' OR (process:name = 'b')) OR process:name IN ('c', 'd')]")).toEqual([
      ["process:name", "a"],
      ["process:name", "b"],
      ["process:name", "c"],
      ["process:name", "d"],
    ]);
  });

  it("matches AND-joined equalities one by one, with a warning", () => {
    const r = parseStixPattern("[file:name = 'a.js' AND file:size = 10] AND [email-addr:value = 'x@example.org']");
    expect(r.error).toBeNull();
    expect(r.comparisons.map((c) => c.value)).toEqual(["a.js", "x@example.org"]);
    expect(r.warnings.join("\n")).toMatch(/AND between comparisons/);
    expect(r.warnings.join("\n")).toMatch(/AND between observations/);
    expect(r.warnings.join("\n")).toMatch(/file:size = 10 is not an equality with a string/);
  });

  it("skips other operators, negations and EXISTS with warnings", () => {
    const r = parseStixPattern(
      "[domain-name:value != 'a'] OR [domain-name:value LIKE '%.example'] OR [file:name NOT = 'b'] OR [file:size > 5] OR [EXISTS file:name] OR [url:value MATCHES '^x']",
    );
    expect(r.error).toBeNull();
    expect(r.comparisons).toEqual([]);
    expect(r.warnings).toHaveLength(6);
  });

  it("parses qualifiers and FOLLOWEDBY and ignores them", () => {
    const r = parseStixPattern(
      "([domain-name:value='a.example'] FOLLOWEDBY [process:name='x']) WITHIN 300 SECONDS START t'2021-01-01T00:00:00Z' STOP t'2022-01-01T00:00:00Z' REPEATS 2 TIMES",
    );
    expect(r.error).toBeNull();
    expect(r.comparisons.map((c) => c.value)).toEqual(["a.example", "x"]);
    expect(r.warnings.some((w) => w.includes("qualifiers"))).toBe(true);
  });

  it("tolerates a missing pair of brackets", () => {
    const r = parseStixPattern("domain-name:value = 'example.org'");
    expect(r.comparisons.map((c) => c.value)).toEqual(["example.org"]);
    expect(r.warnings).toEqual(["observation expression without brackets"]);
  });

  it("returns an error, never throws, on bad input", () => {
    for (const bad of [
      "",
      "   ",
      "[domain-name:value = 'unterminated]",
      "[domain-name:value = 'a'",
      "[domain-name:value 'a']",
      "[= 'a']",
      "[domain-name: = 'a']",
      "[domain-name:value = 'a'] trailing",
      "[a:b = 'c'] OR",
      "((([a:b='c']))",
      "[a:b = 'c' OR]",
      "[a:b = @]",
      "[a:b IN ('x', ]",
      "domain-name:value='a' OR [x:y='z']",
    ]) {
      const r = parseStixPattern(bad);
      expect(r.error, bad).toBeTruthy();
      expect(r.comparisons, bad).toEqual([]);
    }
    for (const notString of [undefined, null, 42, {}, ["[a:b='c']"]]) {
      expect(parseStixPattern(notString).error).toBeTruthy();
    }
  });

  it("warns about escapes STIX does not define, keeping the character", () => {
    const r = parseStixPattern("[file:name = 'a\\nb']");
    expect(r.comparisons[0].value).toBe("anb");
    expect(r.warnings[0]).toMatch(/unknown escape/);
  });

  it("fast path and full parser agree", () => {
    // The second form is not eligible for the fast path (a parenthesis) and goes through the grammar.
    const fast = parseStixPattern("[file:hashes.'SHA-1' = 'da06']").comparisons;
    const full = parseStixPattern("[(file:hashes.'SHA-1' = 'da06')]").comparisons;
    expect(full).toEqual(fast);
  });

  it("tokenizes typed literals, numbers and operators", () => {
    const kinds = tokenizePattern("[x:y <= -5] t'2020-01-01T00:00:00Z' h'ff' b'AA==' <> !=").map((t) => `${t.kind}:${t.text}`);
    expect(kinds).toEqual([
      "punct:[",
      "word:x",
      "punct::",
      "word:y",
      "op:<=",
      "number:-5",
      "punct:]",
      "typed:2020-01-01T00:00:00Z",
      "typed:ff",
      "typed:AA==",
      "op:<>",
      "op:!=",
      "end:",
    ]);
  });
});
