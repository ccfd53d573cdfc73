// `spyscope check-androidqf PATH`: an androidqf collection (its folder, or the zip of it) → output folder +
// summary, on the one scan path. The androidqf modules read the collection; the backup modules read the
// backup.ab inside it (encrypted ones with --password / $SPYSCOPE_BACKUP_PASSWORD / a prompt), and the
// bugreport modules the bugreport.zip inside it (or, without one, the collection's dumpsys.txt). A nested
// archive that cannot be opened fails its modules with the reason; the rest of the scan goes on.

import { once } from "node:events";
import { createWriteStream, promises as fs } from "node:fs";
import path from "node:path";
import { ANDROIDQF_MODULES } from "../core/artifacts/android/androidqf/index.js";
import { androidExposure } from "../core/artifacts/android/exposure.js";
import { ANDROID_BACKUP_MODULES, ANDROID_BACKUP_SOURCES } from "../core/artifacts/android/backup/index.js";
import { ANDROID_BUGREPORT_MODULES } from "../core/artifacts/android/bugreport/index.js";
import type { Acquisition, ArtifactModule, FileRef } from "../core/artifacts/module.js";
import type { RecordData } from "../core/types.js";
import type { Evidence, EvidenceStat } from "../core/evidence/evidence.js";
import { AndroidBackup } from "../core/formats/android-backup-acquisition.js";
import { AndroidQF } from "../core/formats/androidqf.js";
import { AndroidBugreport } from "../core/formats/android-bugreport.js";
import { ZipArchive, ZipEvidence } from "../core/formats/zip.js";
import { nodeBackupCrypto } from "./backup-crypto.js";
import { androidBackupPassword, type AndroidBackupPasswordInput } from "./check-android-backup.js";
import { fileSha256, nodeSha256 } from "./file-hash.js";
import { DirectoryEvidence } from "./evidence-dir.js";
import { FileByteSource } from "./file-source.js";
import { acquisitionProblem, runCheck, type CheckOptions, type CheckResult, type CheckSpec, type OpenedAcquisition } from "./run-check.js";
import { NODE_ZIP_OPTIONS } from "./zip-native.js";
import { useNodeAsciiDecoding } from "./ascii-text.js";
import { makeTempDir, removeTempDir } from "./temp-dirs.js";
import { errorText } from "../core/util/errors.js";

/** Large dumps are mostly ASCII: decode those chunks the fast way. */
useNodeAsciiDecoding();

/** Reads nothing: stands for a nested archive the collection does not hold (its modules are skipped). */
class EmptyEvidence implements Evidence {
  constructor(readonly label: string) {}
  async stat(): Promise<EvidenceStat | null> {
    return null;
  }
  async list(): Promise<string[]> {
    return [];
  }
  async read(p: string): Promise<Uint8Array> {
    throw new Error(`${p}: not in ${this.label}`);
  }
  // eslint-disable-next-line require-yield
  async *stream(p: string): AsyncIterable<Uint8Array> {
    throw new Error(`${p}: not in ${this.label}`);
  }
  hashes(): Map<string, string> {
    return new Map();
  }
}

/** A nested archive that is absent (find yields nothing: modules skipped) or unusable (find throws the
 *  reason: modules failed, so coverage says what could not be read). */
class NestedPlaceholder implements Acquisition {
  readonly platform = "android" as const;
  readonly evidence: Evidence;
  constructor(
    readonly kind: string,
    label: string,
    private readonly failure: string | null,
  ) {
    this.evidence = new EmptyEvidence(label);
  }
  // eslint-disable-next-line require-yield
  async *find(): AsyncIterable<FileRef> {
    if (this.failure) throw new Error(this.failure);
  }
}

/** A module of a nested archive, run on the archive when the collection holds a usable one; skipped when it
 *  holds none, failed with the reason when it cannot be opened (the module's own code is not called then). */
function nestedModule<R extends RecordData>(module: ArtifactModule<R>): ArtifactModule<R> {
  return {
    ...module,
    records(ctx) {
      const acquisition = ctx.acquisition;
      if (!(acquisition instanceof NestedPlaceholder)) return module.records(ctx);
      return (async function* () {
        for await (const _ of acquisition.find()) void _;
      })();
    },
  };
}

