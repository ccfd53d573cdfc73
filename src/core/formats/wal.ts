// Applying a SQLite write-ahead log to a database image in memory, for engines that ignore -wal files
// (sql.js). Only frames up to the last valid commit are applied, exactly as SQLite's own recovery does:
// header and frame salts must match and the running checksums must verify.

const WAL_HEADER = 32;
const FRAME_HEADER = 24;

export class WalError extends Error {
  override name = "WalError";
}

/** Running WAL checksum over `data` (length a multiple of 8), continuing from s0/s1. */
function checksum(data: Uint8Array, bigEndian: boolean, s0: number, s1: number): [number, number] {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  for (let i = 0; i < data.length; i += 8) {
    const x0 = view.getUint32(i, !bigEndian);
    const x1 = view.getUint32(i + 4, !bigEndian);
    s0 = (s0 + x0 + s1) >>> 0;
    s1 = (s1 + x1 + s0) >>> 0;
  }
  return [s0, s1];
}

export interface WalResult {
  /** The database image with committed WAL frames applied (a new array when anything changed). */
  bytes: Uint8Array;
  framesApplied: number;
  /** Frames present but not applied (after the last commit, or invalid). */
  framesIgnored: number;
}

/** Apply `wal` to the database image `db`. An empty or foreign WAL leaves the image as it is. */
export function applyWal(db: Uint8Array, wal: Uint8Array): WalResult {
  if (wal.length < WAL_HEADER) return { bytes: db, framesApplied: 0, framesIgnored: 0 };
  const hv = new DataView(wal.buffer, wal.byteOffset, wal.byteLength);
  const magic = hv.getUint32(0);
  if (magic !== 0x377f0682 && magic !== 0x377f0683) throw new WalError("not a SQLite WAL file (bad magic)");
  const bigEndian = magic === 0x377f0683;
  const pageSize = hv.getUint32(8) === 1 ? 65536 : hv.getUint32(8);
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) throw new WalError(`bad WAL page size ${pageSize}`);
  const salt1 = hv.getUint32(16);
  const salt2 = hv.getUint32(20);
  let [s0, s1] = checksum(wal.subarray(0, 24), bigEndian, 0, 0);
  if (s0 !== hv.getUint32(24) || s1 !== hv.getUint32(28)) return { bytes: db, framesApplied: 0, framesIgnored: 0 };

  const frameSize = FRAME_HEADER + pageSize;
  const total = Math.floor((wal.length - WAL_HEADER) / frameSize);
  // Pages of the last committed transaction state, and the database size it commits.
  const committed = new Map<number, number>(); // page number → frame offset
  const pending = new Map<number, number>();
  let dbPages = 0;
  let lastCommit = 0;
  for (let i = 0; i < total; i++) {
    const off = WAL_HEADER + i * frameSize;
    const page = hv.getUint32(off);
    const commitSize = hv.getUint32(off + 4);
    if (page === 0 || hv.getUint32(off + 8) !== salt1 || hv.getUint32(off + 12) !== salt2) break;
    [s0, s1] = checksum(wal.subarray(off, off + 8), bigEndian, s0, s1);
    [s0, s1] = checksum(wal.subarray(off + FRAME_HEADER, off + frameSize), bigEndian, s0, s1);
    if (s0 !== hv.getUint32(off + 16) || s1 !== hv.getUint32(off + 20)) break;
    pending.set(page, off + FRAME_HEADER);
    if (commitSize > 0) {
      for (const [p, o] of pending) committed.set(p, o);
      pending.clear();
      dbPages = commitSize;
      lastCommit = i + 1;
    }
  }
  if (!lastCommit) return { bytes: db, framesApplied: 0, framesIgnored: total };
  const out = new Uint8Array(dbPages * pageSize);
  out.set(db.subarray(0, Math.min(db.length, out.length)));
  for (const [page, off] of committed) {
    if (page <= dbPages) out.set(wal.subarray(off, off + pageSize), (page - 1) * pageSize);
  }
  // The image no longer needs its WAL: mark it as a rollback-journal database (file format 1).
  if (out.length >= 20) {
    out[18] = 1;
    out[19] = 1;
  }
  return { bytes: out, framesApplied: lastCommit, framesIgnored: total - lastCommit };
}
