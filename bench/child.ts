// Every bench measures each run in a fresh child process (so peak RSS and compile time are that run's own):
// the child prints one `BENCH_RESULT <json>` line, the parent parses it.

import { spawnSync } from "node:child_process";

const MARK = "BENCH_RESULT ";

/** In the child: hand the measurement to the parent. */
export function reportResult(result: unknown): void {
  process.stdout.write(`${MARK}${JSON.stringify(result)}\n`);
}

/** In the parent: run `file` with `args` in a child node (with --expose-gc and the parent's node flags, plus
 *  `extraFlags` unless the parent already sets them) and return what it reported. */
export function runBenchChild<T>(file: string, args: string[], extraFlags: string[] = []): T {
  let execArgv = process.execArgv.includes("--expose-gc") ? process.execArgv : [...process.execArgv, "--expose-gc"];
  for (const flag of extraFlags) {
    const name = flag.split("=")[0];
    if (!execArgv.some((a) => a.split("=")[0] === name)) execArgv = [...execArgv, flag];
  }
  const p = spawnSync(process.execPath, [...execArgv, file, ...args], {
    encoding: "utf8",
    maxBuffer: 64 << 20,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const line = (p.stdout ?? "").split("\n").find((l) => l.startsWith(MARK));
  if (p.status !== 0 || !line) {
    throw new Error(`benchmark child ${args.join(" ")} failed (status ${p.status}, signal ${p.signal}):\n${p.stdout ?? ""}`);
  }
  return JSON.parse(line.slice(MARK.length)) as T;
}
