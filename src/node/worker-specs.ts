// The check specs a scan worker thread can rebuild from a name and structured-cloneable arguments
// (see CheckSpec.parallel and parallel-scan.ts).

import { iosBackupCheck } from "./check-backup.js";
import type { CheckSpec } from "./run-check.js";

export function workerSpec(name: string, args: unknown): CheckSpec {
  switch (name) {
    case "check-backup": {
      const key = (args as { derivedKey?: Uint8Array | null } | null)?.derivedKey ?? undefined;
      // No prompt in a worker: an encrypted backup comes with the key the main thread derived.
      return iosBackupCheck({ derivedKey: key, prompt: null, env: {} });
    }
    default:
      throw new Error(`no worker spec named ${name}`);
  }
}
