// check-sysdiagnose on generated archives: every shutdown.log form with and without binary UUIDs and SIGTERM
// lines, planted indicators found by the module that reads each artifact, clean twins, folder = archive,
// and hostile archives (escaping names, links, huge entries, truncation, memory budgets).

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCheckSysdiagnose } from "../../src/node/check-sysdiagnose.js";
import { generateSysdiagnose, PLANTED, type ShutdownForm } from "../../src/node/generate/sysdiagnose.js";
import { TAR_END, tarFile, tarHeader, tarHeaders } from "../../src/node/generate/tar-writer.js";
import type { CheckResult } from "../../src/node/run-check.js";
import { concatBytes } from "../../src/core/util/bytes.js";

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), "spyscope-sysdiag-gen-"));
});

const sha = (f: string) => createHash("sha256").update(readFileSync(f)).digest("hex");
const criticalBy = (r: CheckResult) => {
  const m: Record<string, string[]> = {};
  for (const d of r.summary.detections) if (d.level === "critical") (m[d.module] ??= []).includes(d.match!.indicator.value) || m[d.module].push(d.match!.indicator.value);
  return m;
};

async function scanGenerated(name: string, opts: Parameters<typeof generateSysdiagnose>[0] extends infer O ? Omit<O & object, "file"> : never) {
  const file = path.join(tmp, name);
  await generateSysdiagnose({ file, processes: 40, crashLogs: 5, uuidtexts: 20, bytes: 256 * 1024, ...opts });
  const out = mkdtempSync(path.join(tmp, "out-"));
  const hash = sha(file);
  const result = await runCheckSysdiagnose({ target: file, output: out });
  expect(sha(file)).toBe(hash);
  return { file, out, result, records: (m: string) => JSON.parse(readFileSync(path.join(out, `${m}.json`), "utf8")) };
}

describe("generated sysdiagnose archives, every shutdown.log form", () => {
  const cases: [ShutdownForm, boolean, boolean][] = [
    ["classic", false, true],
    ["classic", true, true],
    ["ios26", true, false],
    ["ios26", false, true],
    ["one-line", false, true],
    ["one-line", true, false],
  ];
  for (const [form, uuids, sigterm] of cases) {
    it(`${form}, ${uuids ? "with" : "without"} binary UUIDs, ${sigterm ? "with" : "without"} SIGTERM lines: each planted name found by its module`, async () => {
      const { result, records } = await scanGenerated(`${form}-${uuids}-${sigterm}.tar.gz`, { shutdownForm: form, uuids, sigterm, plant: true });
      expect(result.exitCode).toBe(1);
      expect(criticalBy(result)).toEqual({
        shutdown_log: [PLANTED.shutdown],
        sysdiagnose_ps: [PLANTED.ps],
        sysdiagnose_crash_logs: [PLANTED.crash],
        logarchive_processes: [PLANTED.uuidtext],
      });
      const shut = records("shutdown_log");
      // 3 files × 3 shutdowns × (4 + 4 + 2) clients.
      expect(shut).toHaveLength(90);
      expect(new Set(shut.map((r: any) => `${r.file}#${r.shutdown}`)).size).toBe(9);
      const planted = shut.filter((r: any) => r.pid === 2143);
      expect(planted.every((r: any) => r.client === `/private/var/db/com.apple.xpc.roleaccountd.staging/${PLANTED.shutdown}`)).toBe(true);
      expect(planted.every((r: any) => (r.uuid !== null) === uuids)).toBe(true);
      expect(planted.every((r: any) => (r.isodate !== null) === sigterm)).toBe(true);
      expect(new Set(shut.map((r: any) => r.form))).toEqual(new Set([form === "one-line" ? "one-line" : "list"]));
      const delayed = result.summary.detections.filter((d) => d.heuristic === "delayed_shutdown");
      expect(delayed.map((d) => [(d.record as any).client, d.level, (d.record as any).shutdowns]).sort()).toEqual([
        ["/private/var/db/com.apple.xpc.roleaccountd.staging/PlugIns/com.apple.NRD.UpdateBrainService.xpc/com.apple.NRD.UpdateBrainService", "low", 9],
        [`/private/var/db/com.apple.xpc.roleaccountd.staging/${PLANTED.shutdown}`, "medium", 9],
        ["/usr/libexec/filecoordinationd", "low", 9],
        ["/usr/libexec/nfcd", "low", 9],
      ]);
    });
  }

  it("a clean twin: no critical or high, the Apple update component in the staging folder is only listed (info)", async () => {
    const { result, records } = await scanGenerated("clean.tar.gz", { plant: false });
    expect(result.exitCode).toBe(0);
    expect(result.summary.counts).toMatchObject({ critical: 0, high: 0, medium: 0 });
    const staged = result.summary.detections.filter((d) => d.heuristic === "unusual_binary_location");
    expect(staged.map((d) => [d.module, d.level])).toEqual([
      ["shutdown_log", "info"],
      ["sysdiagnose_ps", "info"],
    ]);
    expect(staged[0].message).toContain("known Apple component com.apple.NRD.UpdateBrainService");
    expect(records("sysdiagnose_ps").length).toBe(2 * 40);
    expect(records("logarchive_processes")).toHaveLength(20);
    expect(records("sysdiagnose_crash_logs").find((c: any) => c.bug_type === "298").processes).toHaveLength(39);
  });

  it("the extracted folder gives the same records and detections as the archive", async () => {
    const { file, result } = await scanGenerated("twin.tar.gz", { plant: true, shutdownForm: "classic" });
    const dir = mkdtempSync(path.join(tmp, "x-"));
    execFileSync("tar", ["-xzf", file, "-C", dir]);
    const folder = await runCheckSysdiagnose({ target: dir });
    const key = (r: CheckResult) => r.summary.detections.map((d) => `${d.level} ${d.module} ${d.message}`).sort();
    expect(key(folder)).toEqual(key(result));
    expect(folder.summary.records).toBe(result.summary.records);
    // Every file read is hashed in both modes (uuidtext files too, though only their path is used).
    const archived = Object.keys(result.info.input_files as object).filter((k) => k !== "twin.tar.gz");
    expect(Object.keys(folder.info.input_files as object).sort()).toEqual(archived.sort());
    expect(archived.filter((k) => /logarchive\/[0-9A-F]{2}\/[0-9A-F]{30}$/.test(k))).toHaveLength(21);
  });
});

