// Binaries known to the unified log (system_logs.logarchive): each uuidtext file (<2 hex>/<30 hex>, named by
// the binary's UUID) holds the format strings of one binary that logged, and ends with that binary's path.
// A spyware process that logged anything leaves its path here, even when it is gone from ps and crash logs.
// Only the path is kept, read while the file streams by (a few hundred bytes per file).
// Limits: the tracev3 log bodies (which process logged when, with which pid) are not decoded, nor the
// shared-cache dsc files (Apple's own libraries); see docs/sysdiagnose.md.

import { artifact, type FileSpec } from "../module.js";
import type { Observable, RecordData } from "../../types.js";
import type { EntryDigest, SysdiagnoseRoute } from "../../formats/sysdiagnose.js";
import { baseName, fileName, sysdiagnoseFiles, text } from "./files.js";
import { LocationCheck } from "./locations.js";

export interface LogarchiveProcessRecord extends RecordData {
  uuid: string;
  path: string;
  name: string;
  file: string;
}

const UUIDTEXT_MAGIC = 0x66778899;
const MAX_ENTRIES = 1_000_000;
const MAX_PATH = 4096;

/** Reads only a uuidtext file's header, entry table and trailing image path from the stream. */
export const uuidtextPath: EntryDigest = async (chunks, size) => {
  const header = new Uint8Array(16);
  let table: Uint8Array | null = null;
  let pathStart = -1;
  const path: number[] = [];
  const fail = (why: string): never => {
    throw new Error(`not a readable uuidtext file: ${why}`);
  };
  let pos = 0;
  scan: for await (const chunk of chunks) {
    let i = 0;
    while (i < chunk.length) {
      const at = pos + i;
      if (at < 16) {
        const k = Math.min(16 - at, chunk.length - i);
        header.set(chunk.subarray(i, i + k), at);
        i += k;
        if (at + k < 16) continue;
        const v = new DataView(header.buffer);
        if (v.getUint32(0, true) !== UUIDTEXT_MAGIC) fail("bad signature");
        const count = v.getUint32(12, true);
        if (count > MAX_ENTRIES || 16 + count * 8 > size) fail(`${count} entries do not fit in ${size} bytes`);
        table = new Uint8Array(count * 8);
        if (count === 0) pathStart = 16;
      } else if (pathStart < 0) {
        const off = at - 16;
        const k = Math.min(table!.length - off, chunk.length - i);
        table!.set(chunk.subarray(i, i + k), off);
        i += k;
        if (off + k < table!.length) continue;
        const v = new DataView(table!.buffer);
        let data = 0;
        for (let e = 0; e < table!.length; e += 8) data += v.getUint32(e + 4, true);
        pathStart = 16 + table!.length + data;
        if (pathStart >= size) fail("its string data runs past the end of the file");
      } else if (at < pathStart) {
        i = Math.min(chunk.length, i + (pathStart - at));
      } else {
        if (chunk[i] === 0 || path.length >= MAX_PATH) break scan;
        path.push(chunk[i++]);
      }
    }
    pos += chunk.length;
  }
  if (pathStart < 0) fail("truncated header");
  if (!path.length) fail("no image path at its end");
  return new Uint8Array(path);
};

export const UUIDTEXT_SPEC: FileSpec = { pathLike: "system_logs.logarchive/__/______________________________" };
export const UUIDTEXT_ROUTE: SysdiagnoseRoute = { spec: UUIDTEXT_SPEC, digest: uuidtextPath };

function uuidOf(rel: string): string {
  const parts = rel.split("/");
  const hex = (parts[parts.length - 2] + parts[parts.length - 1]).toUpperCase();
  return /^[0-9A-F]{32}$/.test(hex) ? `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}` : hex;
}

export const logarchiveProcesses = artifact<LogarchiveProcessRecord>({
  id: "logarchive_processes",
  platform: "ios",
  timelineName: "LogarchiveProcesses",
  description: "Binaries that wrote to the unified log (system_logs.logarchive uuidtext files: UUID and path)",
  sources: [UUIDTEXT_SPEC],
  async *records(ctx) {
    for await (const { file, bytes } of sysdiagnoseFiles(ctx)) {
      const path = text(bytes);
      yield { uuid: uuidOf(fileName(file)), path, name: baseName(path), file: fileName(file) };
    }
  },
  *observables(r): Iterable<Observable> {
    if (r.name) yield { type: "process", value: r.name };
    if (r.path.startsWith("/")) yield { type: "file_path", value: r.path };
  },
  analyzer() {
    const locations = new LocationCheck("the unified log's binaries (logarchive)");
    return {
      onRecord(r, emit) {
        const f = locations.check(r.path, r);
        if (f) emit(f);
      },
    };
  },
});
