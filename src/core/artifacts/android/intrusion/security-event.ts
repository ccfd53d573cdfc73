// security_event: Android SecurityLog events from intrusion logs (ADB, app starts, lock screen, keys,
// certificates, packages, Wi-Fi/Bluetooth…), with heuristics for certificate, key-integrity, wipe-failure and
// crypto-self-test events. Unknown tags are kept, and warned about once with their counts.

import { artifact, event } from "../../module.js";
import type { Finding, Observable, RecordData } from "../../../types.js";
import { intrusionEvents, isoFromEpochAny, packageNames } from "./common.js";
import { knownTag, securityTag, TAG_ALIASES } from "./security-tags.js";

type Info = Record<string, unknown>;

function payload(r: RecordData, tag: string | null): Info {
  const v = tag ? r[tag] : null;
  return v && typeof v === "object" && !Array.isArray(v) ? (v as Info) : {};
}

const str = (v: unknown): string => (v === undefined || v === null ? "" : typeof v === "object" ? JSON.stringify(v) : String(v));
const first = (info: Info, ...keys: string[]): string => str(keys.map((k) => info[k]).find((v) => v !== undefined && v !== null && v !== ""));
/** A success flag: absent counts as success (most events only log what happened). */
const succeeded = (info: Info | unknown): boolean => {
  if (info && typeof info === "object" && "success" in (info as Info)) return (info as Info).success !== false && (info as Info).success !== 0;
  return info !== 0 && info !== false;
};

/** Timeline sentence for an event. */
export function describeSecurityEvent(r: RecordData): { tag: string; text: string } {
  const tag = securityTag(r);
  if (!tag) return { tag: "unknown", text: JSON.stringify(r) };
  const info = payload(r, tag);
  const known = knownTag(tag);
  const t = TAG_ALIASES[tag] ?? tag;
  const ok = succeeded(r[tag]);
  switch (t) {
    case "adb_shell_cmd":
      return { tag, text: `ADB shell command: ${first(info, "command") || str(r[tag])}` };
    case "adb_sync_recv_file":
    case "adb_sync_send_file":
      return { tag, text: `${known!.what}: ${first(info, "path") || str(r[tag])}` };
    case "app_process_start":
      return { tag, text: `App process started: ${first(info, "process")} (uid ${first(info, "uid")}, pid ${first(info, "pid")})` };
    case "keyguard_dismiss_auth_attempt":
      return { tag, text: `Unlock attempt ${ok ? "succeeded" : "failed"} (method strength ${first(info, "method_strength") || "?"})` };
    case "os_startup":
      return { tag, text: `OS started (verified boot: ${first(info, "boot_state", "verified_boot_state") || "?"}, dm-verity: ${first(info, "verity_mode", "dm_verity_mode") || "?"})` };
    case "package_installed":
    case "package_updated":
    case "package_uninstalled":
      return { tag, text: `${known!.what}: ${first(info, "package_name")} (version ${first(info, "version_code") || "?"}, user ${first(info, "user_id") || "?"})` };
    case "cert_authority_installed":
    case "cert_authority_removed":
      return { tag, text: `${known!.what}${ok ? "" : " (failed)"}: ${first(info, "subject") || "unknown subject"}` };
    case "key_generated":
    case "key_import":
    case "key_destruction":
    case "key_integrity_violation":
      return { tag, text: `${known!.what}${ok ? "" : " (failed)"}: ${first(info, "key_id", "alias") || "unknown key"} (uid ${first(info, "uid") || "?"})` };
    case "crypto_self_test_completed":
      return { tag, text: `Cryptographic self test ${ok ? "passed" : "FAILED"}` };
  }
  const details = Object.entries(info).map(([k, v]) => `${k}: ${str(v)}`);
  const scalar = r[tag] !== null && typeof r[tag] !== "object" ? str(r[tag]) : "";
  const what = known?.what ?? tag;
  return { tag, text: details.length ? `${what} (${details.join(", ")})` : scalar ? `${what}: ${scalar}` : what };
}

