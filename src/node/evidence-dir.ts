// A folder of evidence, opened read-only. Every file read is hashed (SHA-256); nothing is ever written
// inside the folder. Paths are confined to the folder: "..", absolute paths and symlinks that leave it are refused.

import { createHash } from "node:crypto";
import { createReadStream, promises as fs } from "node:fs";
import path from "node:path";
import { DEFAULT_MAX_READ, EvidenceError, type Evidence, type EvidenceStat } from "../core/evidence/evidence.js";

export class DirectoryEvidence implements Evidence {
  readonly label: string;
  private readonly root: string;
  private readonly digests = new Map<string, string>();

  constructor(root: string) {
    this.root = path.resolve(root);
    this.label = this.root;
  }

  static async open(root: string): Promise<DirectoryEvidence> {
    const st = await fs.stat(root).catch(() => null);
    if (!st) throw new EvidenceError(root, "no such file or folder");
    if (!st.isDirectory()) throw new EvidenceError(root, "not a folder");
    return new DirectoryEvidence(await fs.realpath(root));
  }

  /** Absolute path of an evidence-relative path, refusing anything that leaves the folder. */
  async resolve(rel: string): Promise<string> {
    const norm = rel.replace(/\\/g, "/");
    if (norm.startsWith("/") || norm.split("/").includes("..")) throw new EvidenceError(rel, "path leaves the evidence folder");
    const abs = path.join(this.root, norm);
    const real = await fs.realpath(abs).catch(() => abs);
    if (real !== this.root && !real.startsWith(this.root + path.sep)) {
      throw new EvidenceError(rel, "symbolic link points outside the evidence folder");
    }
    return real;
  }

  localPath(rel: string): Promise<string> {
    return this.resolve(rel);
  }

  async stat(rel: string): Promise<EvidenceStat | null> {
    try {
      const st = await fs.stat(await this.resolve(rel));
      return { size: st.size, isDirectory: st.isDirectory(), mtime: st.mtimeMs };
    } catch {
      return null;
    }
  }

  async list(dir: string): Promise<string[]> {
    try {
      return (await fs.readdir(await this.resolve(dir))).sort();
    } catch {
      return [];
    }
  }

  async read(rel: string, opts: { maxBytes?: number } = {}): Promise<Uint8Array> {
    const abs = await this.resolve(rel);
    const st = await fs.stat(abs).catch(() => null);
    if (!st || !st.isFile()) throw new EvidenceError(rel, "file is missing from the evidence");
    const max = opts.maxBytes ?? DEFAULT_MAX_READ;
    if (st.size > max) throw new EvidenceError(rel, `file is ${st.size} bytes, over the ${max}-byte limit for whole-file reads`);
    const bytes = await fs.readFile(abs);
    this.digests.set(rel, createHash("sha256").update(bytes).digest("hex"));
    return bytes;
  }

  async *stream(rel: string): AsyncIterable<Uint8Array> {
    const abs = await this.resolve(rel);
    const st = await fs.stat(abs).catch(() => null);
    if (!st || !st.isFile()) throw new EvidenceError(rel, "file is missing from the evidence");
    const hash = createHash("sha256");
    for await (const chunk of createReadStream(abs, { highWaterMark: 1 << 20 })) {
      hash.update(chunk as Buffer);
      yield chunk as Buffer;
    }
    this.digests.set(rel, hash.digest("hex"));
  }

  hashes(): Map<string, string> {
    return this.digests;
  }
}
