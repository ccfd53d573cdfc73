// Vitest global setup: every temporary file of a test run (tests' own folders, the CLIs they start, their
// workers) goes under one folder that is removed when the run ends, so no run leaves anything in /tmp.

import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export default function setup(): () => void {
  const root = mkdtempSync(path.join(os.tmpdir(), "spyscope-tests-"));
  process.env.TMPDIR = root;
  return () => rmSync(root, { recursive: true, force: true });
}