function heuristics(r: RecordData, emit: (f: Finding) => void): void {
  const tag = securityTag(r);
  if (!tag) return;
  const t = TAG_ALIASES[tag] ?? tag;
  const info = payload(r, tag);
  const when = (r.timestamp as string | null) ?? "";
  const at = when ? ` on ${when}` : "";
  const find = (level: Finding["level"], heuristic: string, message: string) => emit({ level, heuristic, message, record: r, eventTime: when });
  if (t === "cert_authority_installed" && succeeded(r[tag])) {
    find(
      "medium",
      "intrusion.cert_authority_installed",
      `A certificate authority was installed in the trusted store${at}: ${first(info, "subject") || "unknown subject"}. ` +
        `Whoever holds its key can read and alter the device's encrypted traffic. Check Settings → Security → ` +
        `Encryption & credentials → Trusted credentials (User tab) and remove any certificate the owner did not knowingly install.`,
    );
  } else if (t === "key_integrity_violation") {
    find(
      "medium",
      "intrusion.key_integrity_violation",
      `A cryptographic key failed its integrity check${at} (key ${first(info, "key_id", "alias") || "unknown"}, uid ${first(info, "uid") || "?"}): ` +
        `stored keys may have been tampered with. Note the app owning the uid and look for other signs of compromise around this time.`,
    );
  } else if (t === "wipe_failure") {
    find(
      "medium",
      "intrusion.wipe_failure",
      `The device failed to wipe itself or a user's data${at}. A wipe that was asked for (remotely or after failed unlock ` +
        `attempts) did not happen, so data may remain; find out who requested it and why.`,
    );
  } else if (t === "crypto_self_test_completed" && !succeeded(r[tag])) {
    find(
      "medium",
      "intrusion.crypto_self_test_failed",
      `The cryptographic self test failed${at}: the device's crypto module may be damaged or modified. Update the ` +
        `system and, if it recurs, have the device examined.`,
    );
  }
}

export const securityEvent = artifact({
  id: "security_event",
  platform: "android",
  timelineName: "SecurityEvent",
  description: "Android SecurityLog events from intrusion logs (ADB, app starts, unlocks, keys, certificates, packages…)",
  sources: [{ pathLike: "%" }],
  async *records(ctx) {
    const unknown = new Map<string, number>();
    for await (const e of intrusionEvents(ctx, "security_event")) {
      const r: RecordData = { ...e.data, timestamp: isoFromEpochAny(e.data.event_time) };
      const tag = securityTag(r);
      if (tag && !knownTag(tag)) unknown.set(tag, (unknown.get(tag) ?? 0) + 1);
      yield r;
    }
    if (unknown.size) {
      const list = [...unknown].sort(([a], [b]) => (a < b ? -1 : 1)).map(([t, n]) => `${t} (${n})`);
      ctx.warn(`unknown security event tag(s), kept as records: ${list.join(", ")}`);
    }
  },
  *observables(r): Iterable<Observable> {
    const tag = securityTag(r);
    if (!tag) return;
    const info = payload(r, tag);
    switch (TAG_ALIASES[tag] ?? tag) {
      case "app_process_start": {
        const proc = first(info, "process");
        if (proc) {
          const [pkg, ...rest] = proc.split(":");
          yield { type: "app_id", value: pkg };
          yield { type: "process", value: proc };
          for (const part of rest) if (part) yield { type: "app_id", value: part };
        }
        const sha = first(info, "sha256");
        if (/^[0-9a-fA-F]{64}$/.test(sha)) yield { type: "sha256", value: sha };
        break;
      }
      case "package_installed":
      case "package_updated":
      case "package_uninstalled": {
        const pkg = first(info, "package_name");
        if (pkg) yield { type: "app_id", value: pkg };
        break;
      }
      case "adb_shell_cmd": {
        for (const p of packageNames(first(info, "command") || str(r[tag]))) yield { type: "app_id", value: p };
        break;
      }
      case "adb_sync_recv_file":
      case "adb_sync_send_file": {
        const p = first(info, "path") || (typeof r[tag] === "string" ? (r[tag] as string) : "");
        if (p) yield { type: "file_path", value: p };
        break;
      }
    }
  },
  time: (r) => r.timestamp as string | null,
  timeline(r) {
    const { tag, text } = describeSecurityEvent(r);
    return event("SecurityEvent", r.timestamp as string | null, tag, text);
  },
  analyzer() {
    return { onRecord: heuristics };
  },
});
