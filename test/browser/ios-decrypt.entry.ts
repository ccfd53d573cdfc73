// Bundled by test/browser/ios-decrypt.test.ts and run in Chromium: the core opens an encrypted backup held in
// memory with WebCrypto (the page's crypto.subtle), reads it through sql.js and scans it.

import { scan } from "../../src/core/analysis/engine.js";
import { IOS_BACKUP_MODULES } from "../../src/core/artifacts/ios/index.js";
import { EvidenceError, type Evidence, type EvidenceStat } from "../../src/core/evidence/evidence.js";
import { webBackupCrypto } from "../../src/core/formats/backup-crypto.js";
import { IosBackup, passwordUnlock } from "../../src/core/formats/ios-backup.js";
import { toHex } from "../../src/core/formats/ios-keybag.js";
import { SqlJsOpener } from "../../src/core/formats/sqljs.js";
import { IndicatorSet } from "../../src/core/indicators/index.js";
import { toJson } from "../../src/core/report/json.js";
import type { Detection } from "../../src/core/types.js";

/** A backup folder in memory, streamed in small chunks so decryption runs across many chunk boundaries. */
class MemoryEvidence implements Evidence {
  readonly label = "in-memory backup";
  constructor(private files: Map<string, Uint8Array>) {}
  async stat(p: string): Promise<EvidenceStat | null> {
    const f = this.files.get(p);
    if (f) return { size: f.length, isDirectory: false };
    for (const k of this.files.keys()) if (k.startsWith(p + "/")) return { size: 0, isDirectory: true };
    return null;
  }
  async list(dir: string): Promise<string[]> {
    const out = new Set<string>();
    for (const k of this.files.keys()) if (k.startsWith(dir + "/")) out.add(k.slice(dir.length + 1).split("/")[0]);
    return [...out].sort();
  }
  async read(p: string): Promise<Uint8Array> {
    const f = this.files.get(p);
    if (!f) throw new EvidenceError(p, "file is missing from the evidence");
    return f;
  }
  async *stream(p: string): AsyncIterable<Uint8Array> {
    const f = await this.read(p);
    for (let i = 0; i < f.length; i += 4099) yield f.subarray(i, i + 4099);
  }
  hashes(): Map<string, string> {
    return new Map();
  }
}

function fromBase64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export interface BrowserInput {
  files: Record<string, string>;
  wasm: string;
  password: string;
  stix: string;
  smsPath: string;
}

export async function runInBrowser(input: BrowserInput) {
  const files = new Map(Object.entries(input.files).map(([k, v]) => [k, fromBase64(v)]));
  const evidence = new MemoryEvidence(files);
  const initSqlJs = (globalThis as any).initSqlJs;
  const SQL = await initSqlJs({ wasmBinary: fromBase64(input.wasm) });
  const sqlite = new SqlJsOpener(SQL);
  const crypto = webBackupCrypto();

  let wrongPassword = "";
  await IosBackup.open(evidence, sqlite, { unlock: passwordUnlock("not it"), crypto }).catch((e) => (wrongPassword = `${e.name}: ${e.message}`));

  const backup = await IosBackup.open(evidence, sqlite, { unlock: passwordUnlock(input.password), crypto });
  const sms = await backup.evidence.read(input.smsPath);
  const smsSha256 = toHex(new Uint8Array(await globalThis.crypto.subtle.digest("SHA-256", new Uint8Array(sms))));
  const detections: string[] = [];
  const summary = await scan({
    acquisition: backup,
    modules: IOS_BACKUP_MODULES,
    matcher: IndicatorSet.fromStix2(input.stix, "pegasus.stix2"),
    sqlite,
    sink: { detection: (d: Detection) => detections.push(`${d.level}|${d.module}|${d.message}|${toJson(d.record)}`) },
  });
  backup.close();
  return {
    secure: globalThis.isSecureContext,
    wrongPassword,
    smsSha256,
    counts: Object.fromEntries(summary.coverage.map((c) => [c.module, c.records])),
    failed: summary.coverage.filter((c) => c.status === "failed").map((c) => c.module),
    detections: detections.sort(),
  };
}

(globalThis as any).runInBrowser = runInBrowser;