const BACKUP_MODULES = ANDROID_BACKUP_MODULES.map(nestedModule);
const BUGREPORT_MODULES = ANDROID_BUGREPORT_MODULES.map(nestedModule);

/** Open the collection: a folder, or a zip file (read in place, never extracted). */
async function openCollection(
  target: string,
): Promise<{ evidence: Evidence; close(): Promise<void>; zip: ZipArchive | null; archive: Record<string, unknown> | null }> {
  const abs = path.resolve(target);
  const st = await fs.stat(abs).catch(() => null);
  if (!st) throw new Error(`${abs}: no such file or folder`);
  if (st.isDirectory()) return { evidence: await DirectoryEvidence.open(abs), close: async () => {}, zip: null, archive: null };
  const source = await FileByteSource.open(abs);
  try {
    const zip = await ZipArchive.open(source, abs, {}, NODE_ZIP_OPTIONS);
    const archive = { path: abs, sha256: await fileSha256(abs), entries: zip.entries().length };
    return { evidence: new ZipEvidence(zip, nodeSha256), close: () => source.close(), zip, archive };
  } catch (e) {
    await source.close();
    throw new Error(`${abs} is neither a folder nor a readable zip of an androidqf collection: ${errorText(e)}`);
  }
}

async function openBackup(qf: AndroidQF, input: AndroidBackupPasswordInput): Promise<{ acquisition: Acquisition; info: Record<string, unknown> }> {
  const name = "backup.ab";
  const label = `${qf.evidence.label}/${qf.evidence.full(name)}`;
  if (!(await qf.evidence.stat(name))) return { acquisition: new NestedPlaceholder("android-backup", label, null), info: { present: false } };
  const password = androidBackupPassword(input);
  try {
    // Opened on the underlying evidence (not the collection view) so its hashes are reported once.
    const backup = await AndroidBackup.open(qf.evidence.inner, qf.evidence.full(name), {
      keep: ANDROID_BACKUP_SOURCES,
      label,
      password: password.get,
      crypto: nodeBackupCrypto,
    });
    qf.evidence.addNested(() => backup.evidence.hashes());
    if (backup.problem) qf.problems.push(backup.problem);
    return {
      acquisition: backup,
      info: { present: true, ...backup.info().android_backup as object, key_source: password.source(), problem: backup.problem },
    };
  } catch (e) {
    const reason = `${name}: ${errorText(e)}`;
    qf.problems.push(reason);
    return { acquisition: new NestedPlaceholder("android-backup", label, reason), info: { present: true, error: reason } };
  }
}

/** A bugreport.zip inside a zipped collection, copied (as it is inflated and hashed) to a private temporary
 *  file so that it can be read at random like any zip; removed when the scan ends. Memory stays bounded. */
async function spoolEntry(qf: AndroidQF, name: string): Promise<FileByteSource & { close(): Promise<void> }> {
  const dir = makeTempDir("spyscope-nested-");
  const file = path.join(dir, "nested.zip");
  try {
    const out = createWriteStream(file, { mode: 0o600 });
    try {
      for await (const chunk of qf.evidence.stream(name)) if (!out.write(chunk)) await once(out, "drain");
    } finally {
      out.end();
      await once(out, "close");
    }
    const src = await FileByteSource.open(file);
    const closeFile = src.close.bind(src);
    return Object.assign(src, {
      async close() {
        await closeFile();
        removeTempDir(dir);
      },
    });
  } catch (e) {
    removeTempDir(dir);
    throw e;
  }
}

/** The bugreport modules read the collection's bugreport.zip, or when it has none its dumpsys.txt (the
 *  dumpstate text androidqf collects itself). */
interface NestedBugreport {
  acquisition: Acquisition;
  info: Record<string, unknown>;
  close(): Promise<void>;
  /** What the bugreport met while read (a dumpstate line too long to keep), named after its source. */
  problems(): string[];
}

/** The problems of a bugreport opened from `source`, read when asked (some are met during the scan). */
const readProblems = (br: AndroidBugreport, source: string) => () => br.problems.map((p) => (p.startsWith(`${source}:`) ? p : `${source}: ${p}`));

