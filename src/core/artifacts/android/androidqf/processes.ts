// Running processes (androidqf ps.txt, the output of `ps -A`). Observables: the process name as a process
// and as an app id (Android app processes are named after their package).

import { artifact } from "../../module.js";
import type { Observable, RecordData } from "../../../types.js";
import { readText } from "./common.js";

/** One `ps` line → MVT's record; null for lines that are not a process (header, garbage). Columns:
 *  [LABEL] USER PID PPID VSZ RSS [WCHAN] ADDR S NAME — WCHAN is sometimes blank, the label optional. */
export function parsePsLine(line: string): RecordData | null {
  let cols = line.trim().split(/\s+/);
  if (cols.length === 0 || cols[0] === "") return null;
  if (cols.length === 8) cols = [...cols.slice(0, 5), "", ...cols.slice(5)];
  let label = "";
  if (cols[0].startsWith("u:r")) {
    label = cols[0];
    cols = cols.slice(1);
  }
  if (cols.length < 9) cols = [...cols.slice(0, 5), "", ...cols.slice(5)];
  const nums = cols.slice(1, 5).map((c) => (/^-?\d+$/.test(c) ? Number(c) : NaN));
  if (nums.some((n) => Number.isNaN(n)) || cols.length < 9) return null;
  return {
    user: cols[0],
    pid: nums[0],
    ppid: nums[1],
    virtual_memory_size: nums[2],
    resident_set_size: nums[3],
    wchan: cols[5],
    aprocress: cols[6],
    stat: cols[7],
    // A name with spaces (rare) keeps its words; kernel threads lose their brackets, as in MVT.
    proc_name: cols.slice(8).join(" ").replace(/^\[+|\]+$/g, ""),
    label,
  };
}

export const aqfProcesses = artifact({
  id: "aqf_processes",
  platform: "android",
  timelineName: "AQFProcesses",
  description: "Processes running at acquisition time (ps.txt)",
  sources: [{ rootPath: "ps.txt" }],
  async *records(ctx) {
    for await (const file of ctx.files()) {
      const text = await readText(ctx, file);
      if (text === null) continue;
      const lines = text.split(/\r?\n/);
      let bad = 0;
      // The first line is the column header.
      for (let i = 1; i < lines.length; i++) {
        if (!lines[i].trim()) continue;
        const r = parsePsLine(lines[i]);
        if (r) yield r;
        else bad++;
      }
      if (bad) ctx.warn(`${file.path}: ${bad} line(s) are not process lines and were skipped`);
    }
  },
  *observables(r): Iterable<Observable> {
    const name = String(r.proc_name ?? "");
    // MVT skips gatekeeperd: a known false positive against process-name indicators.
    if (!name || name === "gatekeeperd") return;
    yield { type: "app_id", value: name };
    yield { type: "process", value: name };
  },
  analyzer: () => ({
    onRecord(r, emit) {
      const name = String(r.proc_name ?? "");
      if (name.startsWith("/data/local/tmp/")) {
        emit({
          level: "high",
          heuristic: "aqf_processes.tmp_process",
          message:
            `Process "${name}" (pid ${r.pid}, user ${r.user}) runs from /data/local/tmp, a staging folder used by ` +
            `exploits and rooting tools. Preserve the collection and have the phone examined by a specialist.`,
          record: r,
        });
      }
    },
  }),
});
