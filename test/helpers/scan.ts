// Test helper: run modules over a backup folder in-process and collect everything the engine emits.

import { IosBackup } from "../../src/core/formats/ios-backup.js";
import { scan, type ModuleCoverage, type ScanSummary } from "../../src/core/analysis/engine.js";
import type { Acquisition, ArtifactModule } from "../../src/core/artifacts/module.js";
import type { SqliteOpener } from "../../src/core/formats/sqlite.js";
import type { Detection, Matcher, RecordData, TimelineEvent, UrlSighting } from "../../src/core/types.js";
import { DirectoryEvidence } from "../../src/node/evidence-dir.js";
import { NodeSqliteOpener } from "../../src/node/sqlite.js";

export const FIXTURES = new URL("../../../shared/data/fixtures/", import.meta.url).pathname;
export const IOS_BACKUP = FIXTURES + "mvt/ios_backup";
export const EXPECTED_IOS = FIXTURES + "mvt/expected-mvt/ios_backup";
export const TEST_STIX = FIXTURES + "mvt/stix2/test_indicators.stix2";

export interface Collected {
  records: Map<string, RecordData[]>;
  detections: Detection[];
  timeline: TimelineEvent[];
  urls: UrlSighting[];
  coverage: Map<string, ModuleCoverage>;
  summary: ScanSummary;
  hashes: Map<string, string>;
}

/** Run modules over any acquisition in-process and keep everything the engine emits. */
export async function scanCollect(
  acquisition: Acquisition,
  modules: ArtifactModule<any>[],
  matcher: Matcher | null,
  sqlite: SqliteOpener,
): Promise<Collected> {
  const out: Omit<Collected, "summary" | "hashes"> = { records: new Map(), detections: [], timeline: [], urls: [], coverage: new Map() };
  const summary = await scan({
    acquisition,
    modules,
    matcher,
    sqlite,
    sink: {
      record(m, r) {
        const list = out.records.get(m.id) ?? [];
        list.push(r);
        out.records.set(m.id, list);
      },
      detection: (d) => out.detections.push(d),
      timeline: (e) => out.timeline.push(e),
      url: (u) => out.urls.push(u),
      endModule: (_m, c) => void out.coverage.set(c.module, c),
    },
  });
  return { ...out, summary, hashes: acquisition.evidence.hashes() };
}

/** Open a backup folder, run `fn` on it, and close it (and the database copies) whatever happens. */
async function withBackup<T>(dir: string, fn: (backup: IosBackup, sqlite: NodeSqliteOpener) => Promise<T>): Promise<T> {
  const evidence = await DirectoryEvidence.open(dir);
  const sqlite = new NodeSqliteOpener();
  const backup = await IosBackup.open(evidence, sqlite);
  try {
    return await fn(backup, sqlite);
  } finally {
    backup.close();
    sqlite.dispose();
  }
}

export async function scanBackup(dir: string, modules: ArtifactModule<any>[], matcher: Matcher | null = null): Promise<Collected> {
  return withBackup(dir, (backup, sqlite) => scanCollect(backup, modules, matcher, sqlite));
}

/** The scan of a backup as check-backup runs it without an output folder: no record writer (modules may read
 *  lean records), and a timeline and URL list only when asked for. */
export async function scanBackupLean(
  dir: string,
  modules: ArtifactModule<any>[],
  matcher: Matcher | null,
  keep: { timeline?: boolean; urls?: boolean } = {},
): Promise<Omit<Collected, "records" | "hashes">> {
  const out: Omit<Collected, "records" | "hashes" | "summary"> = { detections: [], timeline: [], urls: [], coverage: new Map() };
  return withBackup(dir, async (backup, sqlite) => {
    const summary = await scan({
      acquisition: backup,
      modules,
      matcher,
      sqlite,
      sink: {
        detection: (d) => out.detections.push(d),
        ...(keep.timeline ? { timeline: (e: TimelineEvent) => out.timeline.push(e) } : {}),
        ...(keep.urls ? { url: (u: UrlSighting) => out.urls.push(u) } : {}),
        endModule: (_m, c) => void out.coverage.set(c.module, c),
      },
    });
    return { ...out, summary };
  });
}

/** MVT's JSON output for a module of the iOS fixture. */
export async function expectedMvt(name: string): Promise<any> {
  const { readFile } = await import("node:fs/promises");
  return JSON.parse(await readFile(`${EXPECTED_IOS}/${name}.json`, "utf8"));
}

/** Records as they round-trip through our JSON writer (bigints as numbers, bytes as base64); a list of
 *  records element by element as the output folder writes them (a record may carry its JSON, rendered by
 *  SQLite, beside the few fields the checks read). */
export async function asJson(value: unknown): Promise<any> {
  const { recordJson, toJson } = await import("../../src/core/report/json.js");
  if (Array.isArray(value)) return value.map((r) => JSON.parse(recordJson(r)));
  return JSON.parse(toJson(value));
}
