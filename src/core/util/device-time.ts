// Device-local time: Android artifacts record either UTC instants that MVT shows in the phone's time zone
// (persist.sys.timezone), or local wall-clock times. Intl does the zone arithmetic (Node and browsers alike);
// offsets are cached per day (per quarter hour on the days a zone changes its offset), so millions of
// conversions stay cheap.

import { isoFromUnix } from "./time.js";

const DAY = 86_400;
const QUARTER_HOUR = 900;
const MAX_CACHED = 200_000;

const TWO = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, "0"));
const dayPrefixes = new Map<number, string>();

/** Whole Unix seconds → "YYYY-MM-DD HH:MM:SS.000000" without a Date per call (the day part is cached);
 *  anything else (fractions, out of range) goes through isoFromUnix. */
export function isoFromSeconds(t: number): string | null {
  if (!Number.isInteger(t)) return isoFromUnix(t);
  const day = Math.floor(t / DAY);
  let prefix = dayPrefixes.get(day);
  if (prefix === undefined) {
    const iso = isoFromUnix(day * DAY);
    if (iso === null) return null;
    prefix = iso.slice(0, 11);
    if (dayPrefixes.size > MAX_CACHED) dayPrefixes.clear();
    dayPrefixes.set(day, prefix);
  }
  const s = t - day * DAY;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${prefix}${TWO[h]}:${TWO[m]}:${TWO[s % 60]}.000000`;
}

const sharedClocks = new Map<string, DeviceClock>();

export class DeviceClock {
  /** The clock of a zone, shared by every reader of the same zone: building the Intl formatter costs ~10 ms
   *  and the per-day offsets are worth keeping across modules. */
  static of(timezone: string | null | undefined): DeviceClock {
    const key = timezone ?? "";
    let clock = sharedClocks.get(key);
    if (!clock) {
      if (sharedClocks.size >= 64) sharedClocks.clear();
      sharedClocks.set(key, (clock = new DeviceClock(timezone)));
    }
    return clock;
  }

  private readonly format: Intl.DateTimeFormat | null;
  /** Offset per day, or NaN for a day whose offset changes (then per quarter hour). */
  private readonly dayOffsets = new Map<number, number>();
  private readonly quarterOffsets = new Map<number, number>();
  private readonly dayStarts = new Map<number, number>();
  /** The IANA zone in use, or null when unknown or not recognised (then local time = UTC). */
  readonly timezone: string | null;

  constructor(timezone: string | null | undefined) {
    let format: Intl.DateTimeFormat | null = null;
    if (timezone) {
      try {
        format = new Intl.DateTimeFormat("en-US", {
          timeZone: timezone,
          hourCycle: "h23",
          year: "numeric",
          month: "numeric",
          day: "numeric",
          hour: "numeric",
          minute: "numeric",
          second: "numeric",
        });
      } catch {
        format = null; // unknown zone name: reported by the caller through `timezone === null`
      }
    }
    this.format = format;
    this.timezone = format ? timezone! : null;
  }

  /** Offset (seconds) of the zone at an instant, straight from Intl. */
  private compute(at: number): number {
    const parts: Record<string, number> = {};
    for (const p of this.format!.formatToParts(new Date(at * 1000))) if (p.type !== "literal") parts[p.type] = Number(p.value);
    return Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second) / 1000 - at;
  }

  /** The offset at 00:00 UTC of a day: the end of one day is the start of the next, so consecutive days
   *  (a dump's times) ask Intl once per day rather than twice. */
  private atDayStart(day: number): number {
    let off = this.dayStarts.get(day);
    if (off === undefined) {
      off = this.compute(day * DAY);
      if (this.dayStarts.size > MAX_CACHED) this.dayStarts.clear();
      this.dayStarts.set(day, off);
    }
    return off;
  }

  /** Seconds to add to a UTC instant to get the zone's wall-clock time at that instant. Zones change their
   *  offset at most once a day, so a day with equal offsets at both ends has that offset throughout. */
  offsetAt(unixSeconds: number): number {
    if (!this.format) return 0;
    const day = Math.floor(unixSeconds / DAY);
    let off = this.dayOffsets.get(day);
    if (off === undefined) {
      const start = this.atDayStart(day);
      off = start === this.atDayStart(day + 1) ? start : NaN;
      if (this.dayOffsets.size > MAX_CACHED) this.dayOffsets.clear();
      this.dayOffsets.set(day, off);
    }
    if (!Number.isNaN(off)) return off;
    const key = Math.floor(unixSeconds / QUARTER_HOUR);
    let q = this.quarterOffsets.get(key);
    if (q === undefined) {
      q = this.compute(key * QUARTER_HOUR);
      if (this.quarterOffsets.size > MAX_CACHED) this.quarterOffsets.clear();
      this.quarterOffsets.set(key, q);
    }
    return q;
  }

  /** A UTC instant as the device's wall-clock time, in MVT's "YYYY-MM-DD HH:MM:SS.ffffff". */
  localIso(unixSeconds: number): string | null {
    if (!Number.isFinite(unixSeconds)) return null;
    return isoFromSeconds(unixSeconds + this.offsetAt(unixSeconds));
  }

  /** A device wall-clock time (as seconds, read as if it were UTC) → the UTC instant, for timeline sorting.
   *  Exact except in the hour a zone repeats at the end of DST, which maps to one of its two instants. */
  utcFromLocal(localSeconds: number): number {
    if (!this.format) return localSeconds;
    const guess = localSeconds - this.offsetAt(localSeconds);
    return localSeconds - this.offsetAt(guess);
  }
}
