// Synthetic iOS sysdiagnose generator: a real-format sysdiagnose_….tar.gz (ps.txt, ps_thread.txt,
// crashes_and_spins/*.ips, system_logs.logarchive with shutdown.log + rotated shutdown.N.log, uuidtext files,
// tracev3-sized filler) of any size, streamed to disk through gzip. Deterministic from a seed. Optionally
// plants public Pegasus process names (from the bundled Amnesty STIX file) in each artifact, each one in a
// different artifact so a test can tell which module found what.

import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { createGzip } from "node:zlib";
import { TAR_END, tarDirectory, tarHeaders, tarPadding } from "./tar-writer.js";

export type ShutdownForm = "classic" | "ios26" | "one-line";

/** Where each planted Pegasus process name goes (all from iocs/amnesty/2021-07-18_nso/pegasus.stix2). */
export const PLANTED = {
  shutdown: "eventstorpd",
  ps: "accountpfd",
  crash: "stagegrad",
  uuidtext: "nehelprd",
} as const;

export const STAGING = "/private/var/db/com.apple.xpc.roleaccountd.staging/";

export interface GenerateSysdiagnoseOptions {
  /** The .tar.gz to write. */
  file: string;
  /** Approximate size of the archive's content in bytes (filler logs make up the difference). Default 4 MiB. */
  bytes?: number;
  seed?: number;
  shutdownForm?: ShutdownForm;
  /** Trailing binary UUID path components in shutdown.log (default: only in the iOS 26 form). */
  uuids?: boolean;
  /** "SIGTERM: [epoch]" lines closing each shutdown (default true). */
  sigterm?: boolean;
  /** Plant indicators (see PLANTED). Default false. */
  plant?: boolean;
  /** Shutdowns per shutdown log; three logs are written (shutdown.log, shutdown.0.log, shutdown.1.log). */
  shutdowns?: number;
  processes?: number;
  crashLogs?: number;
  uuidtexts?: number;
  /** gzip level (default 1: the filler is incompressible anyway). */
  level?: number;
}

export interface GenerateSysdiagnoseResult {
  file: string;
  folder: string;
  entries: number;
  /** Uncompressed tar bytes. */
  tarBytes: number;
  planted: typeof PLANTED | null;
  ms: number;
}

