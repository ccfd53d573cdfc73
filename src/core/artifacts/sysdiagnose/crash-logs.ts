// crashes_and_spins/*.ips: crash, hang and jetsam reports. An .ips file is a one-line JSON header (app_name,
// timestamp, bug_type, os_version, incident_id) followed by a body: JSON on iOS 15 and later (procName,
// procPath, parentProc, responsibleProc; jetsam reports list every process), text before ("Process:",
// "Path:", "Parent Process:"). Spyware that crashes leaves its name and path here.

import { artifact, event } from "../module.js";
import type { Observable, RecordData } from "../../types.js";
import { isoFromUnix } from "../../util/time.js";
import { fileName, sysdiagnoseFiles, text } from "./files.js";
import { LocationCheck } from "./locations.js";
import { errorText } from "../../util/errors.js";

export interface CrashRecord extends RecordData {
  file: string;
  isodate: string | null;
  bug_type: string | null;
  app_name: string | null;
  bundle_id: string | null;
  os_version: string | null;
  incident_id: string | null;
  proc_name: string | null;
  proc_path: string | null;
  parent_proc: string | null;
  responsible_proc: string | null;
  pid: number | null;
  exception_type: string | null;
  /** Names of the processes a jetsam or stackshot report lists (at most 5000). */
  processes: string[];
}

const MAX_LISTED = 5000;

/** "2026-07-05 10:11:12.00 -0700" (the .ips header form) → MVT's UTC form. */
export function ipsTime(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(\.\d+)?\s*([+-])(\d{2}):?(\d{2})$/.exec(value.trim());
  if (!m) return null;
  const local = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) / 1000 + (m[7] ? Number(m[7]) : 0);
  const offset = (m[8] === "-" ? -1 : 1) * (+m[9] * 3600 + +m[10] * 60);
  return isoFromUnix(local - offset);
}

const str = (v: unknown): string | null => (typeof v === "string" && v ? v : typeof v === "number" ? String(v) : null);

function textField(body: string, label: string): string | null {
  const m = new RegExp(`^${label}:\\s*(.+)$`, "m").exec(body);
  return m ? m[1].trim() : null;
}

export function parseIps(content: string, file = "crash.ips"): CrashRecord {
  const nl = content.indexOf("\n");
  const first = nl < 0 ? content : content.slice(0, nl);
  const rest = nl < 0 ? "" : content.slice(nl + 1);
  let header: Record<string, unknown> = {};
  try {
    const h = JSON.parse(first);
    if (h && typeof h === "object") header = h;
  } catch {
    throw new Error("first line is not the JSON header of an .ips report");
  }
  let body: Record<string, unknown> | null = null;
  if (rest.trim()) {
    try {
      const b = JSON.parse(rest);
      if (b && typeof b === "object") body = b;
    } catch {
      body = null;
    }
  }
  const rec: CrashRecord = {
    file,
    isodate: ipsTime(header.timestamp),
    bug_type: str(header.bug_type),
    app_name: str(header.app_name) ?? str(header.name),
    bundle_id: str(header.bundleID),
    os_version: str(header.os_version),
    incident_id: str(header.incident_id),
    proc_name: null,
    proc_path: null,
    parent_proc: null,
    responsible_proc: null,
    pid: null,
    exception_type: null,
    processes: [],
  };
  if (body) {
    rec.proc_name = str(body.procName);
    rec.proc_path = str(body.procPath);
    rec.parent_proc = str(body.parentProc);
    rec.responsible_proc = str(body.responsibleProc);
    rec.pid = typeof body.pid === "number" ? body.pid : null;
    const exc = body.exception as Record<string, unknown> | undefined;
    rec.exception_type = exc && typeof exc === "object" ? str(exc.type) : null;
    rec.isodate ??= ipsTime(body.captureTime);
    const listed = new Set<string>();
    const add = (v: unknown) => {
      const s = str(v);
      if (s && listed.size < MAX_LISTED) listed.add(s);
    };
    add(body.largestProcess);
    const procs = body.processes;
    // Jetsam reports list processes as an array; stackshots as an object keyed by pid.
    const entries = Array.isArray(procs) ? procs : procs && typeof procs === "object" ? Object.values(procs) : [];
    for (const p of entries) {
      if (p && typeof p === "object") add((p as Record<string, unknown>).procname ?? (p as Record<string, unknown>).name);
    }
    rec.processes = [...listed];
  } else if (rest) {
    const proc = textField(rest, "Process");
    const m = proc ? /^(.*?)\s*\[(\d+)\]$/.exec(proc) : null;
    rec.proc_name = m ? m[1] : proc;
    rec.pid = m ? Number(m[2]) : null;
    rec.proc_path = textField(rest, "Path");
    rec.parent_proc = textField(rest, "Parent Process")?.replace(/\s*\[\d+\]$/, "") ?? null;
    rec.responsible_proc = textField(rest, "Responsible Process")?.replace(/\s*\[\d+\]$/, "") ?? null;
    rec.exception_type = textField(rest, "Exception Type");
  }
  return rec;
}

export const sysdiagnoseCrashLogs = artifact<CrashRecord>({
  id: "sysdiagnose_crash_logs",
  platform: "ios",
  timelineName: "SysdiagnoseCrashLogs",
  description: "Crash, hang and jetsam reports (crashes_and_spins/*.ips): process names and paths",
  sources: [{ pathLike: "crashes_and_spins/%.ips" }],
  async *records(ctx) {
    for await (const { file, bytes } of sysdiagnoseFiles(ctx)) {
      try {
        yield parseIps(text(bytes), fileName(file));
      } catch (e) {
        ctx.gap(file, errorText(e));
      }
    }
  },
  *observables(r): Iterable<Observable> {
    const names = new Set<string>();
    for (const v of [r.app_name, r.proc_name, r.parent_proc, r.responsible_proc, ...r.processes]) if (v) names.add(v);
    for (const value of names) yield { type: "process", value };
    if (r.proc_path) yield { type: "file_path", value: r.proc_path };
    if (r.bundle_id) yield { type: "app_id", value: r.bundle_id };
  },
  time: (r) => r.isodate,
  timeline: (r) =>
    event(
      "SysdiagnoseCrashLogs",
      r.isodate,
      r.bug_type === "298" ? "jetsam" : "crash_report",
      `${r.proc_name ?? r.app_name ?? "?"}${r.proc_path ? ` (${r.proc_path})` : ""}${r.exception_type ? ` ${r.exception_type}` : ""} [${r.file}]`,
    ),
  analyzer() {
    const locations = new LocationCheck("a crash report");
    return {
      onRecord(r, emit) {
        const f = locations.check(r.proc_path, r, r.isodate);
        if (f) emit(f);
      },
    };
  },
});