describe("hostile sysdiagnose archives", () => {
  const folder = "sysdiagnose_2025.07.07_19-00-00+0000_iPhone-OS_iPhone_23A341";
  const ps = new TextEncoder().encode("USER PID COMMAND\nroot 1 /sbin/launchd\nroot 2143 /private/var/tmp/accountpfd\n");
  const write = (name: string, bytes: Uint8Array) => {
    const f = path.join(tmp, name);
    writeFileSync(f, bytes);
    return f;
  };

  it("escaping names and links are refused, never followed, and named in info.json", async () => {
    const tar = concatBytes([
      ...tarFile(`${folder}/ps.txt`, ps),
      ...tarFile(`../../${folder}/system_logs.logarchive/Extra/shutdown.log`, new TextEncoder().encode("remaining client pid: 1 (/x)\n")),
      tarHeader({ name: `${folder}/ps_thread.txt`, flag: "2", linkName: "/etc/passwd" }),
      ...tarFile("/etc/crashes_and_spins/x.ips", new TextEncoder().encode("{}\n{}")),
      TAR_END,
    ]);
    const r = await runCheckSysdiagnose({ target: write("escape.tar.gz", gzipSync(tar)) });
    expect((r.info.sysdiagnose as any).refused_entries).toEqual([
      { name: `../../${folder}/system_logs.logarchive/Extra/shutdown.log`, reasons: ["parent directory (..)"] },
      { name: `${folder}/ps_thread.txt`, reasons: ["symlink"] },
      { name: "/etc/crashes_and_spins/x.ips", reasons: ["absolute path"] },
    ]);
    const cov = Object.fromEntries(r.summary.coverage.map((c) => [c.module, c]));
    expect(cov.sysdiagnose_ps.records).toBe(2);
    expect(cov.sysdiagnose_ps.gaps).toEqual([{ file: `${folder}/ps_thread.txt`, reason: "refused: symlink (never followed)" }]);
    expect(cov.shutdown_log.status).toBe("failed");
    expect(cov.shutdown_log.reason).toContain("refused: parent directory (..)");
    // The /private/var/tmp heuristic fires on the readable ps.txt.
    expect(r.summary.detections.map((d) => [d.module, d.level, d.heuristic])).toContainEqual(["sysdiagnose_ps", "medium", "unusual_binary_location"]);
  });

  it("a huge declared entry and a truncated gzip: what was read is scanned, coverage says the rest was not", async () => {
    const huge = concatBytes([...tarFile(`${folder}/ps.txt`, ps), ...tarHeaders({ name: `${folder}/system_logs.logarchive/Persist/0.tracev3`, size: 50 * 1024 ** 3 }), new Uint8Array(100_000)]);
    const r1 = await runCheckSysdiagnose({ target: write("huge.tar.gz", gzipSync(huge)) });
    expect(r1.summary.coverage.find((c) => c.module === "sysdiagnose_ps")!.records).toBe(2);
    expect(r1.info.coverage).toMatchObject({ complete: false });
    expect((r1.info.coverage as any).manifest_problem).toMatch(/archive damaged after 2 entries \(.*truncated in the data of .*0\.tracev3/);

    const good = readFileSync(path.join(tmp, "clean.tar.gz"));
    const cut = write("cut.tar.gz", good.subarray(0, Math.floor(good.length * 0.6)));
    const r2 = await runCheckSysdiagnose({ target: cut });
    expect((r2.info.coverage as any).manifest_problem).toMatch(/truncated gzip data/);
    // The archive's hash covers the whole file even though reading stopped at the damage.
    expect((r2.info.input_files as any)["cut.tar.gz"]).toBe(sha(cut));
    expect((r1.info.input_files as any)["huge.tar.gz"]).toBe(sha(path.join(tmp, "huge.tar.gz")));
    // Corruption in the middle stops reading there; the rest of the file is still hashed.
    const flipped = new Uint8Array(good);
    for (let i = 0; i < 64; i++) flipped[Math.floor(good.length / 3) + i] ^= 0x5a;
    const bad = write("flipped.tar.gz", flipped);
    const r3 = await runCheckSysdiagnose({ target: bad });
    expect((r3.info.coverage as any).manifest_problem).toMatch(/archive damaged after \d+ entries \(.*CRC-32 .* recorded.*\): anything after the damage was not read/);
    expect((r3.info.input_files as any)["flipped.tar.gz"]).toBe(sha(bad));
    expect(r2.summary.coverage.find((c) => c.module === "sysdiagnose_ps")!.records).toBe(80);
  });

  it("a plain (not gzipped) tar is read the same way", async () => {
    const tar = concatBytes([...tarFile(`${folder}/ps.txt`, ps), TAR_END]);
    const r = await runCheckSysdiagnose({ target: write("plain.tar", tar) });
    expect(r.summary.coverage.find((c) => c.module === "sysdiagnose_ps")!.records).toBe(2);
    expect(r.info.input_files).toMatchObject({ "plain.tar": createHash("sha256").update(tar).digest("hex") });
  });

  it("input that is not a sysdiagnose archive is a clear error", async () => {
    await expect(runCheckSysdiagnose({ target: write("junk.tar.gz", new TextEncoder().encode("<html>not an archive</html>".repeat(40))) })).rejects.toThrow(
      /not a readable sysdiagnose archive \(.*no valid tar header at byte 0/,
    );
    await expect(runCheckSysdiagnose({ target: write("empty.tar.gz", new Uint8Array(0)) })).rejects.toThrow(/empty file/);
  });

  it("files over the memory budgets become coverage gaps instead of growing memory", async () => {
    const big = new TextEncoder().encode("USER PID COMMAND\n" + "root 1 /sbin/launchd\n".repeat(5000));
    const tar = concatBytes([...tarFile(`${folder}/ps.txt`, big), ...tarFile(`${folder}/ps_thread.txt`, ps), TAR_END]);
    const f = write("budget.tar.gz", gzipSync(tar));
    const r = await runCheckSysdiagnose({ target: f }, { maxFileBytes: 64 * 1024 });
    const cov = r.summary.coverage.find((c) => c.module === "sysdiagnose_ps")!;
    expect(cov.records).toBe(2);
    expect(cov.gaps).toEqual([{ file: `${folder}/ps.txt`, reason: `${big.length} bytes, over the 65536-byte limit for files kept in memory` }]);
    const r2 = await runCheckSysdiagnose({ target: f }, { maxKeptBytes: 1000 });
    expect(r2.summary.coverage.find((c) => c.module === "sysdiagnose_ps")!.gaps[0].reason).toMatch(/exceed the 1000-byte memory budget/);
  });
});
