// parseShutdownLog on every known line form (real-capture shapes), sessions, times and UUID stripping.

import { describe, expect, it } from "vitest";
import { parseShutdownLog, stripBinaryUuid, shutdownAnalyzer, type ShutdownLogStats } from "../../../src/core/artifacts/sysdiagnose/shutdown-log.js";
import type { Finding } from "../../../src/core/types.js";

const pick = (rs: ReturnType<typeof parseShutdownLog>) => rs.map((r) => [r.shutdown, r.pid, r.client, r.uuid, r.delay, r.times_delayed, r.isodate, r.form]);

describe("parseShutdownLog", () => {
  it("classic lists closed by SIGTERM lines carry the shutdown's Unix time", () => {
    const log = [
      "%%%%% Entering phase: Waiting for apps to exit",
      "",
      "After 0.63s, these clients are still here:",
      "\t\tremaining client pid: 215 (/System/Library/PrivateFrameworks/CoreDuet.framework/destinationd)",
      "\t\tremaining client pid: 0 (/kernel)",
      "After 2.62s, these clients are still here:",
      "\t\tremaining client pid: 0 (/kernel)",
      "SIGTERM: [1774602168] All buffers flushed",
      "After 0.10s, these clients are still here:",
      "\t\tremaining client pid: 155 (/usr/libexec/nfcd)",
      "SIGTERM: [1774700000] All buffers flushed",
    ].join("\n");
    const stats: ShutdownLogStats = { shutdowns: 0, clients: 0, malformed: 0, recognized: false };
    expect(pick(parseShutdownLog(log, "shutdown.log", stats))).toEqual([
      [0, 215, "/System/Library/PrivateFrameworks/CoreDuet.framework/destinationd", null, 0.63, 1, "2026-03-27 09:02:48.000000", "list"],
      [0, 0, "/kernel", null, 0.63, 1, "2026-03-27 09:02:48.000000", "list"],
      [0, 0, "/kernel", null, 2.62, 2, "2026-03-27 09:02:48.000000", "list"],
      [1, 155, "/usr/libexec/nfcd", null, 0.1, 1, "2026-03-28 12:13:20.000000", "list"],
    ]);
    expect(stats).toEqual({ shutdowns: 2, clients: 4, malformed: 0, recognized: true });
  });

  it("iOS 26 lists: the trailing binary UUID is stripped, shutdowns split where the wait goes back down", () => {
    const log = [
      "After 1.26s, these clients are still here:",
      "\t\tremaining client pid: 153 (/usr/sbin/filecoordinationd/EBFB3E7F-4CA4-3656-8E9C-8CCF5995C34A)",
      "\t\tremaining client pid: 0 (/kernel/D504008E-47BE-3030-836A-E692031BB4AE)",
      "After 1.77s, these clients are still here:",
      "\t\tremaining client pid: 153 (/usr/sbin/filecoordinationd/EBFB3E7F-4CA4-3656-8E9C-8CCF5995C34A)",
      "After 1.26s, these clients are still here:",
      "\t\tremaining client pid: 2143 (/private/var/db/com.apple.xpc.roleaccountd.staging/bh/aaaa1111-b896-3e7f-a6cc-577f0a547bb1)",
    ].join("\n");
    const rs = parseShutdownLog(log);
    expect(pick(rs)).toEqual([
      [0, 153, "/usr/sbin/filecoordinationd", "EBFB3E7F-4CA4-3656-8E9C-8CCF5995C34A", 1.26, 1, null, "list"],
      [0, 0, "/kernel", "D504008E-47BE-3030-836A-E692031BB4AE", 1.26, 1, null, "list"],
      [0, 153, "/usr/sbin/filecoordinationd", "EBFB3E7F-4CA4-3656-8E9C-8CCF5995C34A", 1.77, 2, null, "list"],
      [1, 2143, "/private/var/db/com.apple.xpc.roleaccountd.staging/bh", "AAAA1111-B896-3E7F-A6CC-577F0A547BB1", 1.26, 1, null, "list"],
    ]);
    expect(rs[3].client_raw).toBe("/private/var/db/com.apple.xpc.roleaccountd.staging/bh/aaaa1111-b896-3e7f-a6cc-577f0a547bb1");
  });

  it("one-line and SIGTERM-client forms; clients sharing a wait stay in one shutdown", () => {
    const log = [
      "After 0.1s, remaining client pid: 155 (/usr/libexec/nfcd)",
      "After 0.1s, remaining client pid: 2143 (/private/var/tmp/bh)",
      "After 0.2s, remaining client pid: 155 (/usr/libexec/nfcd)",
      "SIGTERM: [0x100304080] Sent SIGTERM to remaining client pid: 155 (/usr/libexec/nfcd)",
      "After 0.1s, remaining client pid: 155 (/usr/libexec/nfcd)",
    ].join("\n");
    expect(pick(parseShutdownLog(log))).toEqual([
      [0, 155, "/usr/libexec/nfcd", null, 0.1, 1, null, "one-line"],
      [0, 2143, "/private/var/tmp/bh", null, 0.1, 1, null, "one-line"],
      [0, 155, "/usr/libexec/nfcd", null, 0.2, 2, null, "one-line"],
      [0, 155, "/usr/libexec/nfcd", null, 0.2, 2, null, "sigterm"],
      [1, 155, "/usr/libexec/nfcd", null, 0.1, 1, null, "one-line"],
    ]);
  });

  it("MVT's '@' timestamps, CRLF line ends, and unknown client wording counted as malformed", () => {
    const log = "After 0.5s, these clients are still here:\r\n\t\tremaining client pid: 7 (/usr/bin/x)\r\nSIGTERM: shutdown @1700000000 done\r\n\t\tstill held by pid 9 (/y)\r\nremaining client pid: abc (/z)\r\n";
    const stats: ShutdownLogStats = { shutdowns: 0, clients: 0, malformed: 0, recognized: false };
    expect(pick(parseShutdownLog(log, "s.log", stats))).toEqual([[0, 7, "/usr/bin/x", null, 0.5, 1, "2023-11-14 22:13:20.000000", "list"]]);
    expect(stats.malformed).toBe(1);
    const none: ShutdownLogStats = { shutdowns: 0, clients: 0, malformed: 0, recognized: false };
    expect(parseShutdownLog("not a shutdown log\nAfter all, nothing\n", "x", none)).toEqual([]);
    expect(none.recognized).toBe(false);
  });

  it("strips only a trailing UUID component that follows a path", () => {
    expect(stripBinaryUuid("/usr/libexec/nfcd/EBFB3E7F-4CA4-3656-8E9C-8CCF5995C34A")).toEqual({ path: "/usr/libexec/nfcd", uuid: "EBFB3E7F-4CA4-3656-8E9C-8CCF5995C34A" });
    expect(stripBinaryUuid("/EBFB3E7F-4CA4-3656-8E9C-8CCF5995C34A")).toEqual({ path: "/EBFB3E7F-4CA4-3656-8E9C-8CCF5995C34A", uuid: null });
    expect(stripBinaryUuid("/var/containers/Bundle/Application/EBFB3E7F-4CA4-3656-8E9C-8CCF5995C34A/A.app/A").uuid).toBeNull();
  });
});

