// Reading helpers shared by the androidqf modules: JSON files streamed element by element, text files
// read whole within a bound. Problems become coverage gaps or warnings; the scan goes on.

import type { FileRef, ModuleContext } from "../../module.js";
import { jsonBatches, JsonStreamError, type JsonBatch } from "../../../formats/json-stream.js";
import { errorText } from "../../../util/errors.js";

/** Text files androidqf writes are small (ps, getprop, settings); anything bigger is not one of them. */
export const MAX_TEXT_FILE = 64 * 1024 * 1024;

/** Whole text file, or null after recording a gap. */
export async function readText(ctx: ModuleContext, file: FileRef, maxBytes = MAX_TEXT_FILE): Promise<string | null> {
  try {
    return new TextDecoder("utf-8").decode(await ctx.evidence.read(file.path, { maxBytes }));
  } catch (e) {
    ctx.gap(file, errorText(e));
    return null;
  }
}

/** Elements of a JSON array / NDJSON file, streamed in batches (one per chunk read). Elements that do not
 *  parse are counted and warned about once; a truncated or unreadable file becomes a gap after every element
 *  read before the break. */
export async function* jsonFile(ctx: ModuleContext, file: FileRef): AsyncIterable<JsonBatch> {
  let bad = 0;
  let firstBad = "";
  try {
    yield* jsonBatches(ctx.evidence.stream(file.path), {
      onBadElement(index, reason) {
        if (!bad++) firstBad = `element ${index}: ${reason}`;
      },
    });
  } catch (e) {
    ctx.gap(file, e instanceof JsonStreamError ? `not complete JSON: ${e.message}` : errorText(e));
  } finally {
    if (bad) ctx.warn(`${file.path}: ${bad} element(s) are not valid JSON and were skipped (first: ${firstBad})`);
  }
}

/** Strings as MVT prints Python values in messages (None for missing). */
export function shown(v: unknown): string {
  return v === null || v === undefined ? "None" : String(v);
}
