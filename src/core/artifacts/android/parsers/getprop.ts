// getprop output: "[name]: [value]" lines (androidqf getprop.txt, the dumpstate's SYSTEM PROPERTIES).

import { LineParser } from "./lines.js";
import type { Emit, RecordData } from "../../../types.js";

export interface Property {
  name: string;
  value: string;
}

const PROP = /\[(.+?)\]: \[(.+?)\]/;

export function parseGetpropLine(line: string): Property | null {
  const m = PROP.exec(line);
  return m ? { name: m[1], value: m[2] } : null;
}

export class GetpropParser extends LineParser<Property> {
  line(line: string): void {
    const p = parseGetpropLine(line);
    if (p) this.out.push(p);
  }
}

/** MVT's threshold for an old security patch: 6 × 31 days. */
export const PATCH_AGE_DAYS = 6 * 31;

/** Days between a `ro.build.version.security_patch` value (YYYY-MM-DD) and `now`; null when unparsable. */
export function patchAgeDays(patch: string, now: number): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(patch.trim());
  if (!m) return null;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return Number.isNaN(t) ? null : (now - t) / 86_400_000;
}

/** When the acquisition was made, carried by the security-patch record (a symbol: never written out). */
export const ACQUIRED_AT = Symbol("acquiredAt");

/** Mark a security-patch record with the acquisition time (ms), when it is known. */
export function withAcquiredAt<R extends object>(r: R & { name?: unknown }, acquired: number | null): R {
  if (acquired !== null && r.name === "ro.build.version.security_patch") (r as Record<symbol, unknown>)[ACQUIRED_AT] = acquired;
  return r;
}

/** The old-security-patch heuristic (`heuristic`: the module's id for it). The age is measured at
 *  acquisition time when the acquisition says when that was (androidqf's acquisition.json, a dumpstate's
 *  "== dumpstate:" line), else now, as MVT does: an old acquisition is judged by the phone's state when it was
 *  taken, and gives the same alerts whenever it is scanned. */
export function patchLevelCheck(heuristic: string): (r: RecordData, emit: Emit) => void {
  return (r, emit) => {
    if (r.name !== "ro.build.version.security_patch") return;
    const acquired = (r as Record<symbol, unknown>)[ACQUIRED_AT];
    const at = typeof acquired === "number" ? acquired : Date.now();
    const age = patchAgeDays(String(r.value), at);
    if (age === null || age <= PATCH_AGE_DAYS) return;
    const when = typeof acquired === "number" ? ` when the acquisition was made (${new Date(acquired).toISOString().slice(0, 10)})` : "";
    emit({
      level: "medium",
      heuristic,
      message:
        `This phone has not received security updates for more than six months${when} (last update: ${r.value}). ` +
        `Install the latest system update, or replace the phone if it gets no more updates: known exploits work on it.`,
      record: r,
    });
  };
}
