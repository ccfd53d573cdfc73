// The bugreport acquisition: where the dumpstate is found, sections kept from one pass equal to sections
// streamed again, and broken inputs named clearly while the scan goes on.

import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { AndroidBugreport, BUGREPORT_SECTIONS, NotABugreportError } from "../../src/core/formats/android-bugreport.js";
import { generateBugreport } from "../../src/node/generate/android-bugreport.js";
import { openBugreport, runCheckBugreport } from "../../src/node/check-bugreport.js";
import { DirectoryEvidence } from "../../src/node/evidence-dir.js";
import { FIXTURES } from "../helpers/scan.js";

const DUMPSTATE = FIXTURES + "mvt/android_data/bugreport/dumpstate.txt";

async function sectionLines(br: AndroidBugreport, service: string): Promise<string[]> {
  const out: string[] = [];
  for await (const b of service === "SYSTEM PROPERTIES" ? br.systemProperties() : br.section(service)) out.push(...b);
  return out;
}

describe("AndroidBugreport", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "spyscope-br-acq-"));
  });

  it("finds the dumpstate through main_entry.txt, dumpState_*.log or dumpsys.txt", async () => {
    for (const [layout, name] of [
      ["main", "bugreport-x.txt"],
      ["log", "dumpState_2024.log"],
      ["dumpsys", "dumpsys.txt"],
    ]) {
      const d = path.join(dir, layout);
      mkdirSync(d);
      copyFileSync(DUMPSTATE, path.join(d, name));
      if (layout === "main") writeFileSync(path.join(d, "main_entry.txt"), `${name}\n`);
      const br = await AndroidBugreport.open(await DirectoryEvidence.open(d));
      expect(br.dumpstate, layout).toBe(name);
      expect((await sectionLines(br, "platform_compat")).length, layout).toBe(17); // 15 ChangeId lines and the 2 blank lines that end the file
    }
    const empty = path.join(dir, "empty");
    mkdirSync(empty);
    writeFileSync(path.join(empty, "notes.txt"), "hello");
    await expect(AndroidBugreport.open(await DirectoryEvidence.open(empty))).rejects.toThrow(NotABugreportError);
  });

  it("gives the same section lines from its one-pass cache as from streaming the dumpstate again", async () => {
    const zip = path.join(dir, "gen.zip");
    generateBugreport({ out: zip, packages: 40, appopsLines: 400, batteryLines: 300, seed: 3 });
    const cached = await openBugreport(zip);
    const streamed = await openBugreport(zip);
    streamed.bugreport.sectionBudget = 0;
    try {
      for (const s of [...BUGREPORT_SECTIONS, "SYSTEM PROPERTIES"]) {
        const a = await sectionLines(cached.bugreport, s);
        expect(a.length, s).toBeGreaterThan(2);
        expect(await sectionLines(streamed.bugreport, s), s).toEqual(a);
      }
      expect(await sectionLines(cached.bugreport, "no_such_service")).toEqual([]);
    } finally {
      await cached.close();
      await streamed.close();
    }
  });

  it("names a truncated zip, and keeps scanning the tombstones when the dumpstate entry is corrupt", async () => {
    const zip = path.join(dir, "gen.zip");
    const bytes = readFileSync(zip);
    const cut = path.join(dir, "cut.zip");
    writeFileSync(cut, bytes.subarray(0, bytes.length - 100));
    await expect(openBugreport(cut)).rejects.toThrow(/cut\.zip: .*truncated/);

    // Flip bytes inside the deflated dumpstate: its modules report a gap, the FS/ modules still run.
    const broken = Buffer.from(bytes);
    const at = broken.indexOf("bugreport-oriole") + 200;
    for (let i = 0; i < 64; i++) broken[at + i] ^= 0x5a;
    const bad = path.join(dir, "bad.zip");
    writeFileSync(bad, broken);
    const r = await runCheckBugreport({ target: bad, iocs: [FIXTURES + "mvt/stix2/test_indicators.stix2"] });
    const cov = Object.fromEntries(r.summary.coverage.map((c) => [c.module, c]));
    expect(cov.dumpsys_appops.status).toBe("failed");
    expect(cov.dumpsys_appops.reason).toMatch(/bugreport-oriole.*(corrupt|CRC|bytes instead)/);
    expect(cov.tombstones.status).toBe("ran");
    expect(cov.tombstones.records).toBe(3);
    expect(r.info.coverage).toMatchObject({ complete: false });
  });
});
