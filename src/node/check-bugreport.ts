// `spyscope check-bugreport PATH`: an Android bugreport, the zip itself (read in place, never extracted) or
// its extracted folder → output folder + summary, on the one scan path.

import { promises as fs } from "node:fs";
import { ANDROID_BUGREPORT_MODULES } from "../core/artifacts/android/bugreport/index.js";
import { androidExposure } from "../core/artifacts/android/exposure.js";
import type { Evidence } from "../core/evidence/evidence.js";
import { AndroidBugreport, NotABugreportError } from "../core/formats/android-bugreport.js";
import { ZipArchive, ZipEvidence } from "../core/formats/zip.js";
import { DirectoryEvidence } from "./evidence-dir.js";
import { FileByteSource } from "./file-source.js";
import { acquisitionProblem, runCheck, type CheckOptions, type CheckResult, type CheckSpec } from "./run-check.js";
import { fileSha256, nodeSha256 } from "./file-hash.js";
import { useNodeAsciiDecoding } from "./ascii-text.js";
import { NODE_ZIP_OPTIONS } from "./zip-native.js";
import { errorText } from "../core/util/errors.js";

/** Large dumps are mostly ASCII: decode those chunks the fast way. */
useNodeAsciiDecoding();

/** Open a bugreport zip or folder read-only; `close` releases the file handle. */
export async function openBugreport(
  target: string,
): Promise<{ bugreport: AndroidBugreport; close(): Promise<void>; info(): Record<string, unknown>; archiveProblems: string[] }> {
  const st = await fs.stat(target).catch(() => null);
  if (!st) throw new Error(`${target}: no such file or folder`);
  if (st.isDirectory()) {
    const bugreport = await AndroidBugreport.open(await DirectoryEvidence.open(target));
    return { bugreport, close: async () => undefined, info: () => bugreport.info(), archiveProblems: [] };
  }
  const source = await FileByteSource.open(target);
  try {
    const archive = await ZipArchive.open(source, target, {}, NODE_ZIP_OPTIONS);
    const evidence: Evidence = new ZipEvidence(archive, nodeSha256);
    let bugreport: AndroidBugreport;
    try {
      bugreport = await AndroidBugreport.open(evidence);
    } catch (e) {
      // Entries the zip refused (a zip bomb's dumpstate, names escaping it) are why it looks empty: say so.
      if (!archive.problems.length) throw e;
      throw new NotABugreportError(`${errorText(e)}; entries refused in the zip: ${archive.problems.join("; ")}`, { cause: e });
    }
    const sha256 = await fileSha256(target);
    return {
      bugreport,
      close: () => source.close(),
      info: () => ({ ...bugreport.info(), archive: { path: target, sha256, entries: archive.entries().length, problems: archive.problems } }),
      archiveProblems: archive.problems,
    };
  } catch (e) {
    await source.close();
    throw e;
  }
}

export const BUGREPORT_CHECK: CheckSpec = {
  command: "check-bugreport",
  modules: [...ANDROID_BUGREPORT_MODULES, androidExposure],
  async open(target) {
    const opened = await openBugreport(target);
    const archiveProblems = opened.archiveProblems;
    return {
      acquisition: opened.bugreport,
      close: opened.close,
      info: opened.info,
      // Read when info.json is built: what the zip refused, and what the bugreport met while read (a line too
      // long to keep). An unknown time zone is a note in info.json, not something unread.
      get problem() {
        return acquisitionProblem(archiveProblems, opened.bugreport.problems);
      },
    };
  },
};

export function runCheckBugreport(opts: CheckOptions): Promise<CheckResult> {
  return runCheck(BUGREPORT_CHECK, opts);
}
