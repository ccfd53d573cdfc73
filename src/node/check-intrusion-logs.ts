// `spyscope check-intrusion-logs PATH`: Android intrusion logs — a folder, a zip (nested zips inside are
// opened), or one exported NDJSON file → output folder + summary, on the one scan path.

import { promises as fs } from "node:fs";
import path from "node:path";
import { INTRUSION_LOG_MODULES } from "../core/artifacts/android/intrusion/index.js";
import type { Evidence } from "../core/evidence/evidence.js";
import { IntrusionLogs, LOG_FILE } from "../core/formats/intrusion-logs.js";
import { ZipArchive, ZipEvidence } from "../core/formats/zip.js";
import { DirectoryEvidence } from "./evidence-dir.js";
import { FileByteSource } from "./file-source.js";
import { NODE_ZIP_OPTIONS } from "./zip-native.js";
import { acquisitionProblem, runCheck, type CheckOptions, type CheckResult, type CheckSpec } from "./run-check.js";

export const INTRUSION_LOGS_CHECK: CheckSpec = {
  command: "check-intrusion-logs",
  modules: INTRUSION_LOG_MODULES,
  async open(target) {
    const abs = path.resolve(target);
    const st = await fs.stat(abs).catch(() => null);
    if (!st) throw new Error(`${abs}: no such file or folder`);
    let evidence: Evidence;
    let only: string | undefined;
    let source: FileByteSource | null = null;
    if (st.isDirectory()) {
      evidence = await DirectoryEvidence.open(abs);
    } else if (/\.zip$/i.test(abs)) {
      source = await FileByteSource.open(abs);
      try {
        evidence = new ZipEvidence(await ZipArchive.open(source, abs, {}, NODE_ZIP_OPTIONS));
      } catch (e) {
        await source.close();
        throw e;
      }
    } else if (LOG_FILE.test(abs)) {
      evidence = await DirectoryEvidence.open(path.dirname(abs));
      only = path.basename(abs);
    } else {
      throw new Error(`${abs}: give a folder of intrusion logs, their zip, or one exported log file (.txt/.json/.jsonl/.ndjson/.log)`);
    }
    let logs: IntrusionLogs;
    try {
      logs = await IntrusionLogs.open(evidence, { only });
    } catch (e) {
      await source?.close();
      throw e;
    }
    return {
      acquisition: logs,
      close: () => source?.close(),
      problem: acquisitionProblem(logs.problems),
      info: () => logs.info(),
    };
  },
};

export function runCheckIntrusionLogs(opts: CheckOptions): Promise<CheckResult> {
  return runCheck(INTRUSION_LOGS_CHECK, opts);
}
