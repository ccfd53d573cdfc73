// Tombstones (native crash reports under /data/tombstones): the text format and the protobuf format
// (tombstone_NN.pb, AOSP system/core/debuggerd/proto/tombstone.proto), reduced to MVT's record shape.
// Timestamps keep the phone's wall clock as written; `timestamp_utc` adds the instant when the tombstone
// states its UTC offset (it usually does: "2021-09-29 17:43:49+0200").

import { linesOf } from "./lines.js";
import { fieldsOf, ProtoError, type ProtoFields } from "./protobuf.js";

export interface SignalInfo {
  code: number;
  code_name: string;
  name: string;
  number: number | null;
}

export interface TombstoneRecord {
  file_name: string;
  file_timestamp: string;
  build_fingerprint: string;
  revision: string;
  arch: string | null;
  timestamp: string;
  process_uptime: number | null;
  command_line: string[] | null;
  pid: number;
  tid: number;
  process_name: string | null;
  binary_path: string | null;
  selinux_label: string | null;
  uid: number;
  signal_info: SignalInfo;
  cause: string | null;
  causes: Record<string, unknown>[] | null;
  abort_message: string | null;
  extra: string | null;
  [k: string]: unknown;
}

export class TombstoneError extends Error {}

const DELIMITER = "*** *** *** *** *** *** *** *** *** *** *** *** *** *** *** ***";

/** "2021-09-29 17:43:49.518290770+0200" → wall clock "2021-09-29 17:43:49.518290" and the UTC instant. */
export function tombstoneTime(s: string): { local: string; utc: string | null } {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?\s*(?:([+-])(\d{2}):?(\d{2})|Z)?$/.exec(s.trim());
  if (!m) throw new TombstoneError(`unrecognised timestamp "${s}"`);
  const [, y, mo, d, h, mi, se, frac = "", sign, oh, om] = m;
  const us = frac.slice(0, 6).padEnd(6, "0");
  const local = `${y}-${mo}-${d} ${h}:${mi}:${se}.${us}`;
  const hasZone = sign !== undefined || /Z$/.test(s.trim());
  if (!hasZone) return { local, utc: null };
  const off = sign ? (sign === "-" ? -1 : 1) * (Number(oh) * 60 + Number(om)) : 0;
  const t = Date.UTC(+y, +mo - 1, +d, +h, +mi, +se) - off * 60_000;
  const iso = new Date(t).toISOString();
  return { local, utc: `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${us}` };
}

function blank(fileName: string, fileTimestamp: string): Partial<TombstoneRecord> {
  return { file_name: fileName, file_timestamp: fileTimestamp };
}

function finish(t: Partial<TombstoneRecord>): TombstoneRecord {
  for (const f of ["build_fingerprint", "revision", "timestamp", "pid", "tid", "uid", "signal_info"] as const) {
    if (t[f] === undefined) throw new TombstoneError(`no ${f.replace(/_/g, " ")} in the tombstone`);
  }
  return {
    file_name: t.file_name!,
    file_timestamp: t.file_timestamp!,
    build_fingerprint: t.build_fingerprint!,
    revision: t.revision!,
    arch: t.arch ?? null,
    timestamp: t.timestamp!,
    process_uptime: t.process_uptime ?? null,
    command_line: t.command_line ?? null,
    pid: t.pid!,
    tid: t.tid!,
    process_name: t.process_name ?? null,
    binary_path: t.binary_path ?? null,
    selinux_label: t.selinux_label ?? null,
    uid: t.uid!,
    signal_info: t.signal_info!,
    cause: t.cause ?? null,
    causes: t.causes ?? null,
    abort_message: t.abort_message ?? null,
    extra: t.extra ?? null,
    ...(t.timestamp_utc ? { timestamp_utc: t.timestamp_utc } : {}),
  };
}

const KEYS: [string, keyof TombstoneRecord][] = [
  ["Build fingerprint", "build_fingerprint"],
  ["Revision", "revision"],
  ["ABI", "arch"],
  ["Process uptime", "process_uptime"],
  ["Cmdline", "command_line"],
  ["uid", "uid"],
  ["Cause", "cause"],
  ["Abort message", "abort_message"],
];

function int(s: string, what: string): number {
  const n = Number(s.trim());
  if (!Number.isInteger(n)) throw new TombstoneError(`${what} "${s}" is not a number`);
  return n;
}

