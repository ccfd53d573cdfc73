// Test helper: run the built CLI (dist/cli/main.js, or $SPYSCOPE_CLI) in a child process.

import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export const CLI = path.resolve(process.env.SPYSCOPE_CLI ?? "dist/cli/main.js");

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** The CLI with `args`; its environment is the test's without any SPYSCOPE_* setting, plus `env`. */
export async function runCli(args: string[], env: Record<string, string> = {}): Promise<Ran> {
  const t0 = performance.now();
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("SPYSCOPE_"))) as Record<string, string>;
  try {
    const r = await run(process.execPath, [CLI, ...args], { env: { ...clean, ...env }, maxBuffer: 64 << 20 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr, ms: performance.now() - t0 };
  } catch (e: any) {
    return { code: e.code, stdout: e.stdout, stderr: e.stderr, ms: performance.now() - t0 };
  }
}
