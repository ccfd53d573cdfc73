// `spyscope exposure PATH`: the exposure module alone on an acquisition, on the one scan path (scan() with no
// indicators). Recognises an iOS backup folder, an iOS filesystem dump folder, a sysdiagnose (archive or folder),
// an androidqf collection and an Android bugreport (folders or zips, read in place).

import { promises as fs } from "node:fs";
import path from "node:path";
import { scan, type ModuleCoverage } from "../core/analysis/engine.js";
import { androidExposure } from "../core/artifacts/android/exposure.js";
import type { ExposureRecord } from "../core/artifacts/exposure-records.js";
import { iosExposure } from "../core/artifacts/ios/exposure.js";
import type { Acquisition, ArtifactModule } from "../core/artifacts/module.js";
import type { Evidence } from "../core/evidence/evidence.js";
import { AndroidBugreport } from "../core/formats/android-bugreport.js";
import { AndroidQF } from "../core/formats/androidqf.js";
import { IosFilesystem } from "../core/formats/ios-fs.js";
import { sysdiagnoseExposure } from "../core/artifacts/sysdiagnose/exposure.js";
import { SYSDIAGNOSE_CHECK } from "./check-sysdiagnose.js";
import { ZipArchive, ZipEvidence } from "../core/formats/zip.js";
import type { Detection } from "../core/types.js";
import type { BackupKeyInput } from "./backup-key.js";
import { iosBackupCheck } from "./check-backup.js";
import { DirectoryEvidence } from "./evidence-dir.js";
import { FileByteSource } from "./file-source.js";
import { FsDumpDirectory } from "./fs-dump-dir.js";
import { EXIT } from "./run-check.js";
import { NodeSqliteOpener } from "./sqlite.js";
import { errorText } from "../core/util/errors.js";

export interface ExposureResult {
  target: string;
  acquisition: string;
  records: ExposureRecord[];
  detections: Detection[];
  coverage: ModuleCoverage;
  /** Input files read, with their SHA-256. */
  hashes: Map<string, string>;
  /** 1 when a version is open to a listed vulnerability, else 0. */
  exitCode: number;
}

interface Opened {
  acquisition: Acquisition;
  module: ArtifactModule<ExposureRecord>;
  close(): void | Promise<void>;
}

const exists = (p: string) => fs.stat(p).then(() => true, () => false);

/** An Android acquisition in `evidence`: a bugreport when it has main_entry.txt, else an androidqf collection,
 *  else any other bugreport layout. */
async function openAndroid(evidence: Evidence, close: () => Promise<void>): Promise<Opened> {
  const errors: string[] = [];
  const bugreportFirst = (await evidence.stat("main_entry.txt")) !== null;
  const tries: (() => Promise<Acquisition>)[] = [() => AndroidQF.open(evidence), () => AndroidBugreport.open(evidence)];
  if (bugreportFirst) tries.reverse();
  for (const open of tries) {
    try {
      return { acquisition: await open(), module: androidExposure, close };
    } catch (e) {
      errors.push(errorText(e));
    }
  }
  throw new Error(errors.join("; "));
}

/** A sysdiagnose archive (read in one pass) or folder: the iOS version of its newest crash report. */
async function openSysdiagnose(abs: string, sqlite: NodeSqliteOpener): Promise<Opened> {
  const opened = await SYSDIAGNOSE_CHECK.open(abs, sqlite);
  return { acquisition: opened.acquisition, module: sysdiagnoseExposure, close: opened.close };
}

/** The acquisition at `target`, by what it holds. */
async function openAcquisition(target: string, key: BackupKeyInput, sqlite: NodeSqliteOpener): Promise<Opened> {
  const abs = path.resolve(target);
  const st = await fs.stat(abs).catch(() => null);
  if (!st) throw new Error(`${abs}: no such file or folder`);
  if (st.isDirectory()) {
    if ((await exists(path.join(abs, "Manifest.db"))) || (await exists(path.join(abs, "Manifest.plist")))) {
      const opened = await iosBackupCheck(key).open(abs, sqlite);
      return { acquisition: opened.acquisition, module: iosExposure, close: opened.close };
    }
    if ((await exists(path.join(abs, "private/var/mobile"))) || (await exists(path.join(abs, "var/mobile")))) {
      const dump = await IosFilesystem.open(await FsDumpDirectory.open(abs));
      return { acquisition: dump, module: iosExposure, close: () => dump.close() };
    }
    if (/^sysdiagnose_/.test(path.basename(abs)) || (await fs.readdir(abs)).some((n) => /^sysdiagnose_/.test(n))) {
      return openSysdiagnose(abs, sqlite);
    }
    try {
      return await openAndroid(await DirectoryEvidence.open(abs), async () => {});
    } catch {
      throw new Error(`${abs} is neither an iOS backup folder (Manifest.db), an iOS filesystem dump, a sysdiagnose, an androidqf collection nor an Android bugreport`);
    }
  }
  if (/sysdiagnose.*\.(tar\.gz|tgz|tar)$/i.test(path.basename(abs))) return openSysdiagnose(abs, sqlite);
  const source = await FileByteSource.open(abs);
  try {
    return await openAndroid(new ZipEvidence(await ZipArchive.open(source, abs)), () => source.close());
  } catch (e) {
    await source.close();
    throw new Error(`${abs} is not a zip of an androidqf collection or an Android bugreport (${errorText(e)})`);
  }
}

export async function runExposure(target: string, key: BackupKeyInput = {}): Promise<ExposureResult> {
  const sqlite = new NodeSqliteOpener();
  let opened: Opened | null = null;
  try {
    opened = await openAcquisition(target, key, sqlite);
    const records: ExposureRecord[] = [];
    const detections: Detection[] = [];
    const summary = await scan({
      acquisition: opened.acquisition,
      modules: [opened.module],
      matcher: null,
      sqlite,
      sink: { record: (_m, r) => void records.push(r as ExposureRecord), detection: (d) => void detections.push(d) },
    });
    return {
      target: opened.acquisition.evidence.label,
      acquisition: opened.acquisition.kind,
      records,
      detections,
      coverage: summary.coverage[0],
      hashes: opened.acquisition.evidence.hashes(),
      exitCode: records.some((r) => r.status === "exposed") ? EXIT.DETECTIONS : EXIT.NOTHING_FOUND,
    };
  } finally {
    await opened?.close();
    sqlite.dispose();
  }
}
