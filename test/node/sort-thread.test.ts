import { execFileSync } from "node:child_process";
import { closeSync, constants, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { TimelineSorter, timelineLine } from "../../src/node/output.js";
import { SortThread, sortThreadEnabled } from "../../src/node/sort-thread.js";
import type { TimelineEvent } from "../../src/core/types.js";

/** Deterministic events: shared timestamps (ties decided by the rest of the line), timestamps without the
 *  fixed shape, text whose UTF-8 byte order differs from JavaScript's UTF-16 order (U+FFFD vs 😀), quotes and
 *  newlines, and a few lines longer than a staging block. */
function events(n: number, seed: number): TimelineEvent[] {
  const rand = (k: number) => Math.floor(((seed = (seed * 48271) % 2147483647) / 2147483647) * k);
  const texts = ["a", "b", "é", "\ufffd", "😀", "z\u00e9", "", '"q"', "日本語"];
  const stamps = ["2021-03-04 05:06:07.000001", "2021-03-04 05:06:07.000002", "1970-01-01 00:00:00.000000", "2021-03-04 05:06:08.000000", "9999-12-31 23:59:59.999999"];
  const out: TimelineEvent[] = [];
  for (let i = 0; i < n; i++) {
    const ts = rand(15) === 0 ? ["", "2021-03-04", "2021-03-04 05:06:07", '2021-03-04 05:06:07.00000"'][rand(4)] : stamps[rand(stamps.length)];
    out.push({ timestamp: ts, module: `m${rand(3)}`, event: texts[rand(texts.length)], data: texts[rand(texts.length)] + (i % 5 ? i % 11 : "\r\nx\ny") });
  }
  out.splice(n >> 1, 0, { timestamp: stamps[0], module: "m1", event: "big", data: "x".repeat(1_300_000) });
  out.splice(n >> 2, 0, { timestamp: "", module: "m1", event: "big", data: "é".repeat(600_000) });
  return out;
}

/** A sorter with the sorter thread on or off (SPYSCOPE_SORT_THREAD=0 and OutputFolder's sortThread: false). */
const makeSorter = (threaded: boolean, chunkLines: number, chunkBytes: number) => new TimelineSorter(chunkLines, chunkBytes, threaded);

describe("timeline sorter thread", () => {
  let tmp: string;
  let savedTmp: string | undefined;
  beforeEach(() => {
    // The sorters' temporary chunk folders go here (os.tmpdir() reads TMPDIR), so the test sees all of them.
    tmp = mkdtempSync(path.join(os.tmpdir(), "spyscope-sort-"));
    savedTmp = process.env.TMPDIR;
    process.env.TMPDIR = path.join(tmp, "scratch");
    mkdirSync(process.env.TMPDIR);
  });
  afterEach(() => {
    if (savedTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmp;
    rmSync(tmp, { recursive: true, force: true });
  });
  const scratchLeft = () => readdirSync(path.join(tmp, "scratch"));

  it("writes chunk files and timeline.csv byte-identical to the in-thread sorter over many spills", async () => {
    const evs = events(20_000, 11);
    const lines = evs.map(timelineLine);
    const expected = ["header", ...[...lines].sort(), ""].join("\n");
    // ~8 KiB runs (about a hundred spills, each line beyond a run's size alone), and 300-line runs.
    for (const [chunkLines, chunkBytes] of [[1_000_000, 8192], [300, 1 << 30]]) {
      const chunks: string[][] = [];
      for (const threaded of [true, false]) {
        const sorter = makeSorter(threaded, chunkLines, chunkBytes);
        for (const e of evs) sorter.addEvent(e);
        const h = sorter.handOver();
        expect(h.files.length).toBeGreaterThan(60);
        chunks.push(h.files.map((f) => path.basename(f) + "\n" + readFileSync(f, "utf8")));
        // The handed-over chunks merged by another sorter, as the two-thread check-backup does.
        const main = makeSorter(threaded, chunkLines, chunkBytes);
        main.adopt(h);
        const out = path.join(tmp, `timeline-${threaded}.csv`);
        await main.writeTo(out, "header");
        expect(readFileSync(out, "utf8")).toBe(expected);
      }
      expect(chunks[0]).toEqual(chunks[1]);
      // Each chunk is itself sorted.
      for (const c of chunks[0]) {
        const body = c.split("\n").slice(1, -1);
        expect([...body].sort()).toEqual(body);
      }
    }
    expect(scratchLeft()).toEqual([]);
  });

  it("is on unless SPYSCOPE_SORT_THREAD=0", () => {
    expect(sortThreadEnabled({})).toBe(true);
    expect(sortThreadEnabled({ SPYSCOPE_SORT_THREAD: "1" })).toBe(true);
    expect(sortThreadEnabled({ SPYSCOPE_SORT_THREAD: "0" })).toBe(false);
  });

  it("sorts several sorters' runs on the one thread without mixing them up", async () => {
    const a = events(6000, 3).map(timelineLine);
    const b = events(6000, 5).map(timelineLine);
    const sa = makeSorter(true, 250, 1 << 30);
    const sb = makeSorter(true, 170, 1 << 30);
    for (let i = 0; i < a.length; i++) {
      sa.add(a[i]);
      sb.add(b[i]);
    }
    await sa.writeTo(path.join(tmp, "a.csv"), "h");
    await sb.writeTo(path.join(tmp, "b.csv"), "h");
    expect(readFileSync(path.join(tmp, "a.csv"), "utf8")).toBe(["h", ...[...a].sort(), ""].join("\n"));
    expect(readFileSync(path.join(tmp, "b.csv"), "utf8")).toBe(["h", ...[...b].sort(), ""].join("\n"));
    expect(scratchLeft()).toEqual([]);
  });

  for (const threaded of [true, false]) {
    it(`reports a chunk that cannot be written, naming it, and leaves no temporary folder (thread ${threaded ? "on" : "off"})`, async () => {
      const line = timelineLine({ timestamp: "2021-01-01 00:00:00.000000", module: "m", event: "e", data: "x".repeat(100) });
      const sorter = makeSorter(threaded, 100, 1 << 30);
      for (let i = 0; i < 100; i++) sorter.add(line);
      // The first chunk's folder exists now; take it away (a full or failing disk behaves alike: the write
      // fails). With the thread, the first chunk itself may or may not be written by then.
      const [folder] = scratchLeft();
      expect(folder).toMatch(/^spyscope-timeline-/);
      rmSync(path.join(tmp, "scratch", folder), { recursive: true });
      let thrown: unknown;
      try {
        for (let i = 0; i < 1000; i++) sorter.add(line);
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(Error);
      expect((thrown as Error).message).toMatch(new RegExp(`^writing timeline chunk .*${folder}/chunk-\\d+\\.csv failed: .*ENOENT`));
      // Lines after the failure are dropped, and the failure is thrown again when the timeline is written.
      expect(() => sorter.add(line)).not.toThrow();
      await expect(sorter.writeTo(path.join(tmp, "t.csv"), "h")).rejects.toThrow((thrown as Error).message);
      expect(scratchLeft()).toEqual([]);
    });
  }

  it("throws a failed chunk from handOver and removes its folder", () => {
    const line = timelineLine({ timestamp: "2021-01-01 00:00:00.000000", module: "m", event: "e", data: "y" });
    const sorter = makeSorter(true, 10, 1 << 30);
    for (let i = 0; i < 10; i++) sorter.add(line);
    const [folder] = scratchLeft();
    rmSync(path.join(tmp, "scratch", folder), { recursive: true });
    // The first chunk may or may not have been written yet; the last one cannot be.
    for (let i = 0; i < 5; i++) sorter.add(line);
    expect(() => sorter.handOver()).toThrow(/^writing timeline chunk .*chunk-\d\.csv failed: .*ENOENT/);
    expect(scratchLeft()).toEqual([]);
    // The thread goes on serving other sorters.
    const ok = makeSorter(true, 10, 1 << 30);
    for (let i = 0; i < 35; i++) ok.add(line);
    const h = ok.handOver();
    expect(h.files.map((f) => readFileSync(f, "utf8").split("\n").length - 1)).toEqual([10, 10, 10, 5]);
    rmSync(h.dir!, { recursive: true });
  });

  it("fails a wait, instead of waiting for ever, when no run finishes for the stall time (a thread stuck in a write)", () => {
    // Opening a FIFO for writing blocks until a reader comes: the thread is stuck the way a hung disk would
    // leave it, and cannot report anything.
    const fifo = path.join(tmp, "stuck.csv");
    execFileSync("mkfifo", [fifo]);
    const thread = new SortThread(300);
    const buf = new ArrayBuffer(2 << 20);
    new Uint8Array(buf).set(Buffer.from("x\n"));
    const u32 = () => new Uint32Array(1).buffer;
    const job = thread.submit({ buf, starts: new Uint32Array([0, 2]).buffer, ymd: u32(), hms: u32(), us: u32(), keyed: new Uint8Array(1).buffer, file: fifo, bytes: 2, lines: 1 });
    const t0 = Date.now();
    expect(() => thread.wait(job)).toThrow("the timeline sorter thread stopped: no timeline run finished for 0.3 s");
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(thread.stopped).toBe(true);
    // Let the blocked open return so the thread can end.
    closeSync(openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK));
  });
});
