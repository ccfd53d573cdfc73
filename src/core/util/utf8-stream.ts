// Streaming UTF-8 decoding for large texts read in chunks (androidqf's files.json, dumpstate text). A runtime
// may plug in a faster path for chunks of pure ASCII (Node: buffer.isAscii + latin1, a quarter of
// TextDecoder's time); the portable TextDecoder does the rest.

/** Decodes `bytes` when they are all ASCII, else returns null. */
export type AsciiDecoder = (bytes: Uint8Array) => string | null;

let asciiDecoder: AsciiDecoder | null = null;

/** Install (or remove, with null) the ASCII fast path. */
export function setAsciiDecoder(decoder: AsciiDecoder | null): void {
  asciiDecoder = decoder;
}

/** TextDecoder("utf-8") in stream mode, taking the ASCII fast path for a chunk when no multi-byte character
 *  is pending from the chunk before. */
export class Utf8Stream {
  private decoder: TextDecoder | null = null;
  private started = false;
  /** True when the last chunk the TextDecoder saw ended with an ASCII byte, so it holds no partial character. */
  private clean = true;

  decode(bytes: Uint8Array): string {
    if (this.clean && asciiDecoder) {
      const text = asciiDecoder(bytes);
      if (text !== null) {
        if (bytes.length) this.started = true;
        return text;
      }
    }
    // A byte order mark is dropped only at the very start of the text, as TextDecoder does.
    this.decoder ??= new TextDecoder("utf-8", { ignoreBOM: this.started });
    this.started = true;
    if (bytes.length) this.clean = bytes[bytes.length - 1] < 0x80;
    return this.decoder.decode(bytes, { stream: true });
  }

  /** The end of the text: a partial character left over becomes U+FFFD. */
  end(): string {
    return this.decoder ? this.decoder.decode() : "";
  }
}
