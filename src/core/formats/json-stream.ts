// Streaming reader for the JSON files acquisition tools write: a JSON array of values (`[{…},{…}]`, one
// line or pretty-printed) or newline-delimited JSON (one value per line). Each element is cut out by a small
// scanner (strings, escapes, nesting) and parsed on its own, so memory stays bounded by the largest element
// however many elements the file holds.

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
const BIG_DIGITS = /\d{16}/;
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

/** Every element of a JSON array, or every value of an NDJSON stream, in order. A file that ends inside
 *  an array or an element throws JsonStreamError after yielding every complete element before it. */
export async function* jsonElements(chunks: AsyncIterable<Uint8Array>, opts: JsonStreamOptions = {}): AsyncIterable<unknown> {
  const maxChars = opts.maxElementChars ?? DEFAULT_MAX_ELEMENT;
  const decoder = new TextDecoder("utf-8");
  let buf = "";
  let pos = 0;
  // mode: undetermined until the first non-space character; "array" when it is '['.
  let mode: "unknown" | "array" | "lines" = "unknown";
  let closed = false;
  let index = 0;
  // Scanner state for the element being cut.
  let start = -1;
  let depth = 0;
  let inString = false;
  let escaped = false;
  // Whether the element in progress is a container ({…} or […]) or a bare scalar.
  let container = false;

  const parse = function* (text: string): Generator<unknown> {
    const i = index++;
    try {
      yield BIG_DIGITS.test(text) ? parseKeepingBigIntegers(text) : JSON.parse(text);
    } catch (e) {
      if (!opts.onBadElement) throw new JsonStreamError(`element ${i}: ${(e as Error).message}`);
      opts.onBadElement(i, (e as Error).message);
    }
  };

  const scan = function* (final: boolean): Generator<unknown> {
    const n = buf.length;
    let i = pos;
    while (i < n) {
      if (start < 0) {
        // Between elements.
        const c = buf.charCodeAt(i);
        if (isSpace(c)) {
          i++;
          continue;
        }
        if (closed) throw new JsonStreamError(`unexpected content after the closing ']' at character ${i}`);
        if (mode === "unknown") {
          mode = c === OPEN_BRACKET ? "array" : "lines";
          if (mode === "array") {
            i++;
            continue;
          }
        }
        if (mode === "array") {
          if (c === COMMA) {
            i++;
            continue;
          }
          if (c === CLOSE_BRACKET) {
            closed = true;
            i++;
            continue;
          }
        }
        start = i;
        container = c === OPEN_BRACE || c === OPEN_BRACKET;
        depth = 0;
        inString = false;
        escaped = false;
      }
      if (container) {
        // Cut a {…} or […]: only quotes, backslashes inside strings and brackets matter.
        for (; i < n; i++) {
          const c = buf.charCodeAt(i);
          if (inString) {
            if (escaped) escaped = false;
            else if (c === BACKSLASH) escaped = true;
            else if (c === QUOTE) inString = false;
          } else if (c === QUOTE) inString = true;
          else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
          else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
            if (--depth === 0) {
              i++;
              break;
            }
          }
        }
        if (depth === 0 && !inString) {
          const text = buf.slice(start, i);
          start = -1;
          yield* parse(text);
          continue;
        }
      } else {
        // A scalar (string, number, literal) ends at a separator outside a string.
        for (; i < n; i++) {
          const c = buf.charCodeAt(i);
          if (inString) {
            if (escaped) escaped = false;
            else if (c === BACKSLASH) escaped = true;
            else if (c === QUOTE) inString = false;
            continue;
          }
          if (c === QUOTE && i === start) {
            inString = true;
            continue;
          }
          if (c === COMMA || c === CLOSE_BRACKET || c === 10 || c === 13 || (mode === "array" && isSpace(c))) break;
        }
        if (i < n || (final && !inString)) {
          const text = buf.slice(start, i).trim();
          start = -1;
          yield* parse(text);
          continue;
        }
      }
      if (i - start > maxChars) throw new JsonStreamError(`element ${index} is larger than ${maxChars} characters`);
    }
    // Keep only the element in progress.
    if (start >= 0) {
      buf = buf.slice(start);
      start = 0;
      pos = buf.length;
    } else {
      buf = "";
      pos = 0;
    }
  };

  for await (const chunk of chunks) {
    buf += decoder.decode(chunk, { stream: true });
    yield* scan(false);
  }
  buf += decoder.decode();
  yield* scan(true);
  if (start >= 0) throw new JsonStreamError(`the file ends inside element ${index} (truncated?)`);
  if ((mode as string) === "array" && !closed) throw new JsonStreamError(`the file ends before the closing ']' after ${index} elements (truncated?)`);
}

/** Chunks of a byte array (for tests and for data already in memory). */
export async function* chunksOf(bytes: Uint8Array, size = 1 << 16): AsyncIterable<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}
