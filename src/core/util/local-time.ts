// Device-local wall-clock times ("YYYY-MM-DD HH:MM:SS[.ffffff]", as Android dumps print them) put back on
// the real clock when the phone's time zone is known, so timelines of several sources sort by real time.

const DAY = 86_400;
const QUARTER = 900;

/** UTC offsets of one IANA zone, from Intl. Asking Intl costs microseconds, so offsets are cached per UTC day
 *  (a day whose start and end agree has one offset throughout) and per quarter hour on transition days. */
class ZoneOffsets {
  private readonly format: Intl.DateTimeFormat;
  private readonly days = new Map<number, number | null>();
  private readonly quarters = new Map<number, number>();

  constructor(readonly tz: string) {
    this.format = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
  }

  private ask(unix: number): number {
    const p: Record<string, number> = {};
    for (const part of this.format.formatToParts(new Date(unix * 1000))) if (part.type !== "literal") p[part.type] = Number(part.value);
    return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) / 1000 - unix;
  }

  /** Seconds to add to a UTC instant to get the zone's wall clock. */
  at(unix: number): number {
    const day = Math.floor(unix / DAY);
    let whole = this.days.get(day);
    if (whole === undefined) {
      const a = this.ask(day * DAY);
      whole = a === this.ask(day * DAY + DAY - 1) ? a : null;
      if (this.days.size > 100_000) this.days.clear();
      this.days.set(day, whole);
    }
    if (whole !== null) return whole;
    const q = Math.floor(unix / QUARTER);
    let off = this.quarters.get(q);
    if (off === undefined) {
      off = this.ask(q * QUARTER);
      if (this.quarters.size > 100_000) this.quarters.clear();
      this.quarters.set(q, off);
    }
    return off;
  }

  /** A wall-clock time of this zone (read as UTC seconds) → the UTC instant; in a DST gap or overlap, the
   *  offset in force one offset earlier is used. */
  utcFromLocal(local: number): number {
    return local - this.at(local - this.at(local));
  }
}

const zones = new Map<string, ZoneOffsets | null>();

/** The zone's offsets, or null when the runtime does not know the zone. */
function zone(tz: string): ZoneOffsets | null {
  let z = zones.get(tz);
  if (z === undefined) {
    try {
      z = new ZoneOffsets(tz);
    } catch {
      z = null;
    }
    zones.set(tz, z);
  }
  return z;
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
