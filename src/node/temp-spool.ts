// Spool for files taken out of an archive: a private temporary folder, removed when the scan ends. The
// evidence itself is never written to; only these copies of the few files modules read.

import { createReadStream, createWriteStream, readFileSync } from "node:fs";
import { once } from "node:events";
import path from "node:path";
import type { Spool } from "../core/formats/tar-fs.js";
import { makeTempDir, removeTempDir } from "./temp-dirs.js";

export class TempDirSpool implements Spool {
  private dir: string | null = null;

  private file(key: string): string {
    this.dir ??= makeTempDir("spyscope-spool-");
    return path.join(this.dir, key);
  }

  async write(key: string, chunks: AsyncIterable<Uint8Array>): Promise<void> {
    const out = createWriteStream(this.file(key), { mode: 0o600 });
    try {
      for await (const c of chunks) if (!out.write(c)) await once(out, "drain");
    } finally {
      out.end();
      await once(out, "close");
    }
  }

  async read(key: string): Promise<Uint8Array> {
    return readFileSync(this.file(key));
  }

  async *stream(key: string): AsyncIterable<Uint8Array> {
    for await (const c of createReadStream(this.file(key), { highWaterMark: 1 << 20 })) yield c as Buffer;
  }

  dispose(): void {
    if (this.dir) removeTempDir(this.dir);
    this.dir = null;
  }
}

