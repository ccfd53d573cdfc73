// How sysdiagnose modules read their files: each matching file once, through the sysdiagnose acquisition when
// there is one (its digest or the kept bytes), otherwise straight from the evidence; unreadable files are gaps.

import type { FileRef, FileSpec, ModuleContext } from "../module.js";
import { SysdiagnoseAcquisition } from "../../formats/sysdiagnose.js";
import { EvidenceError } from "../../evidence/evidence.js";
import { errorText } from "../../util/errors.js";

/** An error's message without the file name the gap already carries. */
function reason(e: unknown): string {
  const m = errorText(e);
  return e instanceof EvidenceError && m.startsWith(`${e.path}: `) ? m.slice(e.path.length + 2) : m;
}

const MAX_TEXT = 32 * 1024 * 1024;

export async function* sysdiagnoseFiles(ctx: ModuleContext, specs?: FileSpec[]): AsyncIterable<{ file: FileRef; bytes: Uint8Array }> {
  const seen = new Set<string>();
  const acq = ctx.acquisition instanceof SysdiagnoseAcquisition ? ctx.acquisition : null;
  for await (const file of ctx.files(specs)) {
    if (seen.has(file.path)) continue;
    seen.add(file.path);
    let bytes: Uint8Array;
    try {
      bytes = acq ? await acq.content(file) : await ctx.evidence.read(file.path, { maxBytes: MAX_TEXT });
    } catch (e) {
      ctx.gap(file, reason(e));
      continue;
    }
    yield { file, bytes };
  }
}

const utf8 = new TextDecoder("utf-8");

export function text(bytes: Uint8Array): string {
  return utf8.decode(bytes);
}

/** Path inside the sysdiagnose folder (or the evidence path). */
export function fileName(file: FileRef): string {
  return file.relativePath ?? file.path;
}

export function baseName(path: string): string {
  const trimmed = path.endsWith("/") ? path.slice(0, -1) : path;
  return trimmed.slice(trimmed.lastIndexOf("/") + 1);
}