describe("shutdown heuristics", () => {
  it("three or more shutdowns delayed: low for system daemons, medium elsewhere; staging binaries high", () => {
    const log = Array.from({ length: 3 }, (_, i) =>
      [
        "After 0.5s, these clients are still here:",
        "\t\tremaining client pid: 155 (/usr/libexec/nfcd)",
        "\t\tremaining client pid: 900 (/private/var/mobile/Library/odd/helperd)",
        ...(i < 2 ? ["\t\tremaining client pid: 2143 (/private/var/db/com.apple.xpc.roleaccountd.staging/bh)"] : []),
        `SIGTERM: [${1700000000 + i * 86400}] All buffers flushed`,
      ].join("\n"),
    ).join("\n");
    const found: Finding[] = [];
    const a = shutdownAnalyzer();
    for (const r of parseShutdownLog(log)) a.onRecord(r, (f) => found.push(f));
    a.onEnd((f) => found.push(f));
    expect(found.map((f) => [f.heuristic, f.level, (f.record as any).client])).toEqual([
      ["unusual_binary_location", "high", "/private/var/db/com.apple.xpc.roleaccountd.staging/bh"],
      ["delayed_shutdown", "low", "/usr/libexec/nfcd"],
      ["delayed_shutdown", "medium", "/private/var/mobile/Library/odd/helperd"],
    ]);
    expect(found[2].message).toContain("delayed 3 shutdowns");
  });
});
