// Network usage per process from networkd's netusage.sqlite (same Core Data schema as DataUsage.sqlite, so
// datausage's reader and checks are reused). Only a filesystem dump has it, and only a dump can tell whether a
// process without a bundle id still has its binary on the device (MVT's extended search).

import { artifact } from "../../module.js";
import type { Emit, TimelineEvent } from "../../../types.js";
import { datausage, type DataUsageRecord } from "../datausage.js";
import { IosFilesystem } from "../../../formats/ios-fs.js";

/** Dump path of the binary of a process without a bundle id: a path, "" when searched and not found. */
const BINARY = Symbol("binary");
type NetRecord = DataUsageRecord & { [BINARY]?: string };

const str = (v: unknown) => (typeof v === "string" ? v : v === null || v === undefined ? "" : String(v));
const isPlaceholder = (name: string) => name.startsWith("MISSING [") || name.startsWith("MANIPULATED [");

export const netusage = artifact<DataUsageRecord>({
  ...datausage,
  id: "netusage",
  timelineName: "Netusage",
  description: "Network usage per process (private/var/networkd/netusage.sqlite), with checks for deleted rows and missing binaries",
  sources: [
    { domain: "NetworkDomain", path: "netusage.sqlite" },
    { domain: "NetworkDomain", path: "db/netusage.sqlite" },
  ],
  async *records(ctx) {
    const recs: NetRecord[] = [];
    for await (const r of datausage.records(ctx) as AsyncIterable<DataUsageRecord>) recs.push(r);
    const wanted = new Map<string, NetRecord[]>();
    for (const r of recs) {
      const name = str(r.proc_name);
      if (r.bundle_id || !name || isPlaceholder(name) || !r.proc_id) continue;
      const list = wanted.get(name) ?? [];
      list.push(r);
      wanted.set(name, list);
    }
    if (wanted.size && ctx.acquisition instanceof IosFilesystem) {
      for (const list of wanted.values()) for (const r of list) r[BINARY] = "";
      for await (const e of ctx.acquisition.walk({ names: true })) {
        if (e.type !== "file") continue;
        const list = wanted.get(e.path.slice(e.path.lastIndexOf("/") + 1));
        if (list) for (const r of list) r[BINARY] ||= e.path;
      }
    }
    yield* recs;
  },
  timeline(r) {
    const evs = datausage.timeline!(r);
    const list = (Array.isArray(evs) ? evs : evs ? [evs] : []) as TimelineEvent[];
    return list.map((e) => ({ ...e, module: "Netusage" }));
  },
  analyzer() {
    const base = datausage.analyzer!();
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
      onEnd: base.onEnd,
    };
  },
});
