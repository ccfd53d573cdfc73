// Streaming reader for the JSON files acquisition tools write: a JSON array of values (`[{…},{…}]`, one
// line or pretty-printed) or newline-delimited JSON (one value per line). Each element is cut out by a small
// scanner (strings, escapes, nesting) and parsed on its own, so memory stays bounded by the largest element
// however many elements the file holds.

import { Utf8Stream } from "../util/utf8-stream.js";

export interface JsonStreamOptions {
  /** Largest single element, in UTF-16 code units (default 16 MiB). */
  maxElementChars?: number;
  /** Called for an element that does not parse; the stream goes on with the next one. */
  onBadElement?(index: number, reason: string): void;
}

export class JsonStreamError extends Error {
  override name = "JsonStreamError";
}

const DEFAULT_MAX_ELEMENT = 16 * 1024 * 1024;

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const COMMA = 44;

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9 || c === 0xfeff;
}

/** A run of digits long enough to be an integer beyond 2^53 (certificate serial numbers, some ids). */
const BIG_DIGIT_RUN = 16;

/** Whether `text` has a number of BIG_DIGIT_RUN digits or more: a run of that many digits that starts the
 *  text or follows ':', ',' or '[' (blanks and a '-' between). May also fire inside a string (then the exact
 *  path merely runs for nothing); never misses such a number. Every such run covers a multiple of
 *  BIG_DIGIT_RUN, so only every BIG_DIGIT_RUN-th character is looked at, and the run around a digit found
 *  there (a tenth of the cost of a regular expression over every NDJSON line). */
export function hasLongDigitRun(text: string): boolean {
  const n = text.length;
  for (let p = BIG_DIGIT_RUN - 1; p < n; p += BIG_DIGIT_RUN) {
    let c = text.charCodeAt(p);
    if (c < 48 || c > 57) continue;
    let end = p + 1;
    while (end < n && (c = text.charCodeAt(end)) >= 48 && c <= 57) end++;
    let start = p;
    while (start > 0 && (c = text.charCodeAt(start - 1)) >= 48 && c <= 57) start--;
    if (end - start >= BIG_DIGIT_RUN && startsNumber(text, start)) return true;
    while (p + BIG_DIGIT_RUN < end) p += BIG_DIGIT_RUN; // the rest of this run is known
  }
  return false;
}

/** Whether a digit run at `start` begins a number: at the start of the text or after ':', ',' or '[', with
 *  an optional '-' and blanks between. */
function startsNumber(text: string, start: number): boolean {
  let i = start - 1;
  if (i >= 0 && text.charCodeAt(i) === 45) i--;
  while (i >= 0 && isJsonBlank(text.charCodeAt(i))) i--;
  if (i < 0) return true;
  const c = text.charCodeAt(i);
  return c === 58 || c === COMMA || c === OPEN_BRACKET;
}

function isJsonBlank(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}
const BIG_MARK = "\u0000bigint:";

/** JSON.parse, except that integers beyond Number's exact range become BigInt (written back exactly by the
 *  report writer) instead of being rounded. Only used for the rare elements that have such digits. */
export function parseKeepingBigIntegers(text: string): unknown {
  let out = "";
  let last = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
      continue;
    }
    if (c === QUOTE) {
      inString = true;
      continue;
    }
    if ((c >= 48 && c <= 57) || c === 45) {
      let j = i + 1;
      while (j < text.length && /[0-9.eE+-]/.test(text[j])) j++;
      const token = text.slice(i, j);
      if (/^-?\d+$/.test(token) && !Number.isSafeInteger(Number(token))) {
        out += text.slice(last, i) + JSON.stringify(BIG_MARK + token);
        last = j;
      }
      i = j - 1;
    }
  }
  if (last === 0) return JSON.parse(text);
  return JSON.parse(out + text.slice(last), (_k, v) => (typeof v === "string" && v.startsWith(BIG_MARK) ? BigInt(v.slice(BIG_MARK.length)) : v));
}

/** Closing braces tried as the end of an object element before walking it character by character. */
const FAST_OBJECT_TRIES = 3;

