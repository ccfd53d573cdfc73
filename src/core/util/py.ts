// Python's str() of a value, as MVT prints values inside timeline descriptions: None, True, False,
// and REAL columns keep their ".0".

export function pyStr(v: unknown, real = false): string {
  if (v === null || v === undefined) return "None";
  if (v === true) return "True";
  if (v === false) return "False";
  if (real && typeof v === "number" && Number.isInteger(v)) return `${v}.0`;
  return String(v);
}
