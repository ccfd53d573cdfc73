#!/usr/bin/env node
// The spyscope command line. Exit codes: 0 nothing found, 1 detections (critical or high), 2 error.

import { Command, Option } from "commander";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { iosBackupCheck, runCheckBackup } from "../node/check-backup.js";
import { addBackupKeyOptions, backupKeyInput } from "./backup-key-options.js";
import { addDecryptBackupCommand } from "./decrypt-backup.js";
import { addExposureCommand } from "./exposure-command.js";
import { EXIT } from "../node/run-check.js";
import { addCheckCommand, fail, report } from "./check-command.js";
import { androidBackupCheck } from "../node/check-android-backup.js";
import { INTRUSION_LOGS_CHECK } from "../node/check-intrusion-logs.js";
import { androidqfCheck } from "../node/check-androidqf.js";
import { BUGREPORT_CHECK } from "../node/check-bugreport.js";
import { IOS_FS_CHECK } from "../node/check-fs.js";
import { SYSDIAGNOSE_CHECK } from "../node/check-sysdiagnose.js";
import { runCheckIocs } from "../node/check-iocs.js";
import { loadIndicators } from "../node/iocs.js";
import { updateIndicators } from "../node/iocs-update.js";
import { generateIosBackup } from "../node/generate/ios-backup.js";
import { VERSION } from "../node/version.js";
import { Progress } from "./progress.js";
import { relaunchWithHeapLimit } from "./heap-limit.js";

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function buildProgram(): Command {
  const program = new Command();
  program
    .name("spyscope")
    .description("Check consented phone acquisitions for traces of mercenary spyware (Pegasus and peers).")
    .version(VERSION)
    .showHelpAfterError();

  addCheckCommand(program, {
    name: "check-backup",
    description: "Scan an iOS backup folder (like mvt-ios check-backup); encrypted backups are decrypted as they are read.",
    argument: ["backup", "iOS backup folder (the one holding Manifest.db)"],
    options: addBackupKeyOptions,
    spec: (o) => iosBackupCheck(backupKeyInput(o)),
  });
  addDecryptBackupCommand(program);
  addExposureCommand(program);

  addCheckCommand(program, {
    name: "check-android-backup",
    description: "Scan an Android backup (.ab, from adb backup or androidqf); encrypted backups need their password.",
    argument: ["backup", "the .ab file"],
    options: (cmd) => cmd.option("--password <password>", "password of an encrypted backup (else $SPYSCOPE_BACKUP_PASSWORD, else a prompt on a terminal)"),
    spec: (o) => androidBackupCheck({ password: o.password }),
  });

  addCheckCommand(program, {
    name: "check-bugreport",
    description: "Scan an Android bugreport: the zip (read in place, never extracted) or its extracted folder (like mvt-android check-bugreport).",
    argument: ["bugreport", "bugreport-….zip from adb bugreport, or the folder it was extracted to"],
    spec: () => BUGREPORT_CHECK,
  });

  addCheckCommand(program, {
    name: "check-androidqf",
    description: "Scan an androidqf collection (folder or zip), with the backup.ab and bugreport.zip inside it.",
    argument: ["collection", "androidqf collection folder, or its zip"],
    options: (cmd) => cmd.option("--password <password>", "password of an encrypted backup.ab (else $SPYSCOPE_BACKUP_PASSWORD, else a prompt on a terminal)"),
    spec: (o) => androidqfCheck({ password: o.password }),
  });

  addCheckCommand(program, {
    name: "check-fs",
    description: "Scan a full iOS filesystem extraction, a folder or a .tar/.tar.gz of it (like mvt-ios check-fs).",
    argument: ["dump", "folder holding private/var (or a tar of it)"],
    spec: () => IOS_FS_CHECK,
  });

  addCheckCommand(program, {
    name: "check-sysdiagnose",
    description: "Scan an iOS sysdiagnose: the .tar.gz itself (read in one pass, never extracted) or its extracted folder.",
    argument: ["sysdiagnose", "sysdiagnose_….tar.gz, or the extracted sysdiagnose folder"],
    spec: () => SYSDIAGNOSE_CHECK,
  });

  addCheckCommand(program, {
    name: "check-intrusion-logs",
    description: "Scan Android 16 Advanced Protection intrusion logs (like mvt-android check-intrusion-logs).",
    argument: ["logs", "folder of exported NDJSON log files, their zip (nested zips are opened), or one log file"],
    spec: () => INTRUSION_LOGS_CHECK,
  });

  program
    .command("check-iocs")
    .description("Re-match the records of an earlier output folder against (new) indicators and write the detections.")
    .argument("<folder>", "an output folder written by spyscope (or MVT)")
    .option("-i, --iocs <path>", "STIX2 indicator file or folder (repeatable; default: bundled indicators)", collect)
    .option("-o, --output <dir>", "where to write the new detections, a new or empty folder (default: <folder>/check-iocs, then check-iocs-2, …)")
    .option("--json", "print the summary as JSON on stdout")
    .option("--resolve-short-urls", "ask URL shorteners (bit.ly, t.co…) where shortened links lead (network requests to those services only)")
    .action(async (folder: string, o) => {
      try {
        const r = await runCheckIocs({ dir: folder, iocs: o.iocs, output: o.output, expandShortUrls: Boolean(o.resolveShortUrls) });
        process.exitCode = report(folder, r, Boolean(o.json));
      } catch (e) {
        fail(e);
      }
    });

  const iocs = program.command("iocs").description("Indicators of compromise: list what is loaded, update the feeds.");
  iocs
    .command("list")
    .description("show the indicator files and collections that a scan would load")
    .option("-i, --iocs <path>", "STIX2 file or folder (repeatable)", collect)
    .option("--json", "as JSON")
    .action(async (o) => {
      try {
        const loaded = await loadIndicators(o.iocs);
        if (o.json) {
          process.stdout.write(JSON.stringify({ files: loaded.files, total: loaded.set.size, warnings: loaded.warnings, load_ms: loaded.loadMs }, null, 2) + "\n");
          return;
        }
        for (const f of loaded.files) {
          process.stdout.write(`${String(f.indicators).padStart(6)}  ${f.collections.join(", ")}  (${f.path})\n`);
        }
        process.stdout.write(`${loaded.set.size} indicators from ${loaded.files.length} files, loaded in ${loaded.loadMs.toFixed(1)} ms\n`);
        for (const w of loaded.warnings) process.stderr.write(`warning: ${w}\n`);
      } catch (e) {
        fail(e);
      }
    });
  iocs
    .command("update")
    .description("download the public indicator feeds listed in an indicators.yaml index (network access)")
    .option("--index-url <url>", "URL of the indicators.yaml index")
    .option("--raw-base <url>", "base URL that github entries are fetched from (owner/repo/branch/path are appended)")
    .option("--dest <dir>", "where to keep the downloaded indicators")
    .action(async (o) => {
      try {
        const report = await updateIndicators({ indexUrl: o.indexUrl, rawBase: o.rawBase, destDir: o.dest });
        process.stdout.write(JSON.stringify(report, null, 2) + "\n");
        process.exitCode = report.ok && report.feeds.every((f) => f.ok) ? 0 : EXIT.ERROR;
      } catch (e) {
        fail(e);
      }
    });

  program
    .command("generate-backup")
    .description("Write a synthetic iOS backup (real schemas, deterministic) for demos, tests and benchmarks.")
    .argument("<folder>", "where to write it")
    .option("--seed <n>", "random seed", "1")
    .option("--rows <n>", "rows in the big tables (messages, visits, data usage…)", "1000")
    .option("--manifest-files <n>", "Manifest.db entries")
    .option("--no-plant", "do not plant public Pegasus indicators")
    .action(async (folder: string, o) => {
      try {
        const r = await generateIosBackup({
          dir: folder,
          seed: Number(o.seed),
          rows: Number(o.rows),
          manifestFiles: o.manifestFiles ? Number(o.manifestFiles) : undefined,
          plant: Boolean(o.plant),
        });
        process.stderr.write(`wrote a synthetic iOS backup to ${r.dir} (${r.files} files, ${Math.round(r.ms)} ms)\n`);
      } catch (e) {
        fail(e);
      }
    });

  program
    .command("demo")
    .description("Generate a demo backup with planted public Pegasus indicators and scan it with the bundled indicators.")
    .option("-d, --dir <dir>", "working folder (default: a new temporary folder)")
    .option("--rows <n>", "rows in the big tables", "2000")
    .addOption(new Option("--json", "print the summary as JSON on stdout"))
    .action(async (o) => {
      try {
        const base = o.dir ?? mkdtempSync(path.join(os.tmpdir(), "spyscope-demo-"));
        const backupDir = path.join(base, "backup");
        const outDir = path.join(base, "results");
        process.stderr.write(`Generating a synthetic iOS backup with planted public Pegasus indicators in ${backupDir}\n`);
        await generateIosBackup({ dir: backupDir, seed: 2019, rows: Number(o.rows), plant: true });
        const r = await runCheckBackup({
          target: backupDir,
          output: outDir,
          progress: Progress.forTerminal(Boolean(o.json)),
          command: "demo",
        });
        report(backupDir, r, Boolean(o.json));
        // The demo worked when the planted indicators were found.
        process.exitCode = r.summary.counts.critical > 0 ? 0 : EXIT.ERROR;
      } catch (e) {
        fail(e);
      }
    });

  return program;
}

// A reader that stops early (`spyscope … | head`) closes stdout: end quietly, as other command-line tools do.
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(typeof process.exitCode === "number" ? process.exitCode : 0);
  throw e;
});

if (!(await relaunchWithHeapLimit())) {
  buildProgram()
    .parseAsync(process.argv)
    .catch((e) => fail(e));
}
