import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { JsonArrayWriter, OutputFolder, TimelineSorter, timelineLine } from "../../src/node/output.js";
import { recordJson, toJson } from "../../src/core/report/json.js";
import type { TimelineEvent } from "../../src/core/types.js";

describe("output writers", () => {
  it("sorts a timeline larger than one chunk by time through temporary chunk files", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "spyscope-out-"));
    const sorter = new TimelineSorter(1000);
    const n = 5500;
    for (let i = 0; i < n; i++) {
      const t = (i * 7919) % n;
      const ts = `2020-01-01 00:${String(Math.floor(t / 60) % 60).padStart(2, "0")}:${String(t % 60).padStart(2, "0")}.${String(t).padStart(6, "0")}`;
      sorter.add(timelineLine({ timestamp: ts, module: "M", event: "e", data: `line ${t}\nsecond` }));
    }
    await sorter.writeTo(path.join(dir, "timeline.csv"), "header");
    const lines = readFileSync(path.join(dir, "timeline.csv"), "utf8").trimEnd().split("\n");
    expect(lines.length).toBe(n + 1);
    const body = lines.slice(1);
    expect([...body].sort()).toEqual(body);
    expect(body[0]).toContain("line 0\\nsecond");
  });

  it("orders timestamp ties, odd timestamps and non-ASCII text exactly as a plain string sort, in memory and through chunks", async () => {
    // Deterministic mix: shared timestamps (ties decided by the rest of the line), lines without the fixed
    // timestamp shape, and text whose UTF-8 byte order differs from JavaScript's UTF-16 order (U+FFFD vs 😀).
    let seed = 7;
    const rand = (n: number) => Math.floor(((seed = (seed * 48271) % 2147483647) / 2147483647) * n);
    const texts = ["a", "b", "é", "\ufffd", "😀", "z\u00e9", "", '"q"'];
    const stamps = ["2021-03-04 05:06:07.000001", "2021-03-04 05:06:07.000002", "1970-01-01 00:00:00.000000", "2021-03-04 05:06:08.000000", "9999-12-31 23:59:59.999999"];
    const events: TimelineEvent[] = [];
    for (let i = 0; i < 3000; i++) {
      const ts = rand(20) === 0 ? ["", "2021-03-04", "2021-03-04 05:06:07", '2021-03-04 05:06:07.00000"'][rand(4)] : stamps[rand(stamps.length)];
      events.push({ timestamp: ts, module: `m${rand(3)}`, event: texts[rand(texts.length)], data: texts[rand(texts.length)] + (i % 7 ? i % 7 : "\r\nx\ny") });
    }
    const lines = events.map(timelineLine);
    // Lines longer than the merge's 1 MiB read blocks.
    lines.push(timelineLine({ timestamp: stamps[0], module: "m1", event: "big", data: "x".repeat(1_500_000) }));
    lines.push(timelineLine({ timestamp: "", module: "m1", event: "big", data: "é".repeat(700_000) }));
    const keyedOnly = lines.filter((l) => l.length > 28 && l[27] === '"');
    // One run in memory, runs of 250 lines, runs of ~8 KiB.
    for (const [input, chunkLines, chunkBytes] of [[lines, 10_000, 1 << 30], [lines, 250, 1 << 30], [keyedOnly, 250, 1 << 30], [lines, 10_000, 8192]] as const) {
      const dir = mkdtempSync(path.join(os.tmpdir(), "spyscope-out-"));
      const sorter = new TimelineSorter(chunkLines, chunkBytes);
      for (const l of input) sorter.add(l);
      await sorter.writeTo(path.join(dir, "timeline.csv"), "header");
      expect(readFileSync(path.join(dir, "timeline.csv"), "utf8")).toBe(["header", ...[...input].sort(), ""].join("\n"));
    }
    // Events added without building their line give the same bytes as their lines.
    const dir = mkdtempSync(path.join(os.tmpdir(), "spyscope-out-"));
    const byLine = new TimelineSorter(400);
    const byEvent = new TimelineSorter(400);
    for (const e of events) {
      byLine.add(timelineLine(e));
      byEvent.addEvent(e);
    }
    await byLine.writeTo(path.join(dir, "a.csv"), "h");
    await byEvent.writeTo(path.join(dir, "b.csv"), "h");
    expect(readFileSync(path.join(dir, "b.csv"), "utf8")).toBe(readFileSync(path.join(dir, "a.csv"), "utf8"));
  });

  it("writes a valid JSON array one record per line, with bigints exact and bytes as base64", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "spyscope-out-"));
    const w = new JsonArrayWriter(path.join(dir, "x.json"));
    w.push({ date: 588813210539788032n, blob: new Uint8Array([1, 2, 3, 255]), when: new Date(Date.UTC(2021, 11, 3, 19, 33, 13)) });
    w.push({ a: 1 });
    w.close();
    const text = readFileSync(path.join(dir, "x.json"), "utf8");
    expect(text.split("\n")[1]).toBe('{"date":588813210539788032,"blob":"AQID/w==","when":"2021-12-03 19:33:13.000000"},');
    expect(JSON.parse(text)).toHaveLength(2);
    expect(toJson({ b: Buffer.from("hi") }, 0)).toBe('{"b":"aGk="}');
    // Empty bytes from either engine (better-sqlite3 gives a Buffer, sql.js a Uint8Array), and a real {}.
    expect(toJson({ b: new Uint8Array(0), c: Buffer.alloc(0), o: {} }, 0)).toBe('{"b":"","c":"","o":{}}');
  });

  it("serialises records through compiled per-shape serialisers exactly as toJson does", () => {
    const records: unknown[] = [
      { ROWID: 1, date: 713916803129900000n, small: 5n, text: 'a "quote"\n\u2028 é \ud800', f: 1.5, nan: NaN, neg: -0, ok: true, none: null },
      { ROWID: 2, date: 713916803129900001n, small: -7n, text: "", f: 1e21, nan: Infinity, neg: 0, ok: false, none: null },
      { blob: new Uint8Array([1, 2, 3, 255]), when: new Date(Date.UTC(2021, 11, 3, 19, 33, 13)), links: ["https://x.test/a"], empty: [] },
      { nested: { big: 1n, list: [2n, { d: new Date(0) }] }, gone: undefined, fn: () => 1, after: 1 },
      { 2: "two", 1: "one", b: "b", a: "a" },
      JSON.parse('{"__proto__": {"x": 1}, "y": 2}'),
      Object.assign(Object.create(null), { z: 1 }),
      {},
      [1, 2n],
      "plain string",
    ];
    for (const r of records) expect(recordJson(r)).toBe(toJson(r, 0));
    // The same shape again after other shapes (the cache's last-shape fast path must not be reused wrongly).
    expect(recordJson({ ROWID: 3, x: 1 })).toBe('{"ROWID":3,"x":1}');
    expect(recordJson({ ROWID: 3, y: 1 })).toBe('{"ROWID":3,"y":1}');
    expect(recordJson(records[0])).toBe(toJson(records[0], 0));
    expect(recordJson(records[0])).toContain('"date":713916803129900000,"small":5,');
  });
});

describe("OutputFolder.writeJsonArray", () => {
  it("writes byte for byte what toJson writes for the whole array", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "spyscope-wja-"));
    try {
      const out = new OutputFolder(dir);
      const items = [
        { level: "HIGH", event: { date: 588813210539788032n, text: "line one\nline two \"quoted\"", nested: [1, { a: null }] } },
        { level: "LOW", event: {}, list: [] },
        "plain",
      ];
      const cases: [string, unknown[]][] = [["many.json", items], ["one.json", [items[0]]], ["none.json", []]];
      for (const [name, list] of cases) {
        out.writeJsonArray(name, list, (x) => x);
        expect(readFileSync(path.join(dir, name), "utf8")).toBe(toJson(list) + "\n");
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
