// Root binaries androidqf found on the phone (root_binaries.json: a JSON array of paths). Every one is a
// heuristic detection: a rooted phone has lost Android's protections.

import { artifact } from "../../module.js";
import type { Observable, RecordData } from "../../../types.js";
import { jsonFile } from "./common.js";

/** MVT's names → descriptions (matched case-insensitively on the file name). */
const KNOWN_ROOT_BINARIES: Record<string, string> = {
  su: "SuperUser binary",
  busybox: "BusyBox utilities",
  supersu: "SuperSU root management",
  "superuser.apk": "Superuser app",
  "kingouser.apk": "KingRoot app",
  "supersu.apk": "SuperSU app",
  magisk: "Magisk root framework",
  magiskhide: "Magisk hide utility",
  magiskinit: "Magisk init binary",
  magiskpolicy: "Magisk policy binary",
};

export function rootBinaryRecord(path: string): RecordData {
  const binary = path.split("/").pop()!.toLowerCase();
  return { path: path.trim(), binary_name: binary, description: KNOWN_ROOT_BINARIES[binary] ?? "Unknown root binary" };
}

export const rootBinaries = artifact({
  id: "root_binaries",
  platform: "android",
  timelineName: "RootBinaries",
  description: "Root binaries (su, magisk, busybox…) found on the phone (root_binaries.json)",
  sources: [{ rootPath: "root_binaries.json" }],
  async *records(ctx) {
    for await (const file of ctx.files()) {
      for await (const batch of jsonFile(ctx, file)) for (const p of batch) if (typeof p === "string" && p) yield rootBinaryRecord(p);
    }
  },
  *observables(r): Iterable<Observable> {
    yield { type: "file_path", value: String(r.path) };
  },
  // MVT lists these in its timeline without a time; they sort first.
  timeline: (r) => ({ timestamp: "", module: "RootBinaries", event: "root_binary_found", data: `Root binary found: ${r.path} (binary: ${r.binary_name})` }),
  analyzer: () => ({
    onRecord(r, emit) {
      emit({
        level: "high",
        heuristic: "root_binaries.found",
        message:
          `Found root binary "${r.binary_name}" at path "${r.path}". The phone is rooted: ask whether the user rooted ` +
          `it; if not, treat it as compromised and have it examined.`,
        record: r,
      });
    },
  }),
});
