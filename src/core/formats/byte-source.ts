// Random-access, read-only bytes: a file on disk (node/file-source.ts), a Uint8Array (a nested archive held in
// memory), later a browser Blob. Archive readers (zip) take a ByteSource so the core never touches node:fs.

export interface ByteSource {
  readonly size: number;
  /** Bytes [offset, offset + length), clipped to the end of the source (a short result means end of data). */
  read(offset: number, length: number): Promise<Uint8Array>;
}

export class BytesSource implements ByteSource {
  constructor(private readonly bytes: Uint8Array) {}

  get size(): number {
    return this.bytes.length;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    if (offset < 0 || length < 0) throw new RangeError(`invalid read at ${offset} (${length} bytes)`);
    return this.bytes.subarray(offset, Math.min(this.bytes.length, offset + length));
  }
}

/** Read exactly `length` bytes or throw `what` (for structures that must be whole, like zip headers). */
export async function readExactly(src: ByteSource, offset: number, length: number, what: string): Promise<Uint8Array> {
  if (offset < 0 || offset + length > src.size) throw new RangeError(`${what} lies beyond the end of the data (truncated?)`);
  const bytes = await src.read(offset, length);
  if (bytes.length !== length) throw new RangeError(`${what} lies beyond the end of the data (truncated?)`);
  return bytes;
}
