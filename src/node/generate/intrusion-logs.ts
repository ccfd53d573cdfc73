// Synthetic Android intrusion logs in the exported NDJSON format: one file per day with dns_event,
// connect_event and security_event lines (every known SecurityLog tag), consecutive files overlapping like
// rotated logs, optionally zipped (flat, or day files in an inner zip). Deterministic from a seed.

import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { zipSync } from "fflate";
import { SECURITY_TAGS } from "../../core/artifacts/android/intrusion/security-tags.js";
import { Rng } from "./ios/types.js";

export interface GenerateIntrusionLogsOptions {
  /** Folder to write into (created). */
  dir: string;
  seed?: number;
  days?: number;
  /** Events per day file (before the overlap is added). */
  eventsPerDay?: number;
  /** Events of the previous day repeated at the start of each next file (rotation overlap). */
  overlap?: number;
  /** "none": day files in `dir`; "flat": one zip of the day files; "nested": a zip holding a zip of them. */
  zip?: "none" | "flat" | "nested";
  plantDomains?: string[];
  plantIps?: string[];
  /** Lines of an event type spyscope does not know ("future_event"). */
  unknownEvents?: number;
  /** Unix seconds of the first day. Default 1,700,000,000. */
  start?: number;
}

export interface GenerateIntrusionLogsResult {
  /** The path to scan: the folder, or the zip. */
  target: string;
  files: string[];
  /** Unique events written per type (what a de-duplicating reader must return). */
  unique: Record<string, number>;
  /** Lines repeated across files. */
  duplicates: number;
  planted: { domains: number; ips: number };
}

const APPS = ["com.android.chrome", "com.whatsapp", "org.thoughtcrime.securesms", "com.google.android.gm", "com.android.vending"];
const HOSTS = ["www.google.com", "mmg.whatsapp.net", "chat.signal.org", "play.googleapis.com", "news.example.net"];

