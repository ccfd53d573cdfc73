// Text of dumpsys / dumpstate output as batches of lines, and the sections MVT cuts from it: a service's
// dump runs from its "DUMP OF SERVICE name:" line to the next dashed separator; system properties from
// "------ SYSTEM PROPERTIES" to a "------" line. Streams stop reading as soon as their section ends, and never
// hold more than one chunk of text plus the current batch.

import { lineBatches } from "../../../util/line-batches.js";

/** The separator dumpsys prints between services (78 dashes; a line that starts with it ends a section). */
export const SECTION_DELIMITER = "-".repeat(78);

const DECODE_SLICE = 64 * 1024;

/** Called with the 1-based number of a line dropped for being longer than MAX_LINE characters. */
export type LongLineHandler = (line: number) => void;

/** Lines of UTF-8 text (invalid bytes replaced), in batches of 64 KiB of input; "\r\n" and "\n" end lines.
 *  A line longer than MAX_LINE (1 MiB) characters is dropped (no dumpsys line comes near it; untrusted text
 *  may hold gigabytes without a newline) and its number given to `onLongLine`. */
export async function* textLines(chunks: AsyncIterable<Uint8Array>, onLongLine?: LongLineHandler): AsyncIterable<string[]> {
  let n = 0;
  for await (const batch of lineBatches(chunks, { slice: DECODE_SLICE })) {
    let lines = batch as string[];
    if (batch.includes(null)) {
      lines = [];
      for (let i = 0; i < batch.length; i++) {
        const l = batch[i];
        if (l === null) onLongLine?.(n + i + 1);
        else lines.push(l);
      }
    }
    n += batch.length;
    if (lines.length) yield stripCR(lines);
  }
}

function stripCR(lines: string[]): string[] {
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l.length && l.charCodeAt(l.length - 1) === 13) lines[i] = l.slice(0, -1);
  }
  return lines;
}

/** Lines of text already in memory (small files, tests), as one batch. */
export function linesOf(text: string): string[] {
  return stripCR(text.split("\n"));
}

/** Lines between a start line (trimmed equal to `start`) and the first line `isEnd` accepts; the first such
 *  section only. Stops consuming the input once it ends. */
export async function* cutSection(
  batches: AsyncIterable<string[]>,
  start: (trimmed: string) => boolean,
  isEnd: (trimmed: string) => boolean,
  seen?: { found: boolean },
): AsyncIterable<string[]> {
  let inside = false;
  for await (const batch of batches) {
    let from = 0;
    if (!inside) {
      const at = batch.findIndex((l) => start(l.trim()));
      if (at < 0) continue;
      inside = true;
      if (seen) seen.found = true;
      from = at + 1;
    }
    for (let i = from; i < batch.length; i++) {
      if (isEnd(batch[i].trim())) {
        if (i > from) yield batch.slice(from, i);
        return;
      }
    }
    if (from < batch.length) yield from === 0 ? batch : batch.slice(from);
  }
}

/** The lines of one service's dump ("DUMP OF SERVICE <service>:"). */
export function dumpsysSection(batches: AsyncIterable<string[]>, service: string, seen?: { found: boolean }): AsyncIterable<string[]> {
  const header = `DUMP OF SERVICE ${service}:`;
  return cutSection(batches, (l) => l === header, (l) => l.startsWith(SECTION_DELIMITER), seen);
}

/** The getprop lines of a dumpstate ("------ SYSTEM PROPERTIES …" up to a "------" line, or the next
 *  "------ … ------" banner: dumpstate closes the section with its duration line). */
export function systemPropertiesSection(batches: AsyncIterable<string[]>, seen?: { found: boolean }): AsyncIterable<string[]> {
  return cutSection(batches, (l) => l.startsWith("------ SYSTEM PROPERTIES"), (l) => l === "------" || l.startsWith("------ "), seen);
}

/** Line parsers are fed one line at a time and hand over finished records as they go. */
export abstract class LineParser<R> {
  protected out: R[] = [];
  /** True once the parser has seen the end of what it reads (the caller may stop feeding). */
  done = false;
  abstract line(line: string): void;
  end(): void {}
  drain(): R[] {
    const o = this.out;
    this.out = [];
    return o;
  }
}

/** Feed batches of lines to a parser and yield its records as they finish. */
export async function* parseBatches<R>(batches: AsyncIterable<string[]>, parser: LineParser<R>): AsyncIterable<R> {
  for await (const out of parseRecordBatches(batches, parser)) for (const r of out) yield r;
}

/** Feed batches of lines to a parser and yield its records a batch at a time (one await per batch, not per
 *  record: async iteration costs more than parsing a line). */
export async function* parseRecordBatches<R>(batches: AsyncIterable<string[]>, parser: LineParser<R>): AsyncIterable<R[]> {
  for await (const batch of batches) {
    for (const l of batch) {
      parser.line(l);
      if (parser.done) break;
    }
    const out = parser.drain();
    if (out.length) yield out;
    if (parser.done) break;
  }
  parser.end();
  const out = parser.drain();
  if (out.length) yield out;
}

/** Every record a parser makes of a text held in memory. */
export function parseText<R>(text: string, parser: LineParser<R>): R[] {
  const out: R[] = [];
  for (const l of linesOf(text)) {
    parser.line(l);
    out.push(...parser.drain());
    if (parser.done) break;
  }
  parser.end();
  out.push(...parser.drain());
  return out;
}