export class Rng {
  constructor(private s: number) {}
  next(): number {
    this.s = (Math.imul(this.s, 1664525) + 1013904223) >>> 0;
    return this.s;
  }
  int(n: number): number {
    return this.next() % n;
  }
  hex(n: number): string {
    let out = "";
    while (out.length < n) out += this.next().toString(16).padStart(8, "0");
    return out.slice(0, n).toUpperCase();
  }
  uuid(): string {
    const h = this.hex(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
  fill(buf: Uint8Array): void {
    const words = new Uint32Array(buf.buffer, buf.byteOffset, buf.length >>> 2);
    for (let i = 0; i < words.length; i++) words[i] = this.next();
  }
}

const SYSTEM_DAEMONS = [
  "/sbin/launchd",
  "/usr/libexec/nfcd",
  "/usr/sbin/mediaserverd",
  "/usr/libexec/backboardd",
  "/usr/libexec/locationd",
  "/usr/sbin/bluetoothd",
  "/usr/libexec/lsd",
  "/System/Library/CoreServices/SpringBoard.app/SpringBoard",
  "/usr/libexec/filecoordinationd",
  "/System/Library/PrivateFrameworks/CoreDuet.framework/coreduetd",
  "/Applications/MobileSafari.app/MobileSafari",
  "/private/var/containers/Bundle/Application/0A1B2C3D-1111-2222-3333-444455556666/Signal.app/Signal",
];
const APPLE_STAGED = `${STAGING}PlugIns/com.apple.NRD.UpdateBrainService.xpc/com.apple.NRD.UpdateBrainService`;

const enc = new TextEncoder();

/** Write a generated sysdiagnose archive. */
export async function generateSysdiagnose(opts: GenerateSysdiagnoseOptions): Promise<GenerateSysdiagnoseResult> {
  const t0 = performance.now();
  const rng = new Rng(opts.seed ?? 1);
  const form = opts.shutdownForm ?? "ios26";
  const uuids = opts.uuids ?? form === "ios26";
  const sigterm = opts.sigterm ?? true;
  const plant = opts.plant ?? false;
  const target = opts.bytes ?? 4 * 1024 * 1024;
  const now = 1_751_914_800; // 2025-07-07 19:00:00 UTC
  const folder = "sysdiagnose_2025.07.07_19-00-00+0000_iPhone-OS_iPhone_23A341";

  const gzip = createGzip({ level: opts.level ?? 1 });
  const out = createWriteStream(opts.file);
  gzip.pipe(out);
  let tarBytes = 0;
  let entries = 0;
  const write = async (b: Uint8Array) => {
    tarBytes += b.length;
    if (!gzip.write(b)) await once(gzip, "drain");
  };
  const file = async (name: string, data: Uint8Array) => {
    entries++;
    for (const h of tarHeaders({ name: `${folder}/${name}`, size: data.length, mtime: now })) await write(h);
    await write(data);
    await write(tarPadding(data.length));
  };
  const dir = async (name: string) => {
    entries++;
    for (const h of tarDirectory(`${folder}/${name}`, now)) await write(h);
  };

  await dir("");
  await file("sysdiagnose.log", enc.encode(`sysdiagnose 2025.07.07 19:00:00 on iPhone (23A341)\n`));

  // Processes: system daemons, apps, the Apple update component in the staging folder, and a planted one.
  const nProc = Math.max(opts.processes ?? 400, SYSTEM_DAEMONS.length + 2);
  const procs: { pid: number; path: string }[] = [];
  for (let i = 0; i < nProc; i++) {
    const path = i < SYSTEM_DAEMONS.length ? SYSTEM_DAEMONS[i] : i === SYSTEM_DAEMONS.length ? APPLE_STAGED : `/usr/libexec/daemon${i}d`;
    procs.push({ pid: i === 0 ? 1 : 100 + i * 7, path });
  }
  if (plant) procs.push({ pid: 2143, path: `${STAGING}${PLANTED.ps}` });
  const ps = ["USER             UID   PID  PPID %CPU %MEM STARTED      TIME COMMAND"];
  const psThread = ["USER              PID   TT  %CPU STAT PRI     STIME     UTIME COMMAND"];
  for (const p of procs) {
    const user = p.path.includes("/Application/") ? "mobile" : "root";
    const uid = user === "mobile" ? 501 : 0;
    const args = p.path.endsWith("Signal") ? " -launchedByApp" : "";
    ps.push(`${user.padEnd(16)} ${String(uid).padStart(4)} ${String(p.pid).padStart(5)}     1  0.0  0.1 Mon07PM   0:00.${String(rng.int(99)).padStart(2, "0")} ${p.path}${args}`);
    psThread.push(`${user.padEnd(16)} ${String(p.pid).padStart(5)}   ??   0.0 S     31T   0:00.01   0:00.02 ${p.path}${args}`);
    for (let t = 0; t < 2; t++) psThread.push(`                 ${String(p.pid).padStart(5)}        0.0 S     31T   0:00.00   0:00.00 `);
  }
  await file("ps.txt", enc.encode(ps.join("\n") + "\n"));
  await file("ps_thread.txt", enc.encode(psThread.join("\n") + "\n"));

  // Crash reports (.ips: JSON header line + JSON body), one jetsam report, one planted crash.
  await dir("crashes_and_spins");
  const nCrash = opts.crashLogs ?? 30;
  for (let i = 0; i < nCrash; i++) {
    const p = procs[1 + (i % (SYSTEM_DAEMONS.length - 1))];
    await file(`crashes_and_spins/${basename(p.path)}-2025-07-0${1 + (i % 6)}-10${String(i % 60).padStart(2, "0")}00.ips`, ips(basename(p.path), p.path, p.pid, i, rng));
  }
  const listed = procs.filter((p) => !p.path.startsWith(STAGING)).slice(0, 50);
  await file("crashes_and_spins/JetsamEvent-2025-07-06-120000.ips", jetsam(listed.map((p) => basename(p.path)), rng));
  if (plant) await file(`crashes_and_spins/${PLANTED.crash}-2025-07-06-120311.ips`, ips(PLANTED.crash, `${STAGING}${PLANTED.crash}`, 2150, 99, rng));

  // The log archive: shutdown logs, uuidtext files, tracev3 filler up to the requested size.
  await dir("system_logs.logarchive");
  await dir("system_logs.logarchive/Extra");
  const shutdownClients = [
    { pid: 155, path: "/usr/libexec/nfcd" },
    { pid: 153, path: "/usr/libexec/filecoordinationd" },
    { pid: 310, path: APPLE_STAGED },
    ...(plant ? [{ pid: 2143, path: `${STAGING}${PLANTED.shutdown}` }] : []),
  ];
  const nShut = opts.shutdowns ?? 3;
  let t = now - 3 * nShut * 86400;
  for (const name of ["shutdown.1.log", "shutdown.0.log", "shutdown.log"]) {
    const lines: string[] = [];
    for (let s = 0; s < nShut; s++) {
      t += 86400;
      lines.push("%%%%% Entering phase: Waiting for apps to exit", "");
      for (const [k, delay] of ["0.50", "1.26", "1.77"].entries()) {
        const stillHere = shutdownClients.filter((c, ci) => ci === 0 || k < 2 || c.path.includes(PLANTED.shutdown));
        const path = (c: { path: string }) => (uuids ? `${c.path}/${rng.uuid()}` : c.path);
        if (form === "one-line") for (const c of stillHere) lines.push(`After ${delay}s, remaining client pid: ${c.pid} (${path(c)})`);
        else {
          lines.push(`After ${delay}s, these clients are still here:`);
          for (const c of stillHere) lines.push(`\t\tremaining client pid: ${c.pid} (${path(c)})`);
        }
      }
      if (sigterm) lines.push(`SIGTERM: [${t}] All buffers flushed`);
      lines.push("");
    }
    await file(`system_logs.logarchive/Extra/${name}`, enc.encode(lines.join("\n")));
  }

  const nUuid = opts.uuidtexts ?? 200;
  const uuidPaths = procs.map((p) => p.path).filter((p) => !p.includes(STAGING));
  for (let i = 0; i < nUuid + (plant ? 1 : 0); i++) {
    const path = i === nUuid ? `${STAGING}${PLANTED.uuidtext}` : uuidPaths[i % uuidPaths.length];
    const hex = rng.hex(32);
    if (i < 256 || i === nUuid) await dir(`system_logs.logarchive/${hex.slice(0, 2)}`);
    await file(`system_logs.logarchive/${hex.slice(0, 2)}/${hex.slice(2)}`, uuidtext(path, rng));
  }
  await dir("system_logs.logarchive/dsc");
  await file(`system_logs.logarchive/dsc/${rng.hex(32)}`, blob(256 * 1024, rng));

  await dir("system_logs.logarchive/Persist");
  const chunk = 8 * 1024 * 1024;
  for (let i = 0; tarBytes < target; i++) {
    const n = Math.min(chunk, Math.max(4096, target - tarBytes));
    await file(`system_logs.logarchive/Persist/${(0x100 + i).toString(16).padStart(16, "0")}.tracev3`, blob(n, rng));
  }
  await write(TAR_END);
  gzip.end();
  await once(out, "finish");
  return { file: opts.file, folder, entries, tarBytes, planted: plant ? PLANTED : null, ms: Math.round(performance.now() - t0) };
}

function basename(p: string): string {
  return p.slice(p.lastIndexOf("/") + 1);
}

function blob(n: number, rng: Rng): Uint8Array {
  const b = new Uint8Array(n);
  rng.fill(b);
  return b;
}

function ips(name: string, path: string, pid: number, i: number, rng: Rng): Uint8Array {
  const header = {
    app_name: name,
    timestamp: `2025-07-0${1 + (i % 6)} 10:${String(i % 60).padStart(2, "0")}:00.00 -0700`,
    name,
    bug_type: "309",
    os_version: "iPhone OS 26.0 (23A341)",
    incident_id: rng.uuid(),
  };
  const body = {
    procName: name,
    procPath: path,
    parentProc: "launchd",
    pid,
    exception: { codes: "0x0000000000000000, 0x0000000000000000", type: "EXC_CRASH", signal: "SIGABRT" },
    threads: [{ frames: Array.from({ length: 20 }, (_, k) => ({ imageOffset: rng.int(1 << 20), imageIndex: k % 3 })) }],
  };
  return enc.encode(JSON.stringify(header) + "\n" + JSON.stringify(body, null, 2));
}

function jetsam(names: string[], rng: Rng): Uint8Array {
  const header = { bug_type: "298", timestamp: "2025-07-06 12:00:00.00 -0700", os_version: "iPhone OS 26.0 (23A341)", incident_id: rng.uuid() };
  const body = { largestProcess: names[1], processes: names.map((name, k) => ({ name, pid: 100 + k, rpages: rng.int(5000) })) };
  return enc.encode(JSON.stringify(header) + "\n" + JSON.stringify(body));
}

/** A uuidtext file: signature, version 2.1, entry table, format strings, then the image path. */
export function uuidtext(path: string, rng: Rng | null, strings = 8): Uint8Array {
  const fmt = Array.from({ length: strings }, (_, k) => enc.encode(`%{public}s: event ${k} %d\0`));
  const data = fmt.reduce((n, f) => n + f.length, 0);
  const p = enc.encode(path + "\0");
  const out = new Uint8Array(16 + strings * 8 + data + p.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, 0x66778899, true);
  v.setUint32(4, 2, true);
  v.setUint32(8, 1, true);
  v.setUint32(12, strings, true);
  let range = rng ? rng.int(1 << 16) : 0;
  let o = 16 + strings * 8;
  for (let k = 0; k < strings; k++) {
    v.setUint32(16 + k * 8, range, true);
    v.setUint32(20 + k * 8, fmt[k].length, true);
    range += fmt[k].length;
    out.set(fmt[k], o);
    o += fmt[k].length;
  }
  out.set(p, o);
  return out;
}