const NOT_JSON: unique symbol = Symbol("not JSON");

function parsedOrNotJson(text: string): unknown {
  try {
    return hasLongDigitRun(text) ? parseKeepingBigIntegers(text) : JSON.parse(text);
  } catch {
    return NOT_JSON;
  }
}

/** Elements cut from one piece of input, parsed one at a time as they are iterated (so only the element
 *  in use is a live object, not the whole batch). */
export class JsonBatch implements Iterable<unknown> {
  /** Element texts to parse when iterated; null where the scanner has parsed the element (in `values`). */
  private readonly texts: (string | null)[] = [];
  private readonly bigs: boolean[] = [];
  private readonly values: unknown[] = [];
  constructor(
    private readonly first: number,
    private readonly opts: JsonStreamOptions,
  ) {}

  /** Add an element's text; returns the index the next element will have. */
  add(text: string, mayBeBig: boolean): number {
    this.texts.push(text);
    this.bigs.push(mayBeBig);
    this.values.push(undefined);
    return this.first + this.texts.length;
  }

  /** Add an element the scanner has already parsed; returns the index the next element will have. */
  addParsed(value: unknown): number {
    this.texts.push(null);
    this.bigs.push(false);
    this.values.push(value);
    return this.first + this.texts.length;
  }

  get length(): number {
    return this.texts.length;
  }

  *[Symbol.iterator](): Iterator<unknown> {
    const { texts, bigs, values } = this;
    for (let k = 0; k < texts.length; k++) {
      let value: unknown;
      const text = texts[k];
      if (text === null) {
        value = values[k];
        values[k] = undefined;
        yield value;
        continue;
      }
      try {
        value = bigs[k] ? parseKeepingBigIntegers(text) : JSON.parse(text);
      } catch (e) {
        if (!this.opts.onBadElement) throw new JsonStreamError(`element ${this.first + k}: ${(e as Error).message}`);
        this.opts.onBadElement(this.first + k, (e as Error).message);
        continue;
      }
      yield value;
    }
  }
}

/** Cuts a JSON array (`[…]`, any layout) or NDJSON text into elements as text arrives, and parses each one.
 *  Synchronous, so callers pay one async step per chunk rather than per element. */
export class JsonElementScanner {
  private readonly maxChars: number;
  private buf = "";
  private pos = 0;
  /** Undetermined until the first non-space character: "array" when it is '[', else one value per line. */
  private mode: "unknown" | "array" | "lines" = "unknown";
  private closed = false;
  /** Elements cut so far (the index of the next one). */
  index = 0;
  // State of the element being cut (array mode).
  private start = -1;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private container = false;
  private digits = 0;
  private big = false;

  constructor(private readonly opts: JsonStreamOptions = {}) {
    this.maxChars = opts.maxElementChars ?? DEFAULT_MAX_ELEMENT;
  }

  /** Feed decoded text; returns the elements it completed (parsed as they are iterated). */
  push(text: string): JsonBatch {
    if (this.mode === "lines" && this.start >= 0) {
      // A line carried over from the previous text: complete it with the start of this one and go on in this
      // text alone (searching and slicing `carry + text`, a string made by concatenation, costs three times
      // as much as the text itself).
      const nl = text.indexOf("\n");
      if (nl >= 0) {
        const out = new JsonBatch(this.index, this.opts);
        const line = this.buf.slice(this.start) + text.slice(0, nl);
        if (line.length > this.maxChars) throw new JsonStreamError(`element ${this.index} is larger than ${this.maxChars} characters`);
        this.addLine(out, line, 0, line.length);
        this.start = -1;
        this.buf = text;
        this.pos = nl + 1;
        return this.scan(false, out);
      }
    }
    this.buf += text;
    return this.scan(false);
  }