function ip(rng: Rng): string {
  return `${rng.int(11, 223)}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
}

/** A payload for each SecurityLog tag, with the field names the export uses. */
function tagPayload(tag: string, rng: Rng): unknown {
  const app = rng.pick(APPS);
  switch (tag) {
    case "adb_shell_cmd":
      return { command: `pm list packages ${app}` };
    case "adb_sync_recv_file":
    case "adb_sync_send_file":
      return { path: `/sdcard/Download/file${rng.int(1, 99)}.txt` };
    case "app_process_start":
      return { process: app, start_time: 0, uid: rng.int(10000, 10999), pid: rng.int(1000, 30000), seinfo: "default:targetSdkVersion=34", sha256: rng.hex(64) };
    case "keyguard_dismiss_auth_attempt":
      return { success: rng.int(0, 3) > 0, method_strength: 1 };
    case "os_startup":
      return { boot_state: "green", verity_mode: "enforcing" };
    case "key_generated":
    case "key_import":
    case "key_destruction":
      return { success: true, key_id: `key_${rng.hex(6)}`, uid: rng.int(10000, 10999) };
    case "key_integrity_violation":
      return { key_id: `key_${rng.hex(6)}`, uid: rng.int(10000, 10999) };
    case "cert_authority_installed":
    case "cert_authority_removed":
      return { success: true, subject: "CN=Corp Proxy Root,O=Example", user_id: 0 };
    case "crypto_self_test_completed":
      return { success: true };
    case "package_installed":
    case "package_updated":
    case "package_uninstalled":
      return { package_name: app, version_code: rng.int(1, 500), user_id: 0 };
    case "media_mount":
    case "media_unmount":
      return { mount_point: "/mnt/media_rw/ABCD-1234", volume_label: "USB" };
    case "wifi_connection":
      return { bssid: "02:00:00:00:00:01", event_type: "CONNECT", reason: "" };
    case "bluetooth_connection":
      return { mac_address: "02:00:00:00:00:02", success: true, reason: "" };
    case "password_changed":
      return { complexity: 196608, user_id: 0 };
    case "cert_validation_failure":
      return { reason: "certificate expired" };
    default:
      return {};
  }
}

/** JSON with event_time written as an exact integer (nanosecond times exceed 2^53). */
function line(type: string, data: Record<string, unknown>, time: bigint): string {
  return JSON.stringify({ [type]: { ...data, event_time: "@T@" } }).replace('"@T@"', time.toString());
}

export async function generateIntrusionLogs(opts: GenerateIntrusionLogsOptions): Promise<GenerateIntrusionLogsResult> {
  const rng = new Rng(opts.seed ?? 1);
  const days = opts.days ?? 3;
  const perDay = opts.eventsPerDay ?? 200;
  const overlap = opts.overlap ?? 10;
  const start = opts.start ?? 1_700_000_000;
  const plantDomains = opts.plantDomains ?? [];
  const plantIps = opts.plantIps ?? [];
  const tags = Object.keys(SECURITY_TAGS);
  const unique: Record<string, number> = { dns_event: 0, connect_event: 0, security_event: 0 };
  const planted = { domains: 0, ips: 0 };
  let id = 0;
  let tagIndex = 0;
  let previous: string[] = [];
  let duplicates = 0;
  const dayFiles: [string, string][] = [];
  const files: string[] = [];
  const zip = opts.zip ?? "none";
  mkdirSync(opts.dir, { recursive: true });
  for (let d = 0; d < days; d++) {
    const out: string[] = previous.slice(-overlap);
    duplicates += out.length;
    const dayStart = BigInt(start + d * 86400) * 1000n;
    if (d === 0) for (let u = 0; u < (opts.unknownEvents ?? 0); u++) out.push(line("future_event", { event_id: id++, field: `value${u}` }, dayStart));
    for (let i = 0; i < perDay; i++) {
      const ms = dayStart + BigInt(Math.floor((i / perDay) * 86_400_000));
      const app = rng.pick(APPS);
      const kind = i % 3;
      if (kind === 0) {
        const host = plantDomains.length && i === 3 ? plantDomains[planted.domains++ % plantDomains.length] : rng.pick(HOSTS);
        const ips = [`/${ip(rng)}`];
        out.push(line("dns_event", { event_id: id++, package_name: app, hostname: host, ip_addresses: ips, ip_addresses_count: ips.length }, ms));
        unique.dns_event++;
      } else if (kind === 1) {
        const addr = plantIps.length && i === 4 ? plantIps[planted.ips++ % plantIps.length] : ip(rng);
        out.push(line("connect_event", { event_id: id++, package_name: app, port: rng.pick([443, 80, 5222]), ip_address: `/${addr}` }, ms));
        unique.connect_event++;
      } else {
        const tag = tags[tagIndex++ % tags.length];
        out.push(line("security_event", { event_id: id++, [tag]: tagPayload(tag, rng) }, ms * 1_000_000n));
        unique.security_event++;
      }
    }
    const date = new Date((start + d * 86400) * 1000).toISOString().slice(0, 10);
    const name = `exported-events-${date}.txt`;
    // Day files go to disk as they are made, unless they are zipped at the end.
    if (zip === "none") {
      writeFileSync(path.join(opts.dir, name), out.join("\n") + "\n", { flag: "wx" });
      files.push(name);
    } else dayFiles.push([name, out.join("\n") + "\n"]);
    previous = out.slice(out.length - Math.min(perDay, overlap));
  }
  const mtime = new Date(start * 1000);
  const enc = (s: string) => new TextEncoder().encode(s);
  let target = opts.dir;
  if (zip !== "none") {
    const days = Object.fromEntries(dayFiles.map(([n, t]) => [`logs/${n}`, [enc(t), { mtime }] as [Uint8Array, { mtime: Date }]]));
    const inner = zipSync(days, { level: 6 });
    const outer = zip === "flat" ? inner : zipSync({ "intrusion-logs/export.zip": [inner, { mtime, level: 0 }], "README.md": [enc("export\n"), { mtime }] });
    target = path.join(opts.dir, "intrusion-logs.zip");
    writeFileSync(target, outer, { flag: "wx" });
    files.push(...dayFiles.map(([n]) => (zip === "flat" ? `logs/${n}` : `intrusion-logs/export.zip::logs/${n}`)));
  }
  return { target, files, unique, duplicates, planted };
}
