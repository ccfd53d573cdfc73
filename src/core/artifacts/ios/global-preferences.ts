// Global preferences (HomeDomain Library/Preferences/.GlobalPreferences.plist): every top-level entry in file
// order, and whether Lockdown Mode (LDMGlobalEnabled) is on.
//
// Also home of the small helpers that render plist values the way MVT's JSON shows them (Python's str() of a
// datetime keeps microseconds, which a JS Date cannot hold, so they are read from the binary plist itself).

import { artifact } from "../module.js";
import { parsePlist, PlistUid } from "../../formats/plist.js";
import type { RecordData } from "../../types.js";
import { errorText } from "../../util/errors.js";

const APPLE_EPOCH = 978307200;

function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** Python's str(datetime) of a naive UTC datetime: "YYYY-MM-DD HH:MM:SS" plus ".ffffff" only when non-zero. */
function pyDatetime(unixWhole: number, us: number): string | null {
  const d = new Date(unixWhole * 1000);
  if (Number.isNaN(d.getTime())) return null;
  const base =
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return us ? `${base}.${pad(us, 6)}` : base;
}

/** Apple absolute seconds (as a binary plist stores them) → Python's str() of plistlib's datetime. */
export function pyDateFromAppleSeconds(seconds: number): string | null {
  if (!Number.isFinite(seconds)) return null;
  let whole = Math.floor(seconds);
  let us = roundHalfEven((seconds - whole) * 1e6);
  if (us >= 1_000_000) {
    whole += 1;
    us -= 1_000_000;
  }
  return pyDatetime(whole + APPLE_EPOCH, us);
}

/** The raw Apple-time seconds of every date object in a binary plist, keyed by the millisecond time a parsed
 *  Date carries (so a Date can be given back its microseconds). Empty for XML or malformed input. */
export function binaryPlistDates(bytes: Uint8Array): Map<number, number> {
  const out = new Map<number, number>();
  try {
    if (bytes.length < 40 || String.fromCharCode(...bytes.subarray(0, 8)) !== "bplist00") return out;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const t = bytes.length - 32;
    const offSize = bytes[t + 6];
    const count = Number(view.getBigUint64(t + 8));
    const table = Number(view.getBigUint64(t + 24));
    if (offSize < 1 || offSize > 8 || count > bytes.length || table + count * offSize > t) return out;
    for (let i = 0; i < count; i++) {
      let off = 0;
      for (let j = 0; j < offSize; j++) off = off * 256 + bytes[table + i * offSize + j];
      if (off + 9 > t || bytes[off] !== 0x33) continue;
      const s = view.getFloat64(off + 1);
      const key = new Date((s + APPLE_EPOCH) * 1000).getTime();
      if (!out.has(key)) out.set(key, s);
    }
  } catch {
    out.clear();
  }
  return out;
}

/** Python's str() of a parsed plist date (microseconds from `dates` when the plist was binary). */
export function pyDate(d: Date, dates?: Map<number, number>): string | null {
  const raw = dates?.get(d.getTime());
  if (raw !== undefined) return pyDateFromAppleSeconds(raw);
  const ms = d.getTime();
  if (Number.isNaN(ms)) return null;
  const whole = Math.floor(ms / 1000);
  return pyDatetime(whole, (ms - whole * 1000) * 1000);
}

/** bytes as MVT's JSON encoder writes them: UTF-8 with invalid bytes as \xNN. */
export function pyBytes(b: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(b);
  } catch {
    let s = "";
    for (const c of b) s += c < 0x80 ? String.fromCharCode(c) : `\\x${c.toString(16).padStart(2, "0")}`;
    return s;
  }
}

/** A parsed plist value as it appears in MVT's JSON (dates and bytes as strings, containers recursively). */
export function mvtPlistValue(v: unknown, dates?: Map<number, number>): unknown {
  if (v instanceof Date) return pyDate(v, dates);
  if (v instanceof Uint8Array) return pyBytes(v);
  if (v instanceof PlistUid) return `UID(${v.UID})`;
  if (Array.isArray(v)) return v.map((x) => mvtPlistValue(x, dates));
  if (v !== null && typeof v === "object") {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = mvtPlistValue(x, dates);
    return o;
  }
  return v;
}

/** Python truthiness of a JSON-like value. */
export function pyTruthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === 0 || v === "" || v === 0n) return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === "object" && !(v instanceof Date) && !(v instanceof Uint8Array)) return Object.keys(v).length > 0;
  return true;
}

export interface GlobalPreference extends RecordData {
  entry: string;
  value: unknown;
}

/** MVT's sentences, then what to do. */
export const LOCKDOWN_ON = "Lockdown mode enabled — it narrows the paths mercenary spyware uses: keep it on while the person may be targeted.";
export const LOCKDOWN_OFF =
  "Lockdown mode disabled — if the person may be targeted, turn it on (Settings > Privacy & Security > Lockdown Mode, iOS 16 or later).";

export const globalPreferences = artifact<GlobalPreference>({
  id: "global_preferences",
  platform: "ios",
  timelineName: "GlobalPreferences",
  description: "Global preferences, including whether Lockdown Mode is enabled (Library/Preferences/.GlobalPreferences.plist)",
  sources: [{ domain: "HomeDomain", path: "Library/Preferences/.GlobalPreferences.plist" }],
  async *records(ctx) {
    for await (const file of ctx.files()) {
      let bytes: Uint8Array;
      let value: unknown;
      try {
        bytes = await ctx.evidence.read(file.path);
        value = parsePlist(bytes);
      } catch (e) {
        ctx.gap(file, `not a readable property list: ${errorText(e)}`);
        continue;
      }
      if (value === null || typeof value !== "object" || Array.isArray(value) || value instanceof Date || value instanceof Uint8Array) {
        throw new Error(".GlobalPreferences.plist does not hold a dictionary of preferences");
      }
      const dates = binaryPlistDates(bytes);
      for (const [entry, v] of Object.entries(value as Record<string, unknown>)) {
        yield { entry, value: mvtPlistValue(v, dates) };
      }
    }
  },
  analyzer() {
    return {
      onRecord(r, emit) {
        if (r.entry !== "LDMGlobalEnabled") return;
        if (pyTruthy(r.value)) {
          emit({ level: "info", heuristic: "global_preferences.lockdown_enabled", message: LOCKDOWN_ON, record: r });
        } else {
          emit({ level: "low", heuristic: "global_preferences.lockdown_disabled", message: LOCKDOWN_OFF, record: r });
        }
      },
    };
  },
});
