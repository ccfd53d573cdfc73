// Minimal XML property-list writer for the synthetic backup's plists (the parser reads XML and binary).

/** Forces a number to be written as <real> even when it is integral. */
export class Real {
  constructor(readonly value: number) {}
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function b64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

function iso(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

function write(v: unknown, out: string[]): void {
  if (v instanceof Real) out.push(`<real>${Number.isInteger(v.value) ? v.value.toFixed(1) : String(v.value)}</real>`);
  else if (typeof v === "string") out.push(`<string>${esc(v)}</string>`);
  else if (typeof v === "bigint") out.push(`<integer>${v}</integer>`);
  else if (typeof v === "number") out.push(Number.isInteger(v) ? `<integer>${v}</integer>` : `<real>${v}</real>`);
  else if (typeof v === "boolean") out.push(v ? "<true/>" : "<false/>");
  else if (v instanceof Date) out.push(`<date>${iso(v)}</date>`);
  else if (v instanceof Uint8Array) out.push(`<data>${b64(v)}</data>`);
  else if (Array.isArray(v)) {
    out.push("<array>");
    for (const x of v) write(x, out);
    out.push("</array>");
  } else if (v && typeof v === "object") {
    out.push("<dict>");
    for (const [k, x] of Object.entries(v)) {
      if (x === undefined || x === null) continue;
      out.push(`<key>${esc(k)}</key>`);
      write(x, out);
    }
    out.push("</dict>");
  } else throw new Error(`cannot write ${String(v)} to a plist`);
}

/** Serialise a value (dict/array/string/number/bigint/boolean/Date/Uint8Array/Real) as an XML plist. */
export function xmlPlist(value: unknown): Uint8Array {
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    '<plist version="1.0">',
  ];
  write(value, out);
  out.push("</plist>");
  return new TextEncoder().encode(out.join("\n"));
}
