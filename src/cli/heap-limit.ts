// A scan's live heap stays small (under ~200 MB at a million rows per table: records stream), but at full
// speed V8 lets the old generation fill with garbage far beyond that before it collects, which alone took
// peak RSS to 600-800 MB. A fixed old-space limit keeps the peak under 500 MB at no measured cost in CPU
// time (bench/check-backup.ts, docs/performance.md), so `check-backup` re-runs itself once with that limit.

import { spawnSync } from "node:child_process";

/** Old-space limit for scans, in MB: about twice the largest live heap measured at the top bench scale. */
export const SCAN_HEAP_LIMIT_MB = 384;

/** Commands measured under the limit; others keep Node's default heap. */
const LIMITED_COMMANDS = new Set(["check-backup"]);

const HEAP_FLAG = /--max-old-space-size/;

const FORWARDED_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/** Re-run this CLI with the heap limit when the command is a limited one and no limit was chosen by the user
 *  (NODE_OPTIONS / node flags) — then exit with the child's status. Returns false when nothing was done.
 *  SPYSCOPE_HEAP_MB overrides the limit; SPYSCOPE_HEAP_MB=0 turns the re-run off. */
export function relaunchWithHeapLimit(argv: string[] = process.argv): boolean {
  const command = argv[2];
  if (!command || !LIMITED_COMMANDS.has(command)) return false;
  if (process.env.SPYSCOPE_HEAP_RELAUNCHED) return false;
  if (process.execArgv.some((a) => HEAP_FLAG.test(a)) || HEAP_FLAG.test(process.env.NODE_OPTIONS ?? "")) return false;
  const env = process.env.SPYSCOPE_HEAP_MB;
  const mb = env === undefined || env === "" ? SCAN_HEAP_LIMIT_MB : Number(env);
  if (!Number.isFinite(mb) || mb <= 0) return false;
  // Ctrl-C reaches the child too (same process group): this process waits for it to clean up and end, then
  // ends the same way, instead of dying first and handing the terminal back while the child still runs.
  const wait = () => undefined;
  for (const s of FORWARDED_SIGNALS) process.on(s, wait);
  const r = spawnSync(process.execPath, [...process.execArgv, `--max-old-space-size=${Math.round(mb)}`, ...argv.slice(1)], {
    stdio: "inherit",
    env: { ...process.env, SPYSCOPE_HEAP_RELAUNCHED: "1" },
  });
  for (const s of FORWARDED_SIGNALS) process.off(s, wait);
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
  process.exit(r.status ?? 2);
}
