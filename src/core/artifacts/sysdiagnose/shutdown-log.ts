// shutdown.log (system_logs.logarchive/Extra/shutdown.log and rotated shutdown.N.log in a sysdiagnose;
// /private/var/db/diagnostics/shutdown.log on a filesystem dump): processes still running while the phone
// shut down. Pegasus processes showed up here (Kaspersky, iShutdown, 2024).
//
// Known line forms, all accepted in one file:
//   classic   "After 0.50s, these clients are still here:" / "remaining client pid: 155 (/usr/libexec/nfcd)"
//             (indented or not) and "SIGTERM: [1700000000] ..." closing a shutdown with its Unix time;
//   one-line  "After 0.1s, remaining client pid: 155 (/usr/libexec/nfcd)";
//   sigterm   "SIGTERM: [0x100304080] Sent SIGTERM to remaining client pid: 155 (/usr/libexec/nfcd)";
//   iOS 26    "After 1.26s, these clients are still here:" then tab-indented clients whose path ends with the
//             binary's UUID ("/usr/libexec/nfcd/EBFB3E7F-4CA4-3656-8E9C-8CCF5995C34A"): the UUID component is
//             stripped before matching, or no process-name indicator could ever match.
// A shutdown ends at a SIGTERM time line, or when the "After" delay goes back down (a new shutdown starts
// waiting again from the beginning), which also splits logs that carry no SIGTERM lines at all.

import { artifact, event, type FileSpec } from "../module.js";
import type { Emit, Observable, RecordData } from "../../types.js";
import { isoFromUnix } from "../../util/time.js";
import { baseName, fileName, sysdiagnoseFiles, text } from "./files.js";
import { LocationCheck, unusualLocation } from "./locations.js";

export interface ShutdownRecord extends RecordData {
  /** Time of the shutdown (its SIGTERM line), MVT format; null when the log gives none (iOS 26 form). */
  isodate: string | null;
  pid: number;
  /** Binary path with a trailing binary-UUID component removed. */
  client: string;
  /** The path as written. */
  client_raw: string;
  /** The binary UUID removed from the path, if any. */
  uuid: string | null;
  /** Seconds the shutdown had been waiting ("After 1.26s"), null when the line gives none. */
  delay: number | null;
  /** "After" waits so far in this shutdown. */
  times_delayed: number;
  /** Shutdown number within the file, from 0. */
  shutdown: number;
  /** "list": indented under "After Xs, these clients are still here:"; "bare": a client line outside such a list. */
  form: "list" | "bare" | "one-line" | "sigterm";
  file: string;
  line: number;
}

export interface ShutdownLogStats {
  shutdowns: number;
  clients: number;
  /** Lines mentioning "remaining client pid" that no known form matched. */
  malformed: number;
  /** Whether anything in the text is a known shutdown.log line. */
  recognized: boolean;
}

const NUM = String.raw`(\d+(?:\.\d+)?)`;
const CLIENT = String.raw`remaining client pid:\s*(\d+)\s*\((.*)\)\s*$`;
const LIST_HEADER = new RegExp(String.raw`^After\s+${NUM}s,\s+these clients are still here:?\s*$`);
const ONE_LINE = new RegExp(String.raw`^After\s+${NUM}s,\s+${CLIENT}`);
const AFTER = new RegExp(String.raw`^After\s+${NUM}s\b`);
const CLIENT_LINE = new RegExp(String.raw`^(\s*)${CLIENT}`);
const SIGTERM_CLIENT = new RegExp(String.raw`^SIGTERM:.*?${CLIENT}`);
const SIGTERM_TIME = /^SIGTERM:\s*(?:\[(\d{9,11})\]|.*?\s@(\d{10}))/;
const PHASE = /^%+\s+Entering phase:/;
const UUID_TAIL = /\/([0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})$/;

/** Split "/usr/libexec/nfcd/EBFB3E7F-…" into the binary path and its UUID. */
export function stripBinaryUuid(path: string): { path: string; uuid: string | null } {
  const m = UUID_TAIL.exec(path);
  if (!m || m.index === 0) return { path, uuid: null };
  return { path: path.slice(0, m.index), uuid: m[1].toUpperCase() };
}

