// Installed configuration profiles (profile-*.stub plists in the configurationprofiles system group):
// the full profile plist, its install date, and the payload types it carries.

import { artifact, event } from "../module.js";
import type { Observable, RecordData } from "../../types.js";
import { isoFromDate } from "../../util/time.js";
import { pyStr } from "../../util/py.js";
import { errorText } from "../../util/errors.js";

export const CONF_PROFILES_DOMAIN = "SysSharedContainerDomain-systemgroup.com.apple.configurationprofiles";

/** Payload types that can silence notifications — MVT highlights profiles carrying them. */
export const SUSPICIOUS_PAYLOAD_TYPES = ["com.apple.notificationsettings"];

const asDict = (v: unknown): Record<string, unknown> =>
  v && typeof v === "object" && !Array.isArray(v) && !(v instanceof Uint8Array) && !(v instanceof Date)
    ? (v as Record<string, unknown>)
    : {};


function firstPayload(plist: Record<string, unknown>): Record<string, unknown> {
  const content = plist.PayloadContent;
  return Array.isArray(content) && content.length ? asDict(content[0]) : {};
}

export const configurationProfiles = artifact({
  id: "configuration_profiles",
  platform: "ios",
  timelineName: "ConfigurationProfiles",
  description: "Installed configuration profiles (Library/ConfigurationProfiles/profile-*.stub)",
  sources: [{ domain: CONF_PROFILES_DOMAIN, pathLike: "%profile-%" }],
  async *records(ctx) {
    for await (const file of ctx.files()) {
      const rel = file.relativePath ?? "";
      const base = rel.slice(rel.lastIndexOf("/") + 1);
      if (!base.startsWith("profile-")) continue;
      let plist: Record<string, unknown> = {};
      try {
        plist = asDict(await ctx.plist(file));
      } catch (e) {
        // MVT keeps the profile with an empty plist; the unreadable file is also named in coverage.
        ctx.gap(file, `unreadable configuration profile: ${errorText(e)}`);
      }
      const installed = plist.InstallDate;
      const record: RecordData = {
        file_id: file.fileId,
        relative_path: file.relativePath,
        domain: file.domain,
        plist,
        install_date: installed instanceof Date ? isoFromDate(installed) : null,
      };
      yield record;
    }
  },
  *observables(r): Iterable<Observable> {
    const uuid = asDict(r.plist).PayloadUUID;
    if (typeof uuid === "string" && uuid) yield { type: "profile_id", value: uuid };
  },
  time: (r) => r.install_date as string | null,
  timeline(r) {
    const p = asDict(r.plist);
    return event(
      "ConfigurationProfiles",
      r.install_date as string | null,
      "configuration_profile_install",
      `${pyStr(p.PayloadType)} installed: ${pyStr(p.PayloadUUID)} - ${pyStr(p.PayloadDisplayName)}: ${pyStr(p.PayloadDescription)}`,
    );
  },
  analyzer() {
    return {
      onRecord(r, emit) {
        const p = asDict(r.plist);
        if (!p.PayloadUUID) return;
        const name = pyStr(p.PayloadDisplayName);
        const type = firstPayload(p).PayloadType;
        if (typeof type === "string" && SUSPICIOUS_PAYLOAD_TYPES.includes(type)) {
          emit({
            level: "medium",
            heuristic: "configuration_profiles.notification_settings",
            message:
              `Configuration profile "${name}" (${p.PayloadUUID}) carries a ${type} payload, which can hide ` +
              `notifications from the user. Check in Settings > General > VPN & Device Management whether the ` +
              `user installed it knowingly; remove it if not.`,
            record: r,
            eventTime: (r.install_date as string) ?? "",
          });
          return;
        }
        emit({
          level: "low",
          heuristic: "configuration_profiles.installed",
          message:
            `Configuration profile "${name}" (${p.PayloadUUID}, ${pyStr(type)}) is installed since ${pyStr(r.install_date)}. ` +
            `Profiles can install certificates, VPNs or MDM control: confirm the user or their organisation installed it.`,
          record: r,
          eventTime: (r.install_date as string) ?? "",
        });
      },
    };
  },
});
