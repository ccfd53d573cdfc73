// A one-line progress bar on a TTY (stderr); silent otherwise.

import type { ScanProgress } from "../core/analysis/engine.js";

export class Progress {
  private last = 0;
  private active = false;
  constructor(private stream: NodeJS.WriteStream = process.stderr) {}

  static forTerminal(quiet: boolean): Progress | null {
    return !quiet && process.stderr.isTTY ? new Progress() : null;
  }

  update(p: ScanProgress): void {
    const now = Date.now();
    if (now - this.last < 100 && p.moduleIndex < p.moduleCount) return;
    this.last = now;
    const width = 24;
    const filled = Math.round((p.moduleIndex / Math.max(1, p.moduleCount)) * width);
    const bar = "#".repeat(filled) + "-".repeat(width - filled);
    const line = `[${bar}] ${p.moduleIndex}/${p.moduleCount} ${p.module} ${p.records.toLocaleString("en-US")} records`;
    this.stream.write(`\r${line.padEnd(79).slice(0, 79)}`);
    this.active = true;
  }

  done(): void {
    if (this.active) this.stream.write("\r" + " ".repeat(79) + "\r");
    this.active = false;
  }
}
