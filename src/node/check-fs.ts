// `spyscope check-fs`: a full iOS filesystem extraction — a folder, or a .tar / .tar.gz of one read in place
// (indexed in one pass, the files modules need copied to a private spool in a second) — on the one scan path.

import { promises as fs } from "node:fs";
import { IOS_FS_MODULES } from "../core/artifacts/ios/fs/index.js";
import { IosFilesystem } from "../core/formats/ios-fs.js";
import { gunzip } from "../core/formats/gzip.js";
import { TarFsEvidence } from "../core/formats/tar-fs.js";
import { FsDumpDirectory } from "./fs-dump-dir.js";
import { acquisitionProblem, runCheck, type CheckOptions, type CheckResult, type CheckSpec, type OpenedAcquisition } from "./run-check.js";
import { TempDirSpool } from "./temp-spool.js";
import { fileChunks, nodeSha256 } from "./file-hash.js";

async function isGzip(file: string): Promise<boolean> {
  const h = await fs.open(file, "r");
  try {
    const b = Buffer.alloc(2);
    const { bytesRead } = await h.read(b, 0, 2, 0);
    return bytesRead === 2 && b[0] === 0x1f && b[1] === 0x8b;
  } finally {
    await h.close();
  }
}

async function openArchive(file: string): Promise<OpenedAcquisition> {
  const gz = await isGzip(file);
  const spool = new TempDirSpool();
  // The archive's own SHA-256 is taken on the first pass (the index), which reads it whole.
  const archiveHash = nodeSha256();
  let passes = 0;
  const open = () => {
    const raw = fileChunks(file, passes++ === 0 ? archiveHash : undefined);
    return gz ? gunzip(raw, { label: file }) : raw;
  };
  try {
    const evidence = await TarFsEvidence.index({ label: file, open, spool, hasher: nodeSha256 });
    const sha256 = archiveHash.digest();
    const dump = await IosFilesystem.open(evidence);
    const wanted = await dump.filesFor(IOS_FS_MODULES.flatMap((m) => m.sources));
    await evidence.extract(wanted);
    return {
      acquisition: dump,
      close: () => evidence.dispose(),
      get problem() {
        return acquisitionProblem(dump.problems());
      },
      info: () => ({
        filesystem: {
          archive: { path: file, gzip: gz, sha256, entries: evidence.size, extracted: wanted.size },
          var_root: dump.varRoot,
          problems: dump.problems(),
          warnings: dump.warnings(),
        },
      }),
    };
  } catch (e) {
    spool.dispose();
    throw e;
  }
}

async function openFolder(dir: string): Promise<OpenedAcquisition> {
  const evidence = await FsDumpDirectory.open(dir);
  const dump = await IosFilesystem.open(evidence);
  return {
    acquisition: dump,
    close: () => dump.close(),
    // Read after the scan: folders that could not be walked or lead out of the dump.
    get problem() {
      return acquisitionProblem(dump.problems());
    },
    info: () => ({ filesystem: { var_root: dump.varRoot, problems: dump.problems(), warnings: dump.warnings() } }),
  };
}

export const IOS_FS_CHECK: CheckSpec = {
  command: "check-fs",
  modules: IOS_FS_MODULES,
  async open(target) {
    const st = await fs.stat(target).catch(() => null);
    if (!st) throw new Error(`${target}: no such file or folder`);
    return st.isDirectory() ? openFolder(target) : openArchive(target);
  },
};

export function runCheckFs(opts: CheckOptions): Promise<CheckResult> {
  return runCheck(IOS_FS_CHECK, opts);
}
