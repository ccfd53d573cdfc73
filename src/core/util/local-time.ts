// Device-local wall-clock times ("YYYY-MM-DD HH:MM:SS[.ffffff]", as Android dumps print them) put back on
// the real clock when the phone's time zone is known, so timelines of several sources sort by real time.

import { DeviceClock } from "./device-time.js";

const clocks = new Map<string, DeviceClock>();

function clockFor(tz: string): DeviceClock {
  let c = clocks.get(tz);
  if (!c) clocks.set(tz, (c = new DeviceClock(tz)));
  return c;
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/;

/** A local time in zone `tz` → UTC "YYYY-MM-DD HH:MM:SS.ffffff"; the input unchanged (microseconds added)
 *  when the zone is unknown, and null when it is not a time. */
export function localToUtc(local: string, tz: string | null | undefined): string | null {
  const m = LOCAL.exec(local);
  if (!m) return null;
  const us = (m[7] ?? "").padEnd(6, "0");
  const asUtc = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) / 1000;
  if (Number.isNaN(asUtc)) return null;
  const clock = tz ? clockFor(tz) : null;
  const secs = clock && clock.timezone ? clock.utcFromLocal(asUtc) : asUtc;
  const iso = new Date(secs * 1000).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${us}`;
}

/** True when `tz` is an IANA zone this runtime knows. */
export function knownTimezone(tz: string | null | undefined): boolean {
  return Boolean(tz) && clockFor(tz!).timezone !== null;
}