/** A text tombstone; the header fields come before the register dump, the first pid line is the crash. */
export function parseTextTombstone(fileName: string, fileTimestamp: string, text: string): TombstoneRecord {
  const t = blank(fileName, fileTimestamp);
  for (const line of linesOf(text)) {
    if (!line.trim() || line.includes(DELIMITER)) continue;
    if (line.startsWith("Timestamp")) {
      const { local, utc } = tombstoneTime(line.slice(line.indexOf(":") + 1));
      t.timestamp = local;
      if (utc) t.timestamp_utc = utc;
      continue;
    }
    if (line.startsWith("pid")) {
      if (t.pid !== undefined) continue;
      const [info, binary] = line.includes(" >>> ") ? line.split(" >>> ") : line.split(">>>");
      for (const part of info.split(",")) {
        const colon = part.indexOf(":");
        if (colon < 0) continue;
        const k = part.slice(0, colon).trim();
        const v = part.slice(colon + 1).trim();
        if (k === "pid") t.pid = int(v, "pid");
        else if (k === "tid") t.tid = int(v, "tid");
        else if (k === "name") t.process_name = v;
      }
      if (binary !== undefined) t.binary_path = binary.trim().replace(/[ <]+$/, "");
      continue;
    }
    if (line.startsWith("signal")) {
      const [sig, code] = line.split(",").map((s) => s.trim());
      const part = (p: string | undefined, prefix: string): [number, string] => {
        const after = (p ?? "").split(prefix)[1];
        if (after === undefined) throw new TombstoneError(`unrecognised signal line "${line}"`);
        const open = after.indexOf("(");
        return [int(after.trim().split(/\s+/)[0], prefix.trim()), open >= 0 ? after.slice(open + 1, after.indexOf(")", open)) : "UNKNOWN"];
      };
      const [number, name] = part(sig, "signal ");
      const [codeNumber, codeName] = part(code, "code ");
      t.signal_info = { code: codeNumber, code_name: codeName, name, number };
      continue;
    }
    for (const [key, dest] of KEYS) {
      if (!line.startsWith(key)) continue;
      const colon = line.indexOf(":");
      if (colon < 0 || line.slice(0, colon) !== key) break; // e.g. "uid" inside another word: not this key
      const v = line.slice(colon + 1).trim().replace(/^'+|'+$/g, "");
      if (dest === "uid") t.uid = int(v, "uid");
      else if (dest === "process_uptime") t.process_uptime = int(v.replace(/s+$/, ""), "process uptime");
      else if (dest === "command_line") t.command_line = [v];
      else (t as Record<string, unknown>)[dest] = v;
      break;
    }
  }
  return finish(t);
}

const ARCH = ["ARM32", "ARM64", "X86", "X86_64", "RISCV64", "NONE"];

const str = (f: ProtoFields, n: number): string | undefined => f.string(n);

/** A protobuf tombstone (.pb). */
export function parseProtoTombstone(fileName: string, fileTimestamp: string, data: Uint8Array): TombstoneRecord {
  let f: ProtoFields;
  try {
    f = fieldsOf(data);
  } catch (e) {
    throw new TombstoneError(`not a protobuf tombstone: ${e instanceof ProtoError ? e.message : String(e)}`);
  }
  const t = blank(fileName, fileTimestamp);
  t.arch = ARCH[f.uint(1) ?? 0] ?? String(f.uint(1));
  t.build_fingerprint = str(f, 2) ?? "";
  t.revision = str(f, 3) ?? "";
  const { local, utc } = tombstoneTime(str(f, 4) ?? "");
  t.timestamp = local;
  if (utc) t.timestamp_utc = utc;
  t.pid = f.uint(5) ?? 0;
  t.tid = f.uint(6) ?? 0;
  t.uid = f.uint(7) ?? 0;
  t.selinux_label = str(f, 8) ?? "";
  t.command_line = f.strings(9);
  t.process_uptime = f.uint(20) ?? 0;
  const sig = f.message(10);
  t.signal_info = {
    code: sig?.int32(3) ?? 0,
    code_name: sig?.string(4) ?? "",
    name: sig?.string(2) ?? "",
    number: sig?.int32(1) ?? 0,
  };
  t.abort_message = str(f, 14) ?? "";
  t.causes = f.messages(15).map((c) => ({ human_readable: c.string(1) ?? "" }));
  t.process_name = "Unknown";
  for (const entry of f.messages(16)) {
    const thread = entry.message(2);
    if (thread && (thread.int32(1) ?? 0) === t.tid && thread.string(2)) {
      t.process_name = thread.string(2)!;
      break;
    }
  }
  return finish(t);
}
