// Device-local time: Android artifacts record either UTC instants that MVT shows in the phone's time zone
// (persist.sys.timezone), or local wall-clock times. Intl does the zone arithmetic (Node and browsers alike);
// offsets are cached per quarter hour so millions of conversions stay cheap.

import { isoFromUnix } from "./time.js";

const QUARTER_HOUR = 900;

export class DeviceClock {
  private readonly format: Intl.DateTimeFormat | null;
  private readonly offsets = new Map<number, number>();
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

  /** Seconds to add to a UTC instant to get the zone's wall-clock time at that instant. */
  offsetAt(unixSeconds: number): number {
    if (!this.format) return 0;
    const key = Math.floor(unixSeconds / QUARTER_HOUR);
    let off = this.offsets.get(key);
    if (off === undefined) {
      const at = key * QUARTER_HOUR;
      const parts: Record<string, number> = {};
      for (const p of this.format.formatToParts(new Date(at * 1000))) if (p.type !== "literal") parts[p.type] = Number(p.value);
      const wall = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second) / 1000;
      off = wall - at;
      if (this.offsets.size > 100_000) this.offsets.clear();
      this.offsets.set(key, off);
    }
    return off;
  }

  /** A UTC instant as the device's wall-clock time, in MVT's "YYYY-MM-DD HH:MM:SS.ffffff". */
  localIso(unixSeconds: number): string | null {
    if (!Number.isFinite(unixSeconds)) return null;
    return isoFromUnix(unixSeconds + this.offsetAt(unixSeconds));
  }

  /** A device wall-clock time (as seconds, read as if it were UTC) → the UTC instant, for timeline sorting.
   *  Around a DST change the offset of the instant one offset earlier is used (exact except in the gap). */
  utcFromLocal(localSeconds: number): number {
    if (!this.format) return localSeconds;
    const guess = localSeconds - this.offsetAt(localSeconds);
    return localSeconds - this.offsetAt(guess);
  }
}