  /** An array's object element starting at buf[i], cut and parsed without walking it: the text up to a '}'
   *  followed by ',' or ']' is parsed, and if it parses it is the element (a JSON value is self-delimiting: no
   *  shorter or longer text from the same '{' is one). Objects with nested ones or '}' in strings may need a
   *  later '}'; after a few tries, or when the end is not in this text yet, the caller walks the element.
   *  Returns the index after the element, or -1. */
  private fastObject(buf: string, i: number, out: JsonBatch): number {
    let close = buf.indexOf("}", i + 1);
    for (let tries = 0; close >= 0 && tries < FAST_OBJECT_TRIES; tries++) {
      let k = close + 1;
      while (k < buf.length && isSpace(buf.charCodeAt(k))) k++;
      if (k === buf.length || close + 1 - i > this.maxChars) return -1;
      const next = buf.charCodeAt(k);
      if (next === COMMA || next === CLOSE_BRACKET) {
        // Not JSON: not the end of this element (or not valid JSON at all: the walk will tell).
        const value = parsedOrNotJson(buf.slice(i, close + 1));
        if (value !== NOT_JSON) {
          this.index = out.addParsed(value);
          return close + 1;
        }
      }
      close = buf.indexOf("}", close + 1);
    }
    return -1;
  }

  /** The NDJSON line text[from, stop) as an element, unless blank (trailing blanks dropped). */
  private addLine(out: JsonBatch, text: string, from: number, stop: number): void {
    let last = stop;
    while (last > from && isSpace(text.charCodeAt(last - 1))) last--;
    if (last > from) {
      const line = from === 0 && last === text.length ? text : text.slice(from, last);
      this.index = out.add(line, hasLongDigitRun(line));
    }
  }

  /** End of input: the last elements. Then call assertComplete(). */
  end(): JsonBatch {
    return this.scan(true);
  }

  /** JsonStreamError when the text stopped inside an element or before the array's closing bracket. */
  assertComplete(): void {
    if (this.start >= 0) throw new JsonStreamError(`the file ends inside element ${this.index} (truncated?)`);
    if (this.mode === "array" && !this.closed) throw new JsonStreamError(`the file ends before the closing ']' after ${this.index} elements (truncated?)`);
  }

