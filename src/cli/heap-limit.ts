// A scan's live heap stays small (under ~200 MB at a million rows per table: records stream), but at full
// speed V8 lets the old generation fill with garbage far beyond that before it collects, which alone took
// peak RSS to 600-800 MB. A fixed old-space limit keeps the peak under 500 MB at no measured cost in CPU
// time (bench/check-backup.ts, docs/performance.md), so `check-backup` re-runs itself once with that limit.

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { EXIT_SIGNALS } from "../node/temp-dirs.js";

/** Old-space limit for scans, in MB: about twice the largest live heap measured at the top bench scale. */
export const SCAN_HEAP_LIMIT_MB = 384;

/** Commands measured under the limit; others keep Node's default heap. */
const LIMITED_COMMANDS = new Set(["check-backup"]);

const HEAP_FLAG = /--max-old-space-size/;

/** Re-run this CLI with the heap limit when the command is a limited one and no limit was chosen by the user
 *  (NODE_OPTIONS / node flags) — then exit with the child's status. Resolves false when nothing was done.
 *  SPYSCOPE_HEAP_MB overrides the limit; SPYSCOPE_HEAP_MB=0 turns the re-run off. */
export async function relaunchWithHeapLimit(argv: string[] = process.argv): Promise<boolean> {
  const command = argv[2];
  if (!command || !LIMITED_COMMANDS.has(command)) return false;
  if (process.env.SPYSCOPE_HEAP_RELAUNCHED) return false;
  if (process.execArgv.some((a) => HEAP_FLAG.test(a)) || HEAP_FLAG.test(process.env.NODE_OPTIONS ?? "")) return false;
  const env = process.env.SPYSCOPE_HEAP_MB;
  const mb = env === undefined || env === "" ? SCAN_HEAP_LIMIT_MB : Number(env);
  if (!Number.isFinite(mb) || mb <= 0) return false;
  // The child's temporary files (decrypted database copies among them) go in a folder of this process's, removed
  // whatever becomes of the child: one that aborts (out of heap) or is killed cannot clean up after itself.
  const tmp = mkdtempSync(path.join(os.tmpdir(), "spyscope-run-"));
  let r: { code: number | null; signal: NodeJS.Signals | null; error?: Error };
  try {
    const child = spawn(process.execPath, [...process.execArgv, `--max-old-space-size=${Math.round(mb)}`, ...argv.slice(1)], {
      stdio: "inherit",
      env: { ...process.env, SPYSCOPE_HEAP_RELAUNCHED: "1", TMPDIR: tmp, TMP: tmp, TEMP: tmp },
    });
    // A signal sent to this process alone (kill PID, a supervisor) is passed on; Ctrl-C reaches both (same
    // process group), and this process waits for the child to clean up and end, then ends the same way.
    const forward = (s: NodeJS.Signals) => void child.kill(s);
    for (const s of EXIT_SIGNALS) process.on(s, forward);
    r = await new Promise((resolve) => {
      child.once("error", (error) => resolve({ code: null, signal: null, error }));
      child.once("exit", (code, signal) => resolve({ code, signal }));
    });
    for (const s of EXIT_SIGNALS) process.off(s, forward);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  if (r.error) return false; // could not start a child: run here, with the default heap
  if (r.signal === "SIGABRT") {
    // V8 aborts when the old space is full: a scan whose live data outgrew the limit (a module that must hold
    // a very large table). Losing the scan would be worse than the memory, so it runs again without the limit.
    process.stderr.write(
      `spyscope: the scan needed more than the ${Math.round(mb)} MB heap limit; running it again without the limit ` +
        `(set SPYSCOPE_HEAP_MB=0 to skip the limit, or a larger value)\n`,
    );
    return false;
  }
  if (r.signal) process.kill(process.pid, r.signal);
  process.exit(r.code ?? 2);
}
