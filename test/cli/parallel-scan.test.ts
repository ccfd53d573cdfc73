// check-backup split across two threads (src/node/parallel-scan.ts) writes exactly what one thread writes:
// every output file byte for byte, info.json apart from its times and the thread count; on a plain and an
// encrypted backup, and when the worker thread fails (its modules then run again on the main thread).
// The worker runs from the build (dist/node/scan-worker.js), so these tests drive the built CLI.

import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encryptBackup } from "../../src/node/generate/encrypt-backup.js";
import { BUNDLED_PEGASUS_STIX, generateIosBackup, projectRoot } from "../../src/node/generate/ios-backup.js";
import { runCli } from "../helpers/cli.js";
import { hashTree } from "../helpers/hash.js";

const STIX = path.join(projectRoot(), BUNDLED_PEGASUS_STIX);
const PASSWORD = "threads-pw-4411";

const check = (args: string[], env: Record<string, string>) => runCli(["check-backup", ...args], env);

/** info.json without what differs from run to run (times, durations) or between the two modes. */
function stableInfo(dir: string): Record<string, unknown> {
  const info = JSON.parse(readFileSync(path.join(dir, "info.json"), "utf8"));
  delete info.date;
  delete info.finished;
  delete info.scan_threads;
  delete info.summary.ms;
  for (const m of info.coverage.modules) delete m.ms;
  return info;
}

function expectSameOutput(one: string, two: string): void {
  const files = readdirSync(one).sort();
  expect(readdirSync(two).sort()).toEqual(files);
  expect(files).toContain("timeline.csv");
  expect(files).toContain("urls.json");
  for (const f of files) {
    if (f === "info.json") continue;
    expect(readFileSync(path.join(two, f)).equals(readFileSync(path.join(one, f))), f).toBe(true);
  }
  expect(stableInfo(two)).toEqual(stableInfo(one));
}

describe("check-backup on two threads", () => {
  let base: string;
  let plain: string;
  let enc: string;
  let before: Map<string, string>;

  beforeAll(async () => {
    base = mkdtempSync(path.join(os.tmpdir(), "spyscope-threads-test-"));
    plain = (await generateIosBackup({ dir: path.join(base, "plain"), rows: 3000, seed: 21, plant: true })).dir;
    enc = (await encryptBackup({ source: plain, dest: path.join(base, "enc"), password: PASSWORD, iterations: 1000, dpIterations: 20_000 })).dest;
    before = new Map([...hashTree(plain), ...hashTree(enc)]);
  });
  afterAll(() => {
    expect(new Map([...hashTree(plain), ...hashTree(enc)])).toEqual(before);
    rmSync(base, { recursive: true, force: true });
  });

  it("writes the same output folder as one thread on a plain backup, and says it used two", async () => {
    const one = path.join(base, "out-1");
    const two = path.join(base, "out-2");
    const a = await check([plain, "-i", STIX, "-o", one, "-q"], { SPYSCOPE_THREADS: "1" });
    const b = await check([plain, "-i", STIX, "-o", two, "-q"], { SPYSCOPE_THREADS: "2" });
    expect(a.code).toBe(1);
    expect(b.code).toBe(1);
    expectSameOutput(one, two);
    expect(JSON.parse(readFileSync(path.join(one, "info.json"), "utf8")).scan_threads).toEqual({ threads: 1 });
    expect(JSON.parse(readFileSync(path.join(two, "info.json"), "utf8")).scan_threads).toEqual({ threads: 2, worker_failure: null });
    // The planted indicators are found by modules on both threads.
    const alerts = JSON.parse(readFileSync(path.join(two, "alerts.json"), "utf8")) as { module: string }[];
    expect(new Set(alerts.map((x) => x.module)).size).toBeGreaterThan(10);
  });

  it("decrypts on both threads with the key derived once (encrypted backup)", async () => {
    const one = path.join(base, "enc-1");
    const two = path.join(base, "enc-2");
    const a = await check([enc, "-i", STIX, "-o", one, "-q", "--password", PASSWORD], { SPYSCOPE_THREADS: "1" });
    const b = await check([enc, "-i", STIX, "-o", two, "-q", "--password", PASSWORD], { SPYSCOPE_THREADS: "2" });
    expect(a.code).toBe(1);
    expect(b.code).toBe(1);
    expectSameOutput(one, two);
    expect(b.stderr).not.toContain(PASSWORD);
  });

  it("runs a failed worker's modules again on the main thread: same output, failure noted", async () => {
    const one = path.join(base, "fail-1");
    await check([plain, "-i", STIX, "-o", one, "-q"], { SPYSCOPE_THREADS: "1" });
    // The worker fails on its first module, or on its third after writing two modules' files.
    for (const failAt of ["1", "3"]) {
      const two = path.join(base, `fail-2-${failAt}`);
      const b = await check([plain, "-i", STIX, "-o", two], { SPYSCOPE_THREADS: "2", SPYSCOPE_TEST_WORKER_FAIL: failAt });
      expect(b.code).toBe(1);
      expect(b.stderr).toMatch(/the second scan thread failed \(simulated failure at module .*\); its modules ran again on the main thread/);
      expectSameOutput(one, two);
      const info = JSON.parse(readFileSync(path.join(two, "info.json"), "utf8"));
      expect(info.scan_threads).toEqual({ threads: 2, worker_failure: expect.stringMatching(/^simulated failure/) });
    }
  });
});
