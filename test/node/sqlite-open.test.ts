// Node's SQLite opener reads a rollback-journal database of a plain evidence folder where it lies (read-only)
// and everything else through a private copy: WAL-mode databases, a -wal or -journal beside, archives and
// decrypting views. Either way the evidence keeps every byte, nothing appears beside it, and the file's
// SHA-256 is recorded.

import Database from "better-sqlite3";
import { createHash } from "node:crypto";
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Evidence } from "../../src/core/evidence/evidence.js";
import { DirectoryEvidence } from "../../src/node/evidence-dir.js";
import { NodeSqliteOpener } from "../../src/node/sqlite.js";
import { hashTree } from "../helpers/hash.js";

/** A folder holding one database "a.db" with rows 1..3, in the journal mode given. */
function folder(mode: "delete" | "wal"): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "spyscope-sqlite-open-"));
  const db = new Database(path.join(dir, "a.db"));
  db.pragma(`journal_mode = ${mode}`);
  if (mode === "wal") db.pragma("wal_autocheckpoint = 0");
  db.exec("CREATE TABLE t (v INTEGER)");
  db.exec("INSERT INTO t VALUES (1), (2), (3)");
  if (mode === "wal") {
    // Keep the -wal (rows only there) by copying the files while the connection still holds them.
    const keep = mkdtempSync(path.join(os.tmpdir(), "spyscope-sqlite-open-"));
    copyFileSync(path.join(dir, "a.db"), path.join(keep, "a.db"));
    copyFileSync(path.join(dir, "a.db-wal"), path.join(keep, "a.db-wal"));
    db.close();
    return keep;
  }
  db.close();
  return dir;
}

async function read(ev: Evidence, opener = new NodeSqliteOpener()): Promise<{ values: unknown[]; opener: NodeSqliteOpener }> {
  const db = await opener.open(ev, "a.db");
  try {
    return { values: [...db.iterate("SELECT v FROM t ORDER BY v")].map((r) => r.v), opener };
  } finally {
    db.close();
    opener.dispose();
  }
}

const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

describe("NodeSqliteOpener", () => {
  it("opens a rollback-journal database of a plain folder in place: same rows, hash recorded, nothing written", async () => {
    const dir = folder("delete");
    const before = hashTree(dir);
    const ev = await DirectoryEvidence.open(dir);
    const { values, opener } = await read(ev);
    expect(values).toEqual([1, 2, 3]);
    expect(opener.opened).toEqual({ inPlace: 1, copied: 0 });
    expect(ev.hashes().get("a.db")).toBe(sha256(path.join(dir, "a.db")));
    expect(hashTree(dir)).toEqual(before);
  });

  it("copies a WAL-mode database with its -wal (rows only in the WAL are seen) and leaves no -shm", async () => {
    const dir = folder("wal");
    const before = hashTree(dir);
    const ev = await DirectoryEvidence.open(dir);
    const { values, opener } = await read(ev);
    expect(values).toEqual([1, 2, 3]);
    expect(opener.opened).toEqual({ inPlace: 0, copied: 1 });
    expect(hashTree(dir)).toEqual(before);
  });

  it("copies a database with a -journal beside it (a hot journal would need a rollback)", async () => {
    const dir = folder("delete");
    writeFileSync(path.join(dir, "a.db-journal"), Buffer.alloc(512));
    const before = hashTree(dir);
    const { values, opener } = await read(await DirectoryEvidence.open(dir));
    expect(values).toEqual([1, 2, 3]);
    expect(opener.opened).toEqual({ inPlace: 0, copied: 1 });
    expect(hashTree(dir)).toEqual(before);
  });

  it("copies when the evidence has no local files (archives, decrypting views), or when SPYSCOPE_SQLITE_COPY=1", async () => {
    const dir = folder("delete");
    const ev = await DirectoryEvidence.open(dir);
    const noLocal: Evidence = {
      label: ev.label,
      stat: (p) => ev.stat(p),
      list: (p) => ev.list(p),
      read: (p, o) => ev.read(p, o),
      stream: (p) => ev.stream(p),
      hashes: () => ev.hashes(),
    };
    const a = await read(noLocal);
    expect(a.values).toEqual([1, 2, 3]);
    expect(a.opener.opened).toEqual({ inPlace: 0, copied: 1 });
    process.env.SPYSCOPE_SQLITE_COPY = "1";
    try {
      const b = await read(ev);
      expect(b.opener.opened).toEqual({ inPlace: 0, copied: 1 });
    } finally {
      delete process.env.SPYSCOPE_SQLITE_COPY;
    }
    expect(ev.hashes().get("a.db")).toBe(sha256(path.join(dir, "a.db")));
  });

  it("tries a copy when a database fails to open in place, and fails with SQLite's reason", async () => {
    const dir = folder("delete");
    const file = path.join(dir, "a.db");
    const bytes = readFileSync(file);
    bytes.fill(0x5a, 100); // a sound header over garbage pages
    writeFileSync(file, bytes);
    const before = hashTree(dir);
    const opener = new NodeSqliteOpener();
    await expect(opener.open(await DirectoryEvidence.open(dir), "a.db")).rejects.toThrow(/a\.db: cannot open SQLite database: .*(malformed|not a database)/);
    expect(opener.opened).toEqual({ inPlace: 0, copied: 1 });
    opener.dispose();
    expect(hashTree(dir)).toEqual(before);
  });
});