async function openBugreport(qf: AndroidQF): Promise<NestedBugreport> {
  const name = "bugreport.zip";
  const full = qf.evidence.full(name);
  const label = `${qf.evidence.label}/${full}`;
  const none = async () => undefined;
  if (!(await qf.evidence.stat(name))) {
    if (!(await qf.evidence.stat("dumpsys.txt"))) {
      return { acquisition: new NestedPlaceholder("android_bugreport", label, null), info: { source: null }, close: none, problems: () => [] };
    }
    try {
      const br = await AndroidBugreport.open(qf.evidence);
      return { acquisition: br, info: { source: "dumpsys.txt", ...br.info() }, close: none, problems: readProblems(br, "dumpsys.txt") };
    } catch (e) {
      const reason = `dumpsys.txt: ${errorText(e)}`;
      qf.problems.push(reason);
      return { acquisition: new NestedPlaceholder("android_bugreport", label, reason), info: { source: "dumpsys.txt", error: reason }, close: none, problems: () => [] };
    }
  }
  let source: FileByteSource;
  try {
    const inner = qf.evidence.inner;
    if (inner instanceof DirectoryEvidence) {
      // Hash the file through the evidence (it is then listed with the collection's files), read it in place.
      for await (const _ of qf.evidence.stream(name)) void _;
      source = await FileByteSource.open(await inner.resolve(full));
    } else {
      source = await spoolEntry(qf, name);
    }
  } catch (e) {
    const reason = `${name}: ${errorText(e)}`;
    qf.problems.push(reason);
    return { acquisition: new NestedPlaceholder("android_bugreport", label, reason), info: { source: name, error: reason }, close: none, problems: () => [] };
  }
  const close = () => source.close();
  try {
    const archive = await ZipArchive.open(source, label, {}, NODE_ZIP_OPTIONS);
    const evidence = new ZipEvidence(archive, nodeSha256);
    const br = await AndroidBugreport.open(evidence);
    qf.evidence.addNested(() => new Map([...evidence.hashes()].map(([k, v]) => [`${full}::${k}`, v])));
    if (archive.problems.length) qf.problems.push(...archive.problems.map((p) => `${name}: ${p}`));
    return { acquisition: br, info: { source: name, ...br.info(), problems: archive.problems }, close, problems: readProblems(br, name) };
  } catch (e) {
    await close();
    const reason = `${name}: ${errorText(e)}`;
    qf.problems.push(reason);
    return { acquisition: new NestedPlaceholder("android_bugreport", label, reason), info: { source: name, error: reason }, close: none, problems: () => [] };
  }
}

export const ANDROIDQF_CHECK_MODULES: ArtifactModule<any>[] = [...ANDROIDQF_MODULES, ...BUGREPORT_MODULES, ...BACKUP_MODULES, androidExposure];

export function androidqfCheck(input: AndroidBackupPasswordInput = {}): CheckSpec {
  const backupModules = new Set<ArtifactModule<any>>(BACKUP_MODULES);
  const bugreportModules = new Set<ArtifactModule<any>>(BUGREPORT_MODULES);
  return {
    command: "check-androidqf",
    modules: ANDROIDQF_CHECK_MODULES,
    async open(target): Promise<OpenedAcquisition> {
      const collection = await openCollection(target);
      try {
        const qf = await AndroidQF.open(collection.evidence);
        await qf.deviceClock();
        if (collection.zip) qf.problems.push(...collection.zip.problems);
        const backup = await openBackup(qf, input);
        const bugreport = await openBugreport(qf);
        return {
          acquisition: qf,
          async close() {
            await bugreport.close();
            await collection.close();
          },
          get problem() {
            return acquisitionProblem(qf.problems, bugreport.problems());
          },
          acquisitionFor: (m) => (backupModules.has(m) ? backup.acquisition : bugreportModules.has(m) ? bugreport.acquisition : qf),
          info: () => ({ ...qf.info(), androidqf_archive: collection.archive, androidqf_backup: backup.info, androidqf_bugreport: bugreport.info }),
        };
      } catch (e) {
        await collection.close();
        throw e;
      }
    },
  };
}

export function runCheckAndroidqf(opts: CheckOptions, input: AndroidBackupPasswordInput = {}): Promise<CheckResult> {
  return runCheck(androidqfCheck(input), opts);
}
