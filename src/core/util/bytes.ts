// Byte-array helpers shared by the format readers and writers.

/** The parts one after another in a new array; `size` (their total length) saves a pass when the caller
 *  already counted it. */
export function concatBytes(parts: readonly Uint8Array[], size?: number): Uint8Array {
  let total = size;
  if (total === undefined) {
    total = 0;
    for (const p of parts) total += p.length;
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
