// Private temporary folders (database copies — decrypted ones included —, timeline chunks, spooled archive
// entries) are removed when the scan ends, and also when the process exits early or is interrupted
// (SIGINT, SIGTERM, SIGHUP): a decrypted copy of someone's messages must not outlive the run. A signal is
// handled once the scan thread reaches the event loop, which a scan lets run at least every 250 ms.

import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { isMainThread } from "node:worker_threads";

/** The signals that end a run early: temporary folders are removed on each (and check-backup's relauncher
 *  passes them on to its child). */
export const EXIT_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

const live = new Set<string>();
let installed = false;

function removeAll(): void {
  for (const dir of live) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      /* best effort on the way out */
    }
  }
  live.clear();
}

function install(): void {
  // Worker threads keep their temporary files under a folder the main thread made (and removes).
  if (installed || !isMainThread) return;
  installed = true;
  process.on("exit", removeAll);
  for (const signal of EXIT_SIGNALS) {
    process.once(signal, () => {
      removeAll();
      // Die of the same signal (its usual exit status), now that no handler is left for it.
      process.kill(process.pid, signal);
    });
  }
}

/** A new private folder under the system's temporary folder (mode 0700), removed by removeTempDir or when the
 *  process ends. */
export function makeTempDir(prefix: string): string {
  install();
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  live.add(dir);
  return dir;
}

export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  live.delete(dir);
}
