// Every `check-*` command has the same options, output and exit codes; only its acquisition differs.

import type { Command } from "commander";
import { EXIT, runCheck, type CheckResult, type CheckSpec } from "../node/run-check.js";
import { Progress } from "./progress.js";
import { summaryJson, summaryText } from "./summary.js";
import { errorText } from "../core/util/errors.js";

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function report(target: string, r: CheckResult, json: boolean): number {
  const input = { target, summary: r.summary, outputDir: r.outputDir, indicatorCount: r.indicatorCount, indicatorProblems: r.indicatorProblems, problem: r.problem, exitCode: r.exitCode };
  if (json) process.stdout.write(JSON.stringify(summaryJson(input), null, 2) + "\n");
  else process.stderr.write(summaryText(input) + "\n");
  return r.exitCode;
}

export function fail(e: unknown): never {
  process.stderr.write(`spyscope: error: ${errorText(e)}\n`);
  process.exit(EXIT.ERROR);
}

export interface CheckCommand {
  name: string;
  description: string;
  argument: [name: string, description: string];
  /** Command-specific options (e.g. --password). */
  options?(cmd: Command): void;
  /** The scan spec, built from the parsed options (so it can carry a password or key file). */
  spec(options: Record<string, any>): CheckSpec | Promise<CheckSpec>;
}

/** Register a scan command with the shared options: -o, -i (repeatable), -m (repeatable), --list-modules,
 *  --json, -q, --resolve-short-urls. */
export function addCheckCommand(program: Command, c: CheckCommand): Command {
  const cmd = program
    .command(c.name)
    .description(c.description)
    .argument(`<${c.argument[0]}>`, c.argument[1])
    .option("-o, --output <dir>", "write results to this folder (MVT layout)")
    .option("-i, --iocs <path>", "STIX2 indicator file or folder (repeatable; default: bundled indicators, or $SPYSCOPE_IOCS)", collect)
    .option("-m, --module <id>", "run only this module (repeatable)", collect)
    .option("--list-modules", "list the modules and exit")
    .option("--json", "print the summary as JSON on stdout")
    .option("-q, --quiet", "no progress bar")
    .option(
      "--resolve-short-urls",
      "ask URL shorteners (bit.ly, t.co…) where shortened links lead, and match the destinations: network requests to those services (never to the destinations); off by default",
    );
  c.options?.(cmd);
  cmd.action(async (target: string, o: Record<string, any>) => {
    try {
      const spec = await c.spec(o);
      if (o.listModules) {
        for (const m of spec.modules) process.stdout.write(`${m.id.padEnd(34)} ${m.description}\n`);
        return;
      }
      const r = await runCheck(spec, {
        target,
        output: o.output,
        iocs: o.iocs,
        modules: o.module,
        progress: Progress.forTerminal(Boolean(o.quiet || o.json)),
        expandShortUrls: Boolean(o.resolveShortUrls),
      });
      process.exitCode = report(target, r, Boolean(o.json));
    } catch (e) {
      fail(e);
    }
  });
  return cmd;
}
