// Manifest.db: every entry of the backup (files, folders, links) with the metadata of its MBFile blob,
// streamed row by row (a full backup lists hundreds of thousands of entries).

import { artifact, withWholeRecord } from "../module.js";
import { binaryPlistStructureError, parsePlist } from "../../formats/plist.js";
import type { Observable, RecordData, TimelineEvent } from "../../types.js";
import { isoFromDate, isoFromUnix } from "../../util/time.js";

export interface ManifestEntry extends RecordData {
  file_id: unknown;
  domain: unknown;
  relative_path: unknown;
  flags: unknown;
  created: string;
  modified?: string;
  status_changed?: string;
  mode?: string;
  owner?: unknown;
  size?: unknown;
}

/** Manifest times are Unix seconds (or dates in old backups); unusable ones become "" as in MVT. */
function manifestTime(v: unknown): string {
  if (v instanceof Date) return isoFromDate(v) ?? "";
  if (typeof v === "number" || typeof v === "bigint") return isoFromUnix(v) ?? "";
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return isoFromUnix(Number(v)) ?? "";
  return "";
}

/** The MBFile properties of a Manifest.db `file` blob (the archive's first object after "$null"). */
function mbFile(blob: Uint8Array): Record<string, unknown> | null {
  const archive = parsePlist(blob) as Record<string, unknown> | null;
  const objects = archive && typeof archive === "object" ? (archive.$objects as unknown) : null;
  if (!Array.isArray(objects)) return null;
  const meta = objects[1];
  return meta && typeof meta === "object" && !Array.isArray(meta) ? (meta as Record<string, unknown>) : null;
}

/** Extensions that make a "name.ext" part of a file name look like a host name without being one. */
const FILE_EXTENSIONS = new Set([
  "localstorage", "sqlite", "sqlite3", "sqlitedb", "db", "plist", "json", "png", "jpg", "jpeg", "gif", "heic", "webp",
  "mov", "mp4", "m4a", "txt", "log", "dat", "bin", "xml", "html", "htm", "js", "css", "pb", "wal", "shm", "lock", "tmp",
  "data", "cache", "ips", "gz", "zip", "pdf", "caf", "aac", "svg", "ttf", "otf", "storedata", "binarycookies",
]);

const HOSTNAME = /^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+([a-z][a-z0-9-]{0,62})$/;

/** Parts of a relative path, split on "_" as MVT does, that look like host names (e.g. WebKit's
 *  "https_evil.example_0.localstorage" names evil.example). */
export function domainsInPath(relativePath: string): string[] {
  const out: string[] = [];
  if (relativePath.indexOf(".") === -1) return out;
  for (const part of relativePath.toLowerCase().split("_")) {
    const m = HOSTNAME.exec(part);
    if (!m || FILE_EXTENSIONS.has(m[1])) continue;
    if (!out.includes(part)) out.push(part);
  }
  return out;
}

/** Fill an entry's times, mode, owner and size from its MBFile blob; false when the blob is unreadable. */
function withMetadata(entry: ManifestEntry, blob: Uint8Array): boolean {
  try {
    const meta = mbFile(blob);
    const mode = meta?.Mode;
    if (!meta || (typeof mode !== "number" && typeof mode !== "bigint")) throw new Error("no MBFile Mode");
    entry.created = manifestTime(meta.Birth);
    entry.modified = manifestTime(meta.LastModified);
    entry.status_changed = manifestTime(meta.LastStatusChange);
    entry.mode = `0o${mode.toString(8)}`;
    entry.owner = meta.UserID ?? null;
    entry.size = meta.Size ?? null;
    return true;
  } catch {
    return false;
  }
}

export const manifest = artifact<ManifestEntry>({
  id: "manifest",
  platform: "ios",
  timelineName: "Manifest",
  description: "Every file and folder listed in the backup's Manifest.db, with its times, mode, owner and size",
  sources: [{ rootPath: "Manifest.db" }],
  async *records(ctx) {
    for await (const { file, db } of ctx.databases()) {
      if (!db.tables().has("files")) throw new Error("Manifest.db has no Files table: not an iOS backup manifest");
      let bad = 0;
      for (const row of db.iterate("SELECT * FROM Files")) {
        const entry: ManifestEntry = {
          file_id: row.fileID,
          domain: row.domain,
          relative_path: row.relativePath,
          flags: row.flags,
          created: "",
        };
        const blob = row.file;
        if (blob instanceof Uint8Array && blob.length) {
          if (ctx.fullRecords !== false || ctx.timeline !== false) {
            if (!withMetadata(entry, blob)) bad++;
          } else if (binaryPlistStructureError(blob)) {
            bad++;
          } else {
            // Without records or timeline kept (no output folder) only the paths are checked: the blob is
            // decoded for an entry in a detection alone, and otherwise only checked for a sound plist structure.
            withWholeRecord(entry, (lean) => {
              // A new object with the lean one's fields (not a spread, which would copy the reader too).
              const whole: ManifestEntry = {
                file_id: lean.file_id,
                domain: lean.domain,
                relative_path: lean.relative_path,
                flags: lean.flags,
                created: "",
              };
              withMetadata(whole, blob);
              return whole;
            });
          }
        }
        yield entry;
      }
      if (bad) ctx.warn(`${bad} Manifest.db entries have an unreadable metadata blob (listed without times) in ${file.path}`);
    }
  },
  *observables(r): Iterable<Observable> {
    const rel = r.relative_path;
    if (typeof rel !== "string" || rel === "") return;
    yield { type: "file_path", value: "/" + rel };
    for (const d of domainsInPath(rel)) yield { type: "domain", value: d };
  },
  time: (r) => r.modified || r.created || null,
  timeline(r) {
    if (r.modified === undefined || r.status_changed === undefined) return null;
    const data = `${r.relative_path} - ${r.domain}`;
    const out: TimelineEvent[] = [];
    for (const ts of new Set([r.created, r.modified, r.status_changed])) {
      if (!ts) continue;
      const macb =
        (ts === r.modified ? "M" : "-") + "-" + (ts === r.status_changed ? "C" : "-") + (ts === r.created ? "B" : "-");
      out.push({ timestamp: ts, module: "Manifest", event: macb, data });
    }
    return out;
  },
});
