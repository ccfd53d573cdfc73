// Timestamps as MVT writes them: UTC "YYYY-MM-DD HH:MM:SS.ffffff", rounded to microseconds the way
// Python's datetime.fromtimestamp does (round half to even on the fractional part), so values match MVT's JSON.

/** Seconds between 1970-01-01 and 2001-01-01 (Apple's "Mac absolute time" epoch). */
export const MAC_EPOCH_OFFSET = 978307200;

function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

const pad = (n: number, w: number) => String(n).padStart(w, "0");
const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => (i < 10 ? "0" : "") + i);
const ZEROS = ["", "0", "00", "000", "0000", "00000"];

// Timestamps come in runs from the same day: the "YYYY-MM-DD " of the last day is kept.
let lastDay = NaN;
let lastDate = "";

/** "YYYY-MM-DD " of a day number (days since 1970-01-01), or null out of Python's datetime range. */
function datePart(day: number): string | null {
  if (day === lastDay) return lastDate;
  const d = new Date(day * 86_400_000);
  if (Number.isNaN(d.getTime())) return null;
  const y = d.getUTCFullYear();
  if (y < 1 || y > 9999) return null;
  lastDate = `${pad(y, 4)}-${TWO_DIGITS[d.getUTCMonth() + 1]}-${TWO_DIGITS[d.getUTCDate()]} `;
  lastDay = day;
  return lastDate;
}

/** Unix seconds (float allowed) → "YYYY-MM-DD HH:MM:SS.ffffff"; null for null/NaN/out of range. */
export function isoFromUnix(seconds: number | bigint | null | undefined): string | null {
  if (seconds === null || seconds === undefined) return null;
  let t = typeof seconds === "bigint" ? Number(seconds) : seconds;
  if (!Number.isFinite(t)) return null;
  let whole = Math.trunc(t);
  let us = roundHalfEven((t - whole) * 1e6);
  if (us >= 1_000_000) {
    whole += 1;
    us -= 1_000_000;
  } else if (us < 0) {
    whole -= 1;
    us += 1_000_000;
  }
  const day = Math.floor(whole / 86_400);
  const date = datePart(day);
  if (date === null) return null;
  const sec = whole - day * 86_400;
  const h = (sec / 3600) | 0;
  const m = ((sec - h * 3600) / 60) | 0;
  const usText = String(us);
  return `${date}${TWO_DIGITS[h]}:${TWO_DIGITS[m]}:${TWO_DIGITS[sec - h * 3600 - m * 60]}.${ZEROS[6 - usText.length] ?? ""}${usText}`;
}

/** Milliseconds since 1970 → MVT format. */
export function isoFromUnixMs(ms: number | bigint | null | undefined): string | null {
  if (ms === null || ms === undefined) return null;
  return isoFromUnix(Number(ms) / 1000);
}

/** Apple absolute time (seconds since 2001; nanoseconds for 18-digit integers as in sms.db) → MVT format.
 *  Like MVT, 0 / null give null and an 18-digit value keeps its first 9 digits (whole seconds). */
export function isoFromMac(value: number | bigint | string | null | undefined): string | null {
  if (value === null || value === undefined || value === "") return null;
  let t: number;
  if (typeof value === "bigint" || (typeof value === "number" && Number.isInteger(value))) {
    const s = String(value);
    t = s.length === 18 ? Number(s.slice(0, 9)) : Number(value);
  } else {
    t = Number(value);
  }
  if (!Number.isFinite(t) || t === 0) return null;
  return isoFromUnix(t + MAC_EPOCH_OFFSET);
}

/** A JS Date → MVT format (millisecond precision). */
export function isoFromDate(d: Date | null | undefined): string | null {
  if (!d || Number.isNaN(d.getTime())) return null;
  return isoFromUnixMs(d.getTime());
}

/** Chrome/WebKit time: microseconds since 1601-01-01 → MVT format. Integer arithmetic: these values exceed
 *  2^53, and float division would lose the last microsecond. 0 / null give null. */
export function isoFromChrome(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  let us: bigint;
  try {
    us = typeof value === "bigint" ? value : BigInt(Math.trunc(Number(value)));
  } catch {
    return null;
  }
  if (us === 0n) return null;
  const unixUs = us - 11644473600000000n;
  let secs = unixUs / 1000000n;
  let frac = unixUs % 1000000n;
  if (frac < 0n) {
    frac += 1000000n;
    secs -= 1n;
  }
  const base = isoFromUnix(Number(secs));
  return base ? `${base.slice(0, 20)}${String(frac).padStart(6, "0")}` : null;
}

/** Now, in MVT format. */
export function isoNow(): string {
  return isoFromUnixMs(Date.now()) as string;
}
