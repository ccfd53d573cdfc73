// The sysdiagnose acquisition through the core alone (as in a browser: any chunk stream, the core's SHA-256).

import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SYSDIAGNOSE_ROUTES } from "../../src/core/artifacts/sysdiagnose/index.js";
import { likeToRegExp, openSysdiagnoseArchive, parseSysdiagnoseFolder, relativeToSysdiagnose } from "../../src/core/formats/sysdiagnose.js";
import { FIXTURES } from "../helpers/scan.js";
import { chunked } from "./tar-helpers.js";

const INFECTED = FIXTURES + "sysdiagnose/sysdiagnose_demo_infected.tar.gz";
const FOLDER = "sysdiagnose_2026.07.07_19-00-00+0000_iPhone-OS_iPhone_23A341";

describe("sysdiagnose acquisition (core only)", () => {
  it("keeps exactly the routed files, hashes them and the archive with the core SHA-256", async () => {
    const bytes = new Uint8Array(readFileSync(INFECTED));
    const acq = await openSysdiagnoseArchive(chunked(bytes, 100), "demo.tar.gz", { routes: SYSDIAGNOSE_ROUTES });
    expect(acq.folder).toBe(FOLDER);
    const refs = [];
    for await (const r of acq.find({ pathLike: "crashes_and_spins/%.ips" })) refs.push(r.relativePath);
    expect(refs).toEqual(["crashes_and_spins/MobileSafari-2026-07-05-101112.ips", "crashes_and_spins/fservernetd-2026-07-06-120311.ips"]);
    const hashes = acq.evidence.hashes();
    expect(hashes.get("demo.tar.gz")).toBe(createHash("sha256").update(bytes).digest("hex"));
    // ignored_blob.bin and sysdiagnose.log streamed past: not kept, not listed.
    expect([...hashes.keys()].sort()).toEqual([
      "demo.tar.gz",
      `${FOLDER}/crashes_and_spins/MobileSafari-2026-07-05-101112.ips`,
      `${FOLDER}/crashes_and_spins/fservernetd-2026-07-06-120311.ips`,
      `${FOLDER}/ps.txt`,
      `${FOLDER}/system_logs.logarchive/Extra/shutdown.0.log`,
    ]);
    expect(await acq.evidence.list(FOLDER)).toEqual(["crashes_and_spins", "ps.txt", "system_logs.logarchive"]);
    await expect(acq.evidence.read(`${FOLDER}/ignored_blob.bin`)).rejects.toThrow(/not among the archive entries the modules read/);
  });

  it("LIKE patterns, folder names and device facts", () => {
    const re = likeToRegExp("system_logs.logarchive/__/______________________________");
    expect(re.test("system_logs.logarchive/0A/0123456789ABCDEF0123456789ABCD")).toBe(true);
    expect(re.test("system_logs.logarchive/0A/0123456789ABCDEF0123456789ABC")).toBe(false);
    expect(re.test("system_logsXlogarchive/0A/0123456789ABCDEF0123456789ABCD")).toBe(false);
    expect(likeToRegExp("%shutdown._.log").test("system_logs.logarchive/Extra/SHUTDOWN.3.log")).toBe(true);
    expect(relativeToSysdiagnose(`${FOLDER}/ps.txt`)).toEqual({ top: FOLDER, rel: "ps.txt" });
    expect(relativeToSysdiagnose("ps.txt")).toEqual({ top: null, rel: "ps.txt" });
    expect(relativeToSysdiagnose(`case-42/phone/${FOLDER}/crashes_and_spins/a.ips`)).toEqual({ top: FOLDER, rel: "crashes_and_spins/a.ips" });
    expect(relativeToSysdiagnose("x/sysdiagnose.log")).toEqual({ top: null, rel: "x/sysdiagnose.log" });
    expect(parseSysdiagnoseFolder(FOLDER)).toEqual({ folder: FOLDER, date: "2026-07-07 19:00:00 +0000", os: "iPhone OS", device: "iPhone", build: "23A341" });
    expect(parseSysdiagnoseFolder("sysdiagnose_2024.01.02_03-04-05-0800_iPhone-OS_iPad_21F90")).toMatchObject({ device: "iPad", build: "21F90" });
  });
});
