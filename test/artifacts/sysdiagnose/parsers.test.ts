// ps.txt / ps_thread.txt, .ips crash reports and uuidtext image paths.

import { describe, expect, it } from "vitest";
import { parsePs } from "../../../src/core/artifacts/sysdiagnose/ps.js";
import { ipsTime, parseIps } from "../../../src/core/artifacts/sysdiagnose/crash-logs.js";
import { uuidtextPath } from "../../../src/core/artifacts/sysdiagnose/logarchive-processes.js";
import { unusualLocation } from "../../../src/core/artifacts/sysdiagnose/locations.js";
import { uuidtext } from "../../../src/node/generate/sysdiagnose.js";

async function* chunked(b: Uint8Array, n: number) {
  for (let i = 0; i < b.length; i += n) yield b.subarray(i, i + n);
}

describe("ps", () => {
  it("reads columns from the header, keeps spaces in COMMAND, skips thread rows", () => {
    const ps = [
      "USER             UID   PID  PPID %CPU %MEM STARTED      TIME COMMAND",
      "root               0     1     0  0.0  0.1 Tue07PM   0:12.34 /sbin/launchd",
      "mobile           501   340     1  0.0  0.3 Tue07PM   0:00.55 /var/containers/Bundle/Application/X/My App.app/My App --launchedByApp -x",
      "                       340        0.0 S     31T   0:00.00   0:00.00 ",
      "root               0     2     0  0.0  0.0 Tue07PM   0:00.00 kernel_task",
    ].join("\n");
    expect([...parsePs(ps)].map((r) => [r.user, r.uid, r.pid, r.ppid, r.started, r.executable, r.name])).toEqual([
      ["root", 0, 1, 0, "Tue07PM", "/sbin/launchd", "launchd"],
      ["mobile", 501, 340, 1, "Tue07PM", "/var/containers/Bundle/Application/X/My App.app/My App", "My App"],
      ["root", 0, 2, 0, "Tue07PM", "kernel_task", "kernel_task"],
    ]);
    expect([...parsePs("no header here\nroot 1 /sbin/launchd\n")]).toEqual([]);
  });
});

describe(".ips crash reports", () => {
  it("JSON header + JSON body (iOS 15+), times converted to UTC", () => {
    const r = parseIps(
      '{"app_name":"fservernetd","timestamp":"2026-07-06 12:03:11.00 -0700","bug_type":"309","os_version":"iPhone OS 17.2.1 (21C66)","incident_id":"6"}\n' +
        '{"procName":"fservernetd","procPath":"/private/var/db/com.apple.xpc.roleaccountd.staging/fservernetd","parentProc":"launchd","pid":2143,"exception":{"type":"EXC_CRASH"}}',
    );
    expect(r).toMatchObject({ isodate: "2026-07-06 19:03:11.000000", proc_name: "fservernetd", pid: 2143, parent_proc: "launchd", exception_type: "EXC_CRASH" });
  });

  it("jetsam bodies list processes; text bodies (older iOS) are read too", () => {
    const j = parseIps('{"bug_type":"298","timestamp":"2025-07-06 12:00:00.00 +0200"}\n{"largestProcess":"a","processes":[{"name":"a"},{"name":"bh"},{}]}');
    expect(j.processes).toEqual(["a", "bh"]);
    expect(j.isodate).toBe("2025-07-06 10:00:00.000000");
    const t = parseIps('{"app_name":"x","bug_type":"109"}\nIncident Identifier: 1\nProcess:             bh [2143]\nPath:                /private/var/tmp/bh\nParent Process:      launchd [1]\nException Type:  EXC_BAD_ACCESS (SIGSEGV)\n');
    expect(t).toMatchObject({ proc_name: "bh", pid: 2143, proc_path: "/private/var/tmp/bh", parent_proc: "launchd", exception_type: "EXC_BAD_ACCESS (SIGSEGV)" });
    expect(() => parseIps("Process: x\n")).toThrow(/not the JSON header/);
    expect(ipsTime("2026-01-01 00:00:00 +0530")).toBe("2025-12-31 18:30:00.000000");
  });
});

describe("uuidtext image paths", () => {
  it("reads the path after the entry table and strings, in any chunking", async () => {
    const file = uuidtext("/private/var/db/com.apple.xpc.roleaccountd.staging/bh", null, 5);
    for (const n of [1, 7, 16, 17, 64, file.length]) {
      expect(new TextDecoder().decode(await uuidtextPath(chunked(file, n), file.length))).toBe("/private/var/db/com.apple.xpc.roleaccountd.staging/bh");
    }
  });

  it("rejects a bad signature, an entry table larger than the file, and a missing path", async () => {
    const file = uuidtext("/usr/bin/x", null, 3);
    const bad = file.slice();
    bad[0] = 0;
    await expect(uuidtextPath(chunked(bad, 64), bad.length)).rejects.toThrow(/bad signature/);
    const huge = file.slice();
    new DataView(huge.buffer).setUint32(12, 100000, true);
    await expect(uuidtextPath(chunked(huge, 64), huge.length)).rejects.toThrow(/100000 entries do not fit/);
    const cut = file.subarray(0, file.length - 11);
    await expect(uuidtextPath(chunked(cut, 64), cut.length)).rejects.toThrow(/runs past the end|no image path/);
  });
});

describe("unusual locations", () => {
  it("staging and tmp folders (with or without /private), allow-listed Apple components", () => {
    expect(unusualLocation("/private/var/db/com.apple.xpc.roleaccountd.staging/bh")).toMatchObject({ level: "high", knownApple: null });
    expect(unusualLocation("/var/tmp/x")).toMatchObject({ level: "medium" });
    expect(unusualLocation("/private/var/db/com.apple.xpc.roleaccountd.staging/com.apple.NRD.UpdateBrainService.xpc/com.apple.NRD.UpdateBrainService")).toMatchObject({
      level: "info",
      knownApple: "com.apple.NRD.UpdateBrainService.xpc",
    });
    expect(unusualLocation("/private/var/db/com.apple.xpc.roleaccountd.staging/")).toBeNull();
    expect(unusualLocation("/usr/libexec/nfcd")).toBeNull();
  });
});
