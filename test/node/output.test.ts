import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { JsonArrayWriter, TimelineSorter, timelineLine } from "../../src/node/output.js";
import { recordJson, toJson } from "../../src/core/report/json.js";

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