/** Every client line of a shutdown.log, in order. `stats` (optional) is filled in. */
export function* shutdownRecords(content: string, file = "shutdown.log", stats?: ShutdownLogStats): Generator<ShutdownRecord> {
  const st: ShutdownLogStats = stats ?? { shutdowns: 0, clients: 0, malformed: 0, recognized: false };
  Object.assign(st, { shutdowns: 0, clients: 0, malformed: 0, recognized: false });
  let pending: ShutdownRecord[] = [];
  let shutdown = 0;
  let delay: number | null = null;
  let times = 0;
  let inList = false;
  let lastDelay: number | null = null;

  const close = (isodate: string | null): ShutdownRecord[] => {
    const out = pending;
    for (const r of out) r.isodate = isodate;
    if (out.length || lastDelay !== null || isodate !== null) {
      shutdown++;
      st.shutdowns++;
    }
    pending = [];
    delay = null;
    lastDelay = null;
    times = 0;
    return out;
  };
  const wait = function* (seconds: number, oneLine = false): Generator<ShutdownRecord> {
    // Waits only grow within one shutdown: a shorter one starts the next shutdown. One-line entries repeat
    // the wait for each client, so there an equal wait is the same wait.
    if (oneLine && seconds === lastDelay) return;
    if (lastDelay !== null && seconds <= lastDelay) yield* close(null);
    lastDelay = delay = seconds;
    times++;
  };
  const add = (pid: string, raw: string, form: ShutdownRecord["form"], line: number) => {
    const { path, uuid } = stripBinaryUuid(raw.trim());
    st.clients++;
    pending.push({ isodate: null, pid: Number(pid), client: path, client_raw: raw, uuid, delay, times_delayed: times, shutdown, form, file, line });
  };

  const lines = content.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const n = i + 1;
    let m: RegExpExecArray | null;
    if ((m = LIST_HEADER.exec(line))) {
      st.recognized = true;
      yield* wait(Number(m[1]));
      inList = true;
      continue;
    }
    if ((m = CLIENT_LINE.exec(line))) {
      st.recognized = true;
      add(m[2], m[3], inList && m[1].length > 0 ? "list" : "bare", n);
      continue;
    }
    inList = false;
    if ((m = ONE_LINE.exec(line))) {
      st.recognized = true;
      yield* wait(Number(m[1]), true);
      add(m[2], m[3], "one-line", n);
    } else if ((m = SIGTERM_CLIENT.exec(line))) {
      st.recognized = true;
      add(m[1], m[2], "sigterm", n);
    } else if ((m = SIGTERM_TIME.exec(line))) {
      st.recognized = true;
      yield* close(isoFromUnix(Number(m[1] ?? m[2])));
    } else if ((m = AFTER.exec(line))) {
      st.recognized = true;
      yield* wait(Number(m[1]));
    } else if (PHASE.test(line)) {
      st.recognized = true;
    } else if (line.includes("remaining client pid:")) {
      st.malformed++;
    }
  }
  yield* close(null);
}

/** All records of one shutdown.log text (the check-fs module reuses this). */
export function parseShutdownLog(content: string, file?: string, stats?: ShutdownLogStats): ShutdownRecord[] {
  return [...shutdownRecords(content, file, stats)];
}

/** Path components of a client, for process indicators (MVT matches each component). */
export function* shutdownObservables(r: ShutdownRecord): Iterable<Observable> {
  yield { type: "file_path", value: r.client };
  if (r.client_raw !== r.client) yield { type: "file_path", value: r.client_raw };
  const parts = new Set(r.client.split("/").filter(Boolean));
  parts.add(baseName(r.client_raw));
  for (const p of parts) yield { type: "process", value: p };
}

/** Delayed-shutdown and unusual-location heuristics over shutdown records of any number of files. */
export function shutdownAnalyzer(where = "shutdown.log", minShutdowns = 3) {
  const shutdownsByClient = new Map<string, { shutdowns: Set<string>; first: ShutdownRecord }>();
  const locations = new LocationCheck(where);
  return {
    onRecord(r: ShutdownRecord, emit: Emit) {
      const f = locations.check(r.client, r, r.isodate);
      if (f) emit(f);
      const entry = shutdownsByClient.get(r.client) ?? { shutdowns: new Set<string>(), first: r };
      entry.shutdowns.add(`${r.file}#${r.shutdown}`);
      shutdownsByClient.set(r.client, entry);
    },
    onEnd(emit: Emit) {
      for (const [client, { shutdowns, first }] of shutdownsByClient) {
        if (shutdowns.size < minShutdowns) continue;
        const system = SYSTEM_PREFIXES.some((p) => client.startsWith(p)) || !!unusualLocation(client)?.knownApple;
        emit({
          level: system ? "low" : "medium",
          message:
            `Process "${baseName(client)}" (${client}) delayed ${shutdowns.size} shutdowns: processes that keep holding up ` +
            `shutdown deserve a look (Kaspersky iShutdown)` +
            (system ? "; it is an Apple component, for which this is usually benign" : "; it is not in an iOS system folder: review it"),
          record: { ...first, shutdowns: shutdowns.size },
          eventTime: first.isodate ?? undefined,
          heuristic: "delayed_shutdown",
        });
      }
    },
  };
}

/** Where iOS ships its own binaries. */
const SYSTEM_PREFIXES = ["/usr/", "/System/", "/sbin/", "/bin/", "/Applications/", "/Developer/", "/kernel"];

export const SHUTDOWN_LOG_SOURCES: FileSpec[] = [{ pathLike: "%shutdown.log" }, { pathLike: "%shutdown._.log" }, { pathLike: "%shutdown.__.log" }];

export const shutdownLog = artifact<ShutdownRecord>({
  id: "shutdown_log",
  platform: "ios",
  timelineName: "ShutdownLog",
  description: "Processes that were still running at shutdown (shutdown.log and rotated shutdown.N.log, classic and iOS 26 forms)",
  sources: SHUTDOWN_LOG_SOURCES,
  async *records(ctx) {
    for await (const { file, bytes } of sysdiagnoseFiles(ctx)) {
      const stats: ShutdownLogStats = { shutdowns: 0, clients: 0, malformed: 0, recognized: false };
      yield* shutdownRecords(text(bytes), fileName(file), stats);
      if (!stats.recognized && bytes.length) ctx.gap(file, "no known shutdown.log line in this file (format changed?)");
      else if (stats.malformed) ctx.warn(`${fileName(file)}: ${stats.malformed} "remaining client pid" lines in an unknown form were not read`);
    }
  },
  observables: shutdownObservables,
  time: (r) => r.isodate,
  timeline: (r) => event("ShutdownLog", r.isodate, "shutdown", `Client ${r.client} with PID ${r.pid} was running when the device was shut down`),
  analyzer: () => shutdownAnalyzer(),
});
