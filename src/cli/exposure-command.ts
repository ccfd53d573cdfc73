// `spyscope exposure PATH`: which OS and app versions of an acquisition are still open to vulnerabilities
// that mercenary spyware exploited. Exit code 1 when one is, 0 when none of the listed ones apply, 2 on error.

import type { Command } from "commander";
import { runExposure, type ExposureResult } from "../node/exposure.js";
import { addBackupKeyOptions, backupKeyInput } from "./backup-key-options.js";
import { fail } from "./check-command.js";
import { adviceLines, exposureJson, exposureLines } from "./exposure-text.js";

const KIND: Record<string, string> = { "ios-backup": "iOS backup", "ios-fs": "iOS filesystem dump", androidqf: "androidqf collection", android_bugreport: "Android bugreport" };

export function exposureText(r: ExposureResult): string {
  const lines = [`spyscope exposure: ${r.target} (${KIND[r.acquisition] ?? r.acquisition})`];
  if (!r.records.length) {
    lines.push("  No OS or app version could be read from this acquisition: exposure is unknown.");
  } else {
    const reviewed = r.records[0].data_reviewed;
    lines.push(`Versions checked against spyscope's list of spyware-exploited vulnerabilities (reviewed ${reviewed}, CISA KEV ${r.records[0].kev_catalog}):`);
    lines.push(...exposureLines(r.records));
  }
  const problems = [...(r.coverage.reason && r.coverage.status === "failed" ? [r.coverage.reason] : []), ...r.coverage.gaps.map((g) => `${g.file}: ${g.reason}`)];
  if (problems.length) {
    lines.push("Could not be read (the report may miss versions):");
    for (const p of problems) lines.push(`  - ${p}`);
  }
  if (r.records.some((x) => x.status === "exposed")) {
    lines.push("What to do:");
    lines.push(...adviceLines(r.records));
    lines.push("Being open to these bugs is not a sign of infection: it means an attacker could still use them. The full advice per CVE is in --json.");
  } else if (r.records.some((x) => x.status === "not-exposed")) {
    const unknown = r.records.some((x) => x.status === "unknown-version") ? " Versions marked \"?\" could not be read: check them on the device." : "";
    lines.push(`None of the listed vulnerabilities apply to the versions read.${unknown} The list holds only bugs known to have been used by spyware: keep the device and apps updated.`);
  } else if (r.records.length) {
    lines.push("No version could be read from this acquisition: exposure is unknown. Check the versions on the device.");
  }
  return lines.join("\n");
}

export function addExposureCommand(program: Command): Command {
  const cmd = program
    .command("exposure")
    .description("Report which OS and app versions of an acquisition (iOS backup or filesystem dump, androidqf, bugreport) are open to vulnerabilities exploited by spyware, with the fix.")
    .argument("<path>", "iOS backup or filesystem dump folder, androidqf collection or Android bugreport (folder or zip)")
    .option("--json", "print the report as JSON on stdout");
  addBackupKeyOptions(cmd);
  cmd.action(async (target: string, o: Record<string, any>) => {
    try {
      const r = await runExposure(target, backupKeyInput(o));
      if (o.json) {
        const os = r.records.find((x) => x.kind === "os");
        const json = {
          target: r.target,
          acquisition: r.acquisition,
          exit_code: r.exitCode,
          data_reviewed: r.records[0]?.data_reviewed ?? null,
          kev_catalog: r.records[0]?.kev_catalog ?? null,
          ...(os?.platform === "ios" ? { lockdown_mode: os.lockdown_mode } : os ? { advanced_protection: os.advanced_protection } : {}),
          products: exposureJson(r.records),
          findings: r.detections.map((d) => ({ level: d.level, message: d.message })),
          coverage: { status: r.coverage.status, reason: r.coverage.reason ?? null, gaps: r.coverage.gaps },
          input_files: Object.fromEntries(r.hashes),
        };
        process.stdout.write(JSON.stringify(json, null, 2) + "\n");
      } else {
        process.stdout.write(exposureText(r) + "\n");
      }
      process.exitCode = r.exitCode;
    } catch (e) {
      fail(e);
    }
  });
  return cmd;
}
