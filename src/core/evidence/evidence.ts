// Read-only access to acquired evidence. Implementations hash (SHA-256) every file they read and never write.

export interface EvidenceStat {
  size: number;
  isDirectory: boolean;
  /** Last modification, ms since 1970 (archives: their stored local time, read as UTC), when known. */
  mtime?: number;
}

export interface Evidence {
  /** Human-readable location (a folder path, an archive name). */
  readonly label: string;
  stat(path: string): Promise<EvidenceStat | null>;
  /** Entries (names only) of a directory inside the evidence; [] when absent. */
  list(dir: string): Promise<string[]>;
  /** Whole file; throws EvidenceError for missing files or files larger than maxBytes (default 256 MiB). */
  read(path: string, opts?: { maxBytes?: number }): Promise<Uint8Array>;
  /** Streamed file content in chunks. */
  stream(path: string): AsyncIterable<Uint8Array>;
  /** SHA-256 (hex) of every file read so far, by evidence-relative path. */
  hashes(): Map<string, string>;
  /** Where a file of a plain evidence folder lies on this machine, for readers that open it in place,
   *  read-only (absent for archives and decrypting views, whose bytes exist only as read). A reader that uses
   *  it must still read the file through stream() or read() once, so that its SHA-256 is recorded. */
  localPath?(path: string): Promise<string>;
}

export class EvidenceError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
    this.name = "EvidenceError";
  }
}

export const DEFAULT_MAX_READ = 256 * 1024 * 1024;
