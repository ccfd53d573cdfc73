// Network usage per process from networkd's netusage.sqlite (same Core Data schema as DataUsage.sqlite, so
// datausage's reader and checks are reused). Only a filesystem dump has it, and only a dump can tell whether a
// process without a bundle id still has its binary on the device (MVT's extended search).

import { artifact, type ModuleContext } from "../../module.js";
import type { Emit, TimelineEvent } from "../../../types.js";
import {
  bundlelessProcessNames,
  databaseRecords,
  datausage,
  hasDataUsageTables,
  isPlaceholderName,
  type DataUsageRecord,
} from "../datausage.js";
import { IosFilesystem } from "../../../formats/ios-fs.js";

/** Dump path of the binary of a process without a bundle id: a path, "" when searched and not found. */
const BINARY = Symbol("binary");
type NetRecord = DataUsageRecord & { [BINARY]?: string };

/** Bundle-less process names searched for per database (a hostile table could name millions). */
const MAX_SEARCHED_NAMES = 100_000;

const str = (v: unknown) => (typeof v === "string" ? v : v === null || v === undefined ? "" : String(v));

/** Process name → first dump path with that file name ("" when none), for the names not looked up yet. One
 *  walk of the dump per database that names new processes (one in practice). */
async function findBinaries(fs: IosFilesystem, names: Set<string>, known: Map<string, string>): Promise<void> {
  const wanted = new Set([...names].filter((n) => !known.has(n)));
  if (!wanted.size) return;
  for (const n of wanted) known.set(n, "");
  for await (const e of fs.walk({ names: true })) {
    if (e.type !== "file") continue;
    const name = e.path.slice(e.path.lastIndexOf("/") + 1);
    if (wanted.has(name) && !known.get(name)) known.set(name, e.path);
  }
}

async function* netusageRecords(ctx: ModuleContext): AsyncGenerator<DataUsageRecord> {
  const fs = ctx.acquisition instanceof IosFilesystem ? ctx.acquisition : null;
  const binaries = new Map<string, string>();
  for await (const { file, db } of ctx.databases()) {
    if (!hasDataUsageTables(db)) {
      ctx.gap(file, "netusage.sqlite has no ZPROCESS/ZLIVEUSAGE tables");
      continue;
    }
    let searched: Set<string> | null = null;
    if (fs) {
      const { names, more } = bundlelessProcessNames(db, MAX_SEARCHED_NAMES);
      if (more) ctx.gap(file, `more than ${MAX_SEARCHED_NAMES} process names without a bundle id; binaries searched for the first ${MAX_SEARCHED_NAMES} only`);
      await findBinaries(fs, names, binaries);
      searched = names;
    }
    for (const r of databaseRecords(db, (reason) => ctx.gap(file, reason)) as Generator<NetRecord>) {
      const name = str(r.proc_name);
      if (searched?.has(name) && !r.bundle_id && r.proc_id && !isPlaceholderName(name)) r[BINARY] = binaries.get(name);
      yield r;
    }
  }
}

export const netusage = artifact<DataUsageRecord>({
  ...datausage,
  id: "netusage",
  timelineName: "Netusage",
  description: "Network usage per process (private/var/networkd/netusage.sqlite), with checks for deleted rows and missing binaries",
  sources: [
    { domain: "NetworkDomain", path: "netusage.sqlite" },
    { domain: "NetworkDomain", path: "db/netusage.sqlite" },
  ],
  records: netusageRecords,
  timeline(r) {
    const evs = datausage.timeline!(r);
    const list = (Array.isArray(evs) ? evs : evs ? [evs] : []) as TimelineEvent[];
    return list.map((e) => ({ ...e, module: "Netusage" }));
  },
  analyzer() {
    const base = datausage.analyzer!();
    // Bounded by the names searched (MAX_SEARCHED_NAMES per database).
    const reported = new Set<string>();
    return {
      onRecord(r: NetRecord, emit: Emit) {
        base.onRecord?.(r, emit);
        const name = str(r.proc_name);
        if (r[BINARY] !== "" || reported.has(name)) return;
        reported.add(name);
        emit({
          level: "medium",
          heuristic: "netusage.binary_not_found",
          message:
            `Could not find the binary associated with the process with name ${name}` +
            (name.length === 16 ? " (however, the process name might have been truncated in the database)" : "") +
            `: a process without a bundle id used the network but no file of that name is left in the dump — review it.`,
          record: r,
          eventTime: str(r.live_isodate),
        });
      },
    };
  },
});
