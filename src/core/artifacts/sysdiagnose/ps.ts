// ps.txt and ps_thread.txt: the processes running when the sysdiagnose was taken. Columns are read from the
// header line (the set differs between iOS versions); COMMAND is last and may hold spaces. In ps_thread.txt
// the rows of a process's threads are indented (no USER) and are skipped.

import { artifact } from "../module.js";
import type { Observable, RecordData } from "../../types.js";
import { baseName, fileName, sysdiagnoseFiles, text } from "./files.js";
import { LocationCheck } from "./locations.js";

export interface PsRecord extends RecordData {
  file: string;
  user: string | null;
  uid: number | null;
  pid: number | null;
  ppid: number | null;
  started: string | null;
  command: string;
  /** The executable: the command up to its first " -" option, or its first word. */
  executable: string;
  name: string;
}

const COMMAND_COLUMNS = new Set(["COMMAND", "COMM", "CMD", "ARGS", "UCOMM"]);

function tokens(line: string): { value: string; start: number }[] {
  const out: { value: string; start: number }[] = [];
  const re = /\S+/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line))) out.push({ value: m[0], start: m.index });
  return out;
}

export function executableOf(command: string): string {
  const c = command.trim();
  const opt = c.indexOf(" -");
  if (c.startsWith("/") && c.includes(".app/") && opt > 0) return c.slice(0, opt);
  if (c.startsWith("/") && c.includes(".app/") && opt < 0) return c;
  return c.split(/\s+/)[0] ?? "";
}

const int = (v: string | undefined): number | null => (v !== undefined && /^-?\d+$/.test(v) ? Number(v) : null);

export function* parsePs(content: string, file = "ps.txt"): Generator<PsRecord> {
  let columns: string[] | null = null;
  for (const line of content.split(/\r?\n/)) {
    if (!line.trim()) continue;
    if (!columns) {
      const head = tokens(line).map((t) => t.value.toUpperCase());
      if (head.length >= 2 && COMMAND_COLUMNS.has(head[head.length - 1]) && head.includes("PID")) columns = head;
      continue;
    }
    if (/^\s/.test(line)) continue; // a thread row of the process above (ps -M)
    const toks = tokens(line);
    if (toks.length < columns.length) continue;
    const field = (name: string) => {
      const i = columns!.indexOf(name);
      return i >= 0 && i < columns!.length - 1 ? toks[i].value : undefined;
    };
    const command = line.slice(toks[columns.length - 1].start).trimEnd();
    const executable = executableOf(command);
    yield {
      file,
      user: field("USER") ?? null,
      uid: int(field("UID")),
      pid: int(field("PID")),
      ppid: int(field("PPID")),
      started: field("STARTED") ?? field("STIME") ?? null,
      command,
      executable,
      name: baseName(executable),
    };
  }
}

export const sysdiagnosePs = artifact<PsRecord>({
  id: "sysdiagnose_ps",
  platform: "ios",
  timelineName: "SysdiagnosePs",
  description: "Running processes at collection time (ps.txt, ps_thread.txt)",
  sources: [{ path: "ps.txt" }, { path: "ps_thread.txt" }],
  async *records(ctx) {
    for await (const { file, bytes } of sysdiagnoseFiles(ctx)) {
      let n = 0;
      for (const r of parsePs(text(bytes), fileName(file))) {
        n++;
        yield r;
      }
      if (n === 0 && bytes.length) ctx.gap(file, "no ps header line (USER … PID … COMMAND) or no process rows");
    }
  },
  *observables(r): Iterable<Observable> {
    if (r.name) yield { type: "process", value: r.name };
    if (r.executable.startsWith("/")) yield { type: "file_path", value: r.executable };
  },
  analyzer() {
    const locations = new LocationCheck("the process list (ps)");
    return {
      onRecord(r, emit) {
        const f = locations.check(r.executable, r);
        if (f) emit(f);
      },
    };
  },
});
