// Version numbers as vendors write them: dotted ("16.6.1", "2.25.21.73") and Android security patch levels
// ("2025-02-05"). Compared numerically, part by part, a missing part counting as 0 (16.6 = 16.6.0 < 16.6.1).

/** Numeric parts of a version, or null when it does not start with a number. Trailing text is ignored
 *  ("16.5.1 (c)" → [16, 5, 1]; "2.24.5.76-beta" → [2, 24, 5, 76]). */
export function parseVersion(text: string | null | undefined): number[] | null {
  if (typeof text !== "string") return null;
  const m = /^\s*v?(\d+(?:[.-]\d+)*)/i.exec(text);
  if (!m) return null;
  const parts = m[1].split(/[.-]/).map(Number);
  return parts.every(Number.isSafeInteger) ? parts : null;
}

function parts(v: string | number[]): number[] {
  if (Array.isArray(v)) return v;
  const p = parseVersion(v);
  if (!p) throw new Error(`not a version number: ${JSON.stringify(v)}`);
  return p;
}

/** -1, 0 or 1 as a is before, equal to or after b. */
export function compareVersions(a: string | number[], b: string | number[]): -1 | 0 | 1 {
  const x = parts(a);
  const y = parts(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d) return d < 0 ? -1 : 1;
  }
  return 0;
}

/** An Android security patch level ("YYYY-MM-DD"), normalised; null when malformed. */
export function parsePatchLevel(text: string | null | undefined): string | null {
  if (typeof text !== "string") return null;
  const m = /^\s*(\d{4})-(\d{2})-(\d{2})\s*$/.exec(text);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return null;
  return `${m[1]}-${m[2]}-${m[3]}`;
}
