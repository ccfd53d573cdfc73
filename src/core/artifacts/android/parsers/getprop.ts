// getprop output: "[name]: [value]" lines (androidqf getprop.txt, the dumpstate's SYSTEM PROPERTIES).

import { LineParser } from "./lines.js";

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
