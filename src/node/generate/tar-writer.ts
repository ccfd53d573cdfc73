// Minimal tar writer for generators and tests: ustar headers, pax records for long names, and raw headers
// with arbitrary (hostile) names and sizes. Writes exactly what it is told; it validates nothing.

export type TarFlag = "0" | "1" | "2" | "5" | "x" | "g" | "L" | "K" | string;

export interface TarHeaderFields {
  name: string;
  size?: number;
  flag?: TarFlag;
  linkName?: string;
  mtime?: number;
  mode?: number;
  /** "ustar" (POSIX, the default) or "gnu" magic. */
  magic?: "ustar" | "gnu";
  prefix?: string;
  /** Store `size` in GNU base-256 form (sizes of 8 GiB and more). */
  base256Size?: boolean;
}

const enc = new TextEncoder();

function putString(block: Uint8Array, offset: number, length: number, value: string): void {
  block.set(enc.encode(value).subarray(0, length), offset);
}

function putOctal(block: Uint8Array, offset: number, length: number, value: number): void {
  putString(block, offset, length, value.toString(8).padStart(length - 1, "0"));
}

/** One 512-byte header block with a correct checksum. */
export function tarHeader(f: TarHeaderFields): Uint8Array {
  const h = new Uint8Array(512);
  putString(h, 0, 100, f.name);
  putOctal(h, 100, 8, f.mode ?? (f.flag === "5" ? 0o755 : 0o644));
  putOctal(h, 108, 8, 0);
  putOctal(h, 116, 8, 0);
  const size = f.size ?? 0;
  if (f.base256Size) {
    h[124] = 0x80;
    let v = size;
    for (let i = 135; i > 124; i--) {
      h[i] = v % 256;
      v = Math.floor(v / 256);
    }
  } else putOctal(h, 124, 12, size);
  putOctal(h, 136, 12, f.mtime ?? 0);
  h[156] = (f.flag ?? "0").charCodeAt(0);
  putString(h, 157, 100, f.linkName ?? "");
  if (f.magic === "gnu") putString(h, 257, 8, "ustar  ");
  else {
    putString(h, 257, 6, "ustar");
    putString(h, 263, 2, "00");
  }
  putString(h, 265, 32, "mobile");
  putString(h, 297, 32, "mobile");
  if (f.prefix) putString(h, 345, 155, f.prefix);
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  putString(h, 148, 8, sum.toString(8).padStart(6, "0") + "\0 ");
  return h;
}

/** The body of a pax extended header ("%d key=value\n" records). */
export function paxBody(fields: Record<string, string>): Uint8Array {
  let text = "";
  for (const [key, value] of Object.entries(fields)) {
    const rest = ` ${key}=${value}\n`;
    const restLen = enc.encode(rest).length;
    let len = restLen + 1;
    while (String(len).length + restLen !== len) len = String(len).length + restLen;
    text += len + rest;
  }
  return enc.encode(text);
}

export function tarPadding(size: number): Uint8Array {
  return new Uint8Array((512 - (size % 512)) % 512);
}

export const TAR_END = new Uint8Array(1024);

/** Header blocks for a name: ustar name (+ prefix split at a "/" for up to 255 bytes), else a pax header first. */
export function tarHeaders(f: TarHeaderFields): Uint8Array[] {
  const bytes = enc.encode(f.name);
  if (bytes.length <= 100) return [tarHeader(f)];
  for (let i = f.name.length - 1; i > 0; i--) {
    if (f.name[i] !== "/") continue;
    const prefix = f.name.slice(0, i);
    const rest = f.name.slice(i + 1);
    if (enc.encode(prefix).length <= 155 && enc.encode(rest).length <= 100 && rest) return [tarHeader({ ...f, name: rest, prefix })];
    if (enc.encode(rest).length > 100) break;
  }
  const pax = paxBody({ path: f.name });
  return [tarHeader({ name: "PaxHeader/long", size: pax.length, flag: "x", mtime: f.mtime }), pax, tarPadding(pax.length), tarHeader(f)];
}

/** Blocks of one regular-file entry. */
export function tarFile(name: string, data: Uint8Array, mtime = 0): Uint8Array[] {
  return [...tarHeaders({ name, size: data.length, mtime }), data, tarPadding(data.length)];
}

export function tarDirectory(name: string, mtime = 0): Uint8Array[] {
  return tarHeaders({ name: name.endsWith("/") ? name : name + "/", flag: "5", mtime });
}

