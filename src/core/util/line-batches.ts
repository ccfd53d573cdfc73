// Lines of a UTF-8 byte stream, in batches, with a bound on line length: the one splitter behind the dumpstate
// reader (textLines) and the intrusion-log reader. Untrusted text may hold a "line" of gigabytes; its
// characters are dropped as they arrive, so memory stays at one chunk plus one line of at most `maxLine`, and
// time stays linear (no re-splitting of a growing carry).

import { Utf8Stream } from "./utf8-stream.js";

/** Longest line kept, in characters (1 MiB). No dumpsys or log line a phone writes comes near it. */
export const MAX_LINE = 1024 * 1024;

export interface LineBatchOptions {
  /** Longest line kept, in characters; a longer one comes back as null. Default MAX_LINE. */
  maxLine?: number;
  /** Decode chunks this many bytes at a time, so a batch holds a few hundred lines (megabyte texts would be
   *  large objects, collected only by full GCs). Default: a chunk at a time. */
  slice?: number;
}

/** Lines of UTF-8 text (invalid bytes replaced; "\n" ends a line, a "\r" before it is kept) in batches of one
 *  decoded slice. A line longer than `maxLine` characters comes back as null, in its place. */
export async function* lineBatches(chunks: AsyncIterable<Uint8Array>, opts: LineBatchOptions = {}): AsyncIterable<(string | null)[]> {
  const maxLine = opts.maxLine ?? MAX_LINE;
  const slice = opts.slice ?? Infinity;
  const decoder = new Utf8Stream();
  /** The start of the current line (never longer than maxLine), or "" once it is known to be too long. */
  let partial = "";
  let tooLong = false;
  for await (const chunk of chunks) {
    for (let at = 0; at < chunk.length; at += slice) {
      const parts: (string | null)[] = decoder.decode(at === 0 && chunk.length <= slice ? chunk : chunk.subarray(at, at + slice)).split("\n");
      const first = parts[0] as string;
      if (parts.length === 1) {
        // No line ends in this slice: the current line only grows.
        if (!tooLong) {
          if (partial.length + first.length > maxLine) {
            tooLong = true;
            partial = "";
          } else partial += first;
        }
        continue;
      }
      parts[0] = tooLong || partial.length + first.length > maxLine ? null : partial ? partial + first : first;
      const last = parts.pop() as string;
      for (let i = 1; i < parts.length; i++) if ((parts[i] as string).length > maxLine) parts[i] = null;
      tooLong = last.length > maxLine;
      partial = tooLong ? "" : last;
      yield parts;
    }
  }
  const rest = decoder.end();
  if (tooLong || partial.length + rest.length > maxLine) yield [null];
  else if (partial || rest) yield [partial + rest];
}

/** What a reader says of a line it dropped (`where`: "file: line N"). */
export function longLineProblem(where: string): string {
  return `${where} is longer than ${MAX_LINE.toLocaleString("en-US")} characters and was skipped`;
}
