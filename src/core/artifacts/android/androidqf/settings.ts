// Android settings (androidqf settings_<namespace>.txt: `key=value` lines of `settings list <namespace>`).
// One record per setting. Heuristic: settings that turn off Play Protect, APK verification, crash and
// security reporting, or turn accessibility services on.

import { artifact } from "../../module.js";
import type { Emit, RecordData } from "../../../types.js";
import { readText } from "./common.js";

interface DangerousSetting {
  key: string;
  safeValue: string;
  description: string;
  action: string;
}

const PROTECT = "Turn Google Play Protect back on (Play Store > Play Protect) and find out who turned it off.";
const REPORTS = "Usually harmless, but spyware operators turn reporting off to avoid crash traces: ask whether the user changed it.";

/** MVT's list (mvt/android/artifacts/settings.py) with what to do about each. */
export const DANGEROUS_SETTINGS: DangerousSetting[] = [
  { key: "verifier_verify_adb_installs", safeValue: "1", description: "disabled Google Play Services apps verification", action: "Apps installed over USB (adb) are no longer scanned: turn \"Verify apps over USB\" back on in the developer options." },
  { key: "package_verifier_enable", safeValue: "1", description: "disabled Google Play Protect", action: PROTECT },
  { key: "package_verifier_state", safeValue: "1", description: "disabled APK package verification", action: PROTECT },
  { key: "package_verifier_user_consent", safeValue: "1", description: "disabled Google Play Protect", action: PROTECT },
  { key: "upload_apk_enable", safeValue: "1", description: "disabled Google Play Protect", action: PROTECT },
  { key: "adb_install_need_confirm", safeValue: "1", description: "disabled confirmation of adb apps installation", action: "Apps can be installed over USB without confirmation: turn the confirmation back on and check the installed apps." },
  { key: "send_security_reports", safeValue: "1", description: "disabled sharing of security reports", action: REPORTS },
  { key: "samsung_errorlog_agree", safeValue: "1", description: "disabled sharing of crash logs with manufacturer", action: REPORTS },
  { key: "send_action_app_error", safeValue: "1", description: "disabled applications errors reports", action: REPORTS },
  { key: "accessibility_enabled", safeValue: "0", description: "enabled accessibility services", action: "Accessibility services can read the screen and act for the user: check which services are enabled (Settings > Accessibility) and turn off any the user does not rely on." },
];

const BY_KEY = new Map(DANGEROUS_SETTINGS.map((d) => [d.key, d]));

/** settings_secure.txt → "secure" (MVT: the text between the last "_" and ".txt"). */
export function settingsNamespace(path: string): string {
  const base = path.slice(path.lastIndexOf("/") + 1);
  return base.slice(base.lastIndexOf("_") + 1, base.length - 4);
}

/** `key=value` lines; a repeated key keeps its last value (as MVT's dictionary). */
export function parseSettings(text: string, namespace: string): RecordData[] {
  const values = new Map<string, string>();
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    const eq = line.indexOf("=");
    if (eq < 0) continue;
    values.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return [...values].map(([key, value]) => ({ namespace, key, value }));
}

export function checkSetting(r: RecordData, emit: Emit): void {
  const danger = BY_KEY.get(String(r.key));
  if (!danger || danger.safeValue === r.value) return;
  emit({
    level: "medium",
    heuristic: `aqf_settings.${danger.key}`,
    message: `Found suspicious "${r.namespace}" setting "${r.key} = ${r.value}" (${danger.description}). ${danger.action}`,
    record: { ...r, description: danger.description },
  });
}

export const aqfSettings = artifact({
  id: "aqf_settings",
  platform: "android",
  timelineName: "AQFSettings",
  description: "System, secure and global settings (settings_*.txt)",
  sources: [{ pathLike: "settings_%.txt" }],
  async *records(ctx) {
    for await (const file of ctx.files()) {
      if (file.path.includes("/")) continue; // only the collection's own settings files
      const text = await readText(ctx, file);
      if (text !== null) yield* parseSettings(text, settingsNamespace(file.path));
    }
  },
  analyzer: () => ({ onRecord: checkSetting }),
});
