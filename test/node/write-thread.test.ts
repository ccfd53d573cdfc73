import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { closeSync, constants, existsSync, mkdtempSync, openSync, readFileSync, readSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { FileWriter } from "../../src/node/output.js";
import { SLOT_BYTES } from "../../src/node/write-thread.js";

describe("background write thread", () => {
  it("keeps each file's bytes in order while several files are written at once", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "spyscope-wt-"));
    try {
      const names = ["a", "b", "c"];
      const writers = names.map((n) => new FileWriter(path.join(dir, n)));
      const expected = names.map(() => [] as string[]);
      // Enough to cycle every shared slot several times (lines of different lengths, some multi-byte).
      for (let i = 0; i < 200_000; i++) {
        const k = i % 3;
        const line = `${names[k]}:${i}:${"é".repeat(i % 17)}${"x".repeat(i % 101)}\n`;
        writers[k].write(line);
        expected[k].push(line);
      }
      // A string larger than a slot, and raw bytes larger than a slot.
      const big = "z".repeat(SLOT_BYTES + 12345) + "\n";
      writers[0].write(big);
      expected[0].push(big);
      const raw = Buffer.alloc(SLOT_BYTES * 2 + 7, 0x41);
      writers[1].writeRaw(raw);
      expected[1].push(raw.toString("latin1"));
      for (const w of writers) w.close();
      names.forEach((n, k) => expect(readFileSync(path.join(dir, n), "utf8")).toBe(expected[k].join("")));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!existsSync("/dev/full"))("reports a failed write (a full disk), and later files still write", () => {
    const w = new FileWriter("/dev/full");
    const chunk = "y".repeat(64 * 1024);
    expect(() => {
      for (let i = 0; i < 64; i++) w.write(chunk);
      w.close();
    }).toThrow(/writing \/dev\/full failed: .*ENOSPC/);
    const dir = mkdtempSync(path.join(os.tmpdir(), "spyscope-wt-"));
    try {
      const ok = new FileWriter(path.join(dir, "after"));
      ok.write("still fine\n");
      ok.close();
      expect(readFileSync(path.join(dir, "after"), "utf8")).toBe("still fine\n");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("gives up with an error when nothing is written for the stall time (a hung disk), and later files still write", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "spyscope-wt-"));
    // A FIFO nobody reads: the thread's write blocks once the pipe is full, as on a hung disk. (Opened for
    // reading first, without blocking, so that opening it for writing does not block.)
    const fifo = path.join(dir, "stuck.json");
    execFileSync("mkfifo", [fifo]);
    const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    process.env.SPYSCOPE_TEST_WRITE_STALL_MS = "300";
    try {
      const w = new FileWriter(fifo);
      const t0 = Date.now();
      expect(() => {
        for (let i = 0; i < 8; i++) w.write("y".repeat(64 * 1024));
        w.close();
      }).toThrow("the output write thread wrote nothing for 0.3 s (a hung disk?)");
      expect(Date.now() - t0).toBeLessThan(5_000);
      const ok = new FileWriter(path.join(dir, "after"));
      ok.write("still fine\n");
      ok.close();
      expect(readFileSync(path.join(dir, "after"), "utf8")).toBe("still fine\n");
    } finally {
      delete process.env.SPYSCOPE_TEST_WRITE_STALL_MS;
      // Let the blocked write return so the stuck thread can end.
      const sink = Buffer.alloc(1 << 16);
      try {
        while (readSync(reader, sink) > 0);
      } catch {
        /* EAGAIN: nothing more to read for now */
      }
      closeSync(reader);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
