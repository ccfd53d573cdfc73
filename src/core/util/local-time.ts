// Device-local wall-clock times ("YYYY-MM-DD HH:MM:SS[.ffffff]", as Android dumps print them) put back on
// the real clock when the phone's time zone is known, so timelines of several sources sort by real time.

import { DeviceClock } from "./device-time.js";

const clocks = new Map<string, DeviceClock | null>();

/** The zone's clock (offsets from Intl, cached per day), or null when the runtime does not know the zone. */
function zone(tz: string): DeviceClock | null {
  let clock = clocks.get(tz);
  if (clock === undefined) {
    const c = DeviceClock.of(tz);
    clock = c.timezone === null ? null : c;
    clocks.set(tz, clock);
  }
  return clock;
}

const digit = (s: string, i: number) => s.charCodeAt(i) - 48;
const num = (s: string, i: number, n: number) => {
  let v = 0;
  for (let k = 0; k < n; k++) {
    const d = digit(s, i + k);
    if (d < 0 || d > 9) return NaN;
    v = v * 10 + d;
  }
  return v;
};
const p2 = (n: number) => (n < 10 ? `0${n}` : String(n));

/** A local time in zone `tz` → UTC "YYYY-MM-DD HH:MM:SS.ffffff"; the input unchanged (microseconds added)
 *  when the zone is unknown, and null when it is not a time. */
export function localToUtc(local: string, tz: string | null | undefined): string | null {
  // Dumps repeat a time many times in a row (a daily-stats period for each of its package updates).
  if (local === lastLocal && tz === lastTz) return lastOut;
  lastOut = convert(local, tz);
  lastLocal = local;
  lastTz = tz;
  return lastOut;
}

let lastLocal: string | null = null;
let lastTz: string | null | undefined = null;
let lastOut: string | null = null;

function convert(local: string, tz: string | null | undefined): string | null {
  if (local.length < 19 || local[4] !== "-" || local[7] !== "-" || local[10] !== " " || local[13] !== ":" || local[16] !== ":") return null;
  const y = num(local, 0, 4), mo = num(local, 5, 2), d = num(local, 8, 2), h = num(local, 11, 2), mi = num(local, 14, 2), s = num(local, 17, 2);
  let frac = "";
  if (local.length > 19) {
    if (local[19] !== "." || local.length > 26 || Number.isNaN(num(local, 20, local.length - 20))) return null;
    frac = local.slice(20);
  }
  if (Number.isNaN(y + mo + d + h + mi + s) || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return null;
  const asUtc = Date.UTC(y, mo - 1, d, h, mi, s) / 1000;
  const z = tz ? zone(tz) : null;
  const secs = z ? z.utcFromLocal(asUtc) : asUtc;
  return `${civil(secs)}.${frac.padEnd(6, "0")}`;
}

/** Unix seconds → "YYYY-MM-DD HH:MM:SS" by integer arithmetic (days → civil date, H. Hinnant's algorithm):
 *  several times cheaper than a Date per value, and timelines convert millions. */
function civil(secs: number): string {
  const days = Math.floor(secs / 86400);
  let rem = secs - days * 86400;
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  const hh = Math.floor(rem / 3600);
  rem -= hh * 3600;
  const mm = Math.floor(rem / 60);
  const ss = rem - mm * 60;
  return `${String(y).padStart(4, "0")}-${p2(m)}-${p2(d)} ${p2(hh)}:${p2(mm)}:${p2(ss)}`;
}

/** True when `tz` is an IANA zone this runtime knows. */
export function knownTimezone(tz: string | null | undefined): boolean {
  return Boolean(tz) && zone(tz!) !== null;
}