  private scan(final: boolean, out = new JsonBatch(this.index, this.opts)): JsonBatch {
    const buf = this.buf;
    const n = buf.length;
    let i = this.pos;
    if (this.mode === "lines" && this.start >= 0) {
      // A line that had no newline yet (the buffer holds it from 0).
      if (buf.indexOf("\n", i) < 0 && !final) {
        if (n > this.maxChars) throw new JsonStreamError(`element ${this.index} is larger than ${this.maxChars} characters`);
        this.pos = n;
        return out;
      }
      i = this.start;
      this.start = -1;
    }
    while (i < n) {
      if (this.start < 0) {
        const c = buf.charCodeAt(i);
        if (isSpace(c)) {
          i++;
          continue;
        }
        if (this.closed) throw new JsonStreamError(`unexpected content after the closing ']' at character ${i}`);
        if (this.mode === "unknown") {
          this.mode = c === OPEN_BRACKET ? "array" : "lines";
          if (this.mode === "array") {
            i++;
            continue;
          }
        }
        if (this.mode === "lines") {
          // NDJSON: a value never holds a raw newline, so a line is a value.
          const nl = buf.indexOf("\n", i);
          if (nl < 0 && !final) {
            this.start = i;
            break;
          }
          const stop = nl < 0 ? n : nl;
          if (stop - i > this.maxChars) throw new JsonStreamError(`element ${this.index} is larger than ${this.maxChars} characters`);
          this.addLine(out, buf, i, stop);
          i = stop + 1;
          continue;
        }
        if (c === COMMA) {
          i++;
          continue;
        }
        if (c === CLOSE_BRACKET) {
          this.closed = true;
          i++;
          continue;
        }
        if (c === OPEN_BRACE) {
          const end = this.fastObject(buf, i, out);
          if (end > 0) {
            i = end;
            continue;
          }
        }
        this.start = i;
        this.container = c === OPEN_BRACE || c === OPEN_BRACKET;
        this.depth = 0;
        this.inString = false;
        this.escaped = false;
        this.digits = 0;
        this.big = false;
      }
      let inString = this.inString;
      let escaped = this.escaped;
      let depth = this.depth;
      let digits = this.digits;
      let done = false;
      if (this.container) {
        // Only quotes, brackets and runs of digits outside strings matter; a string is skipped to its
        // closing quote (one not preceded by an odd run of backslashes) with indexOf.
        for (; i < n; i++) {
          if (inString) {
            let q = buf.indexOf('"', i);
            while (q !== -1) {
              let b = q - 1;
              while (b >= this.start && buf.charCodeAt(b) === BACKSLASH) b--;
              if ((q - 1 - b) % 2 === 0) break;
              q = buf.indexOf('"', q + 1);
            }
            if (q === -1) {
              i = n;
              break;
            }
            i = q;
            inString = false;
            continue;
          }
          const c = buf.charCodeAt(i);
          if (c >= 48 && c <= 57) {
            if (++digits >= BIG_DIGIT_RUN) this.big = true;
          } else {
            digits = 0;
            if (c === QUOTE) inString = true;
            else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
            else if ((c === CLOSE_BRACE || c === CLOSE_BRACKET) && --depth === 0) {
              i++;
              done = true;
              break;
            }
          }
        }
      } else {
        // A scalar ends at a separator outside a string.
        for (; i < n; i++) {
          const c = buf.charCodeAt(i);
          if (inString) {
            if (escaped) escaped = false;
            else if (c === BACKSLASH) escaped = true;
            else if (c === QUOTE) inString = false;
            continue;
          }
          if (c === QUOTE && i === this.start) {
            inString = true;
            continue;
          }
          if (c === COMMA || c === CLOSE_BRACKET || isSpace(c)) {
            done = true;
            break;
          }
        }
        if (!done && final && !inString) done = true;
      }
      this.inString = inString;
      this.escaped = escaped;
      this.depth = depth;
      this.digits = digits;
      if (done) {
        const text = buf.slice(this.start, i);
        this.start = -1;
        this.index = out.add(text, this.container ? this.big : hasLongDigitRun(text));
        continue;
      }
      if (i - this.start > this.maxChars) throw new JsonStreamError(`element ${this.index} is larger than ${this.maxChars} characters`);
    }
    // Keep only the element in progress.
    if (this.start >= 0) {
      this.buf = buf.slice(this.start);
      this.pos = i - this.start;
      this.start = 0;
    } else {
      this.buf = i < n ? buf.slice(i) : "";
      this.pos = 0;
    }
    return out;
  }
}

/** Input is decoded this much at a time: texts stay under V8's large-object size, so they die young instead
 *  of filling the old generation and bringing on full collections (a 1 MiB text per chunk cost one
 *  mark-compact every ten chunks). */
const DECODE_SLICE = 64 * 1024;

/** Elements of a JSON array or NDJSON stream, a batch per chunk of input (bounded memory: the largest element
 *  plus one chunk). A file that ends inside an array or an element throws JsonStreamError after yielding
 *  every complete element before it. */
export async function* jsonBatches(chunks: AsyncIterable<Uint8Array>, opts: JsonStreamOptions = {}): AsyncIterable<JsonBatch> {
  const decoder = new Utf8Stream();
  const scanner = new JsonElementScanner(opts);
  for await (const chunk of chunks) {
    for (let at = 0; at < chunk.length; at += DECODE_SLICE) {
      const batch = scanner.push(decoder.decode(chunk.subarray(at, at + DECODE_SLICE)));
      if (batch.length) yield batch;
    }
  }
  const tail = scanner.push(decoder.end());
  if (tail.length) yield tail;
  const last = scanner.end();
  if (last.length) yield last;
  scanner.assertComplete();
}

/** Every element of a JSON array, or every value of an NDJSON stream, in order (see jsonBatches). */
export async function* jsonElements(chunks: AsyncIterable<Uint8Array>, opts: JsonStreamOptions = {}): AsyncIterable<unknown> {
  for await (const batch of jsonBatches(chunks, opts)) yield* batch;
}

/** Chunks of a byte array (for tests and for data already in memory). */
export async function* chunksOf(bytes: Uint8Array, size = 1 << 16): AsyncIterable<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}
