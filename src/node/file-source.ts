// A file on disk as a ByteSource, opened read-only (O_RDONLY); nothing is ever written to it.

import { promises as fs, type BigIntStats } from "node:fs";
import type { ByteSource } from "../core/formats/byte-source.js";

export class FileByteSource implements ByteSource {
  private constructor(
    private readonly handle: fs.FileHandle,
    readonly size: number,
    readonly path: string,
  ) {}

  static async open(path: string): Promise<FileByteSource> {
    const handle = await fs.open(path, "r");
    try {
      const st: BigIntStats = await handle.stat({ bigint: true });
      if (!st.isFile()) throw new Error(`${path}: not a regular file`);
      if (st.size > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`${path}: file too large`);
      return new FileByteSource(handle, Number(st.size), path);
    } catch (e) {
      await handle.close();
      throw e;
    }
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    if (offset < 0 || length < 0) throw new RangeError(`invalid read at ${offset} (${length} bytes)`);
    const n = Math.max(0, Math.min(length, this.size - offset));
    const buf = new Uint8Array(n);
    let done = 0;
    while (done < n) {
      const { bytesRead } = await this.handle.read(buf, done, n - done, offset + done);
      if (bytesRead === 0) break; // file shrank under us: return what there is
      done += bytesRead;
    }
    return done === n ? buf : buf.subarray(0, done);
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}
