// System properties (androidqf getprop.txt). Observables: property names (android-property indicators).
// Heuristic: a security patch level more than six months old.

import { artifact } from "../../module.js";
import type { Emit, RecordData } from "../../../types.js";
import { androidqfOf, parseGetprop } from "../../../formats/androidqf.js";
import { readText } from "./common.js";

/** MVT's threshold: 6 × 31 days. */
const PATCH_AGE_DAYS = 6 * 31;

/** Days between a `ro.build.version.security_patch` value (YYYY-MM-DD) and `now`; null when unparsable. */
export function patchAgeDays(patch: string, now: number): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(patch.trim());
  if (!m) return null;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return Number.isNaN(t) ? null : (now - t) / 86_400_000;
}

/** When the collection was made, carried by the security-patch record (a symbol: never written out). */
export const ACQUIRED_AT = Symbol("acquiredAt");

/** The patch age is measured at acquisition time when the collection says when that was (acquisition.json),
 *  else now, as MVT does: an old collection is judged by the phone's state when it was taken. */
export function checkPatchLevel(r: RecordData, emit: Emit, now = Date.now()): void {
  if (r.name !== "ro.build.version.security_patch") return;
  const acquired = (r as Record<symbol, unknown>)[ACQUIRED_AT];
  const at = typeof acquired === "number" ? acquired : now;
  const age = patchAgeDays(String(r.value), at);
  if (age === null || age <= PATCH_AGE_DAYS) return;
  const when = typeof acquired === "number" ? `when the collection was made (${new Date(acquired).toISOString().slice(0, 10)})` : "";
  emit({
    level: "medium",
    heuristic: "aqf_get_prop.old_security_patch",
    message:
      `This phone has not received security updates for more than six months${when ? ` ${when}` : ""} (last update: ${r.value}). ` +
      `Install the latest system update, or replace the phone if it gets no more updates: known exploits work on it.`,
    record: r,
  });
}

export const aqfGetProp = artifact({
  id: "aqf_get_prop",
  platform: "android",
  timelineName: "AQFGetProp",
  description: "System properties: build, security patch level, time zone… (getprop.txt)",
  sources: [{ rootPath: "getprop.txt" }],
  async *records(ctx) {
    const acquired = ctx.acquisition.kind === "androidqf" ? await androidqfOf(ctx.acquisition).acquisitionTime() : null;
    for await (const file of ctx.files()) {
      const text = await readText(ctx, file);
      if (text === null) continue;
      for (const r of parseGetprop(text)) {
        if (acquired !== null && r.name === "ro.build.version.security_patch") (r as Record<symbol, unknown>)[ACQUIRED_AT] = acquired;
        yield r;
      }
    }
  },
  *observables(r) {
    yield { type: "android_property", value: String(r.name) };
  },
  analyzer: () => ({ onRecord: (r, emit) => checkPatchLevel(r, emit) }),
});
