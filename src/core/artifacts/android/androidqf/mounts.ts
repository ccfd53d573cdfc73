// Mounted file systems (androidqf mounts.json: a JSON array of `mount` output lines, "DEVICE on MOUNTPOINT
// type FS (OPTIONS)"). Heuristics, as MVT: system partitions mounted read-write, or with remount/noatime
// options they never have on a stock phone.

import { artifact } from "../../module.js";
import type { Emit, Observable, RecordData } from "../../../types.js";
import { jsonFile } from "./common.js";

const SYSTEM_MOUNT_POINTS = ["/system", "/vendor", "/product", "/system_ext"];
const SUSPICIOUS_OPTIONS = new Set(["rw", "remount", "noatime", "nodiratime"]);
/** Partitions that stock builds mount with noatime. */
const NOATIME_ALLOWED = new Set(["/system_dlkm", "/system_ext", "/product", "/vendor", "/vendor_dlkm"]);

/** One `mount` line → MVT's record; null for other lines. */
export function parseMountLine(line: string): RecordData | null {
  const text = line.trim();
  const on = text.indexOf(" on ");
  if (on < 0) return null;
  const rest = text.slice(on + 4);
  const type = rest.indexOf(" type ");
  if (type < 0) return null;
  const device = text.slice(0, on).trim();
  const mountPoint = rest.slice(0, type).trim();
  const fsPart = rest.slice(type + 6).trim();
  let filesystem = fsPart;
  let options = "";
  const paren = fsPart.indexOf("(");
  if (paren >= 0 && fsPart.endsWith(")")) {
    filesystem = fsPart.slice(0, paren).trim();
    options = fsPart.slice(paren + 1, -1).trim();
  }
  if (!device || !mountPoint || !filesystem) return null;
  const list = options ? options.split(",").map((o) => o.trim()).filter(Boolean) : [];
  // MVT's test: a prefix match, so /system_dlkm and /vendor_dlkm count as system partitions too.
  const isSystem = SYSTEM_MOUNT_POINTS.some((p) => mountPoint.startsWith(p));
  return {
    device,
    mount_point: mountPoint,
    filesystem_type: filesystem,
    mount_options: options,
    options_list: list,
    is_system_partition: isSystem,
    is_read_write: list.includes("rw"),
  };
}

export function checkMount(r: RecordData, emit: Emit): void {
  if (!r.is_system_partition) return;
  const point = String(r.mount_point);
  if (r.is_read_write) {
    emit({
      level: "high",
      heuristic: "mounts.system_rw",
      message:
        point === "/system"
          ? `Root detected /system partition is mounted as read-write (rw). Stock phones mount it read-only: the ` +
            `system was modified or is being modified; have the phone examined.`
          : `System partition ${point} is mounted as read-write (rw). This may indicate system modifications: ` +
            `have the phone examined.`,
      record: r,
    });
  }
  // "rw" already raised the alert above: the options alert is for the others (one condition, one alert).
  const suspicious = (r.options_list as string[]).filter((o) => SUSPICIOUS_OPTIONS.has(o) && !(o === "rw" && r.is_read_write));
  if (!suspicious.length) return;
  if (String(r.mount_options).includes("noatime") && NOATIME_ALLOWED.has(point)) return;
  emit({
    level: "high",
    heuristic: "mounts.suspicious_options",
    message:
      `Suspicious mount options found for ${point}: ${suspicious.join(", ")}. Stock phones do not mount system ` +
      `partitions this way: compare with another phone of the same model and have this one examined.`,
    record: r,
  });
}

export const mounts = artifact({
  id: "mounts",
  platform: "android",
  timelineName: "Mounts",
  description: "Mounted file systems and their options (mounts.json)",
  sources: [{ rootPath: "mounts.json" }],
  async *records(ctx) {
    for await (const file of ctx.files()) {
      let bad = 0;
      for await (const batch of jsonFile(ctx, file)) {
        for (const line of batch) {
          const r = typeof line === "string" ? parseMountLine(line) : null;
          if (r) yield r;
          else if (typeof line !== "string" || line.trim()) bad++;
        }
      }
      if (bad) ctx.warn(`${file.path}: ${bad} entries are not "DEVICE on MOUNTPOINT type FS (OPTIONS)" lines and were skipped`);
    }
  },
  *observables(r): Iterable<Observable> {
    yield { type: "file_path", value: String(r.mount_point) };
    yield { type: "file_path", value: String(r.device) };
  },
  analyzer: () => ({ onRecord: checkMount }),
});
