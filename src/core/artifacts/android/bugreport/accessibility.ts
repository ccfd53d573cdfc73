// Accessibility services (dumpsys accessibility). An accessibility service can read the screen and act for
// the user, which is why stalkerware and banking trojans ask for it: every enabled one is reported.

import { artifact } from "../../module.js";
import type { Emit } from "../../../types.js";
import { AccessibilityParser, type AccessibilityService } from "../parsers/accessibility.js";
import { appId, DUMPSTATE_SOURCE, sectionRecords } from "./common.js";

export function checkAccessibility(r: AccessibilityService, emit: Emit): void {
  if (r.state !== "enabled") return;
  emit({
    level: "medium",
    heuristic: "dumpsys_accessibility.enabled_service",
    message:
      `Accessibility service "${r.service}" of package "${r.package_name}" is enabled: it can read everything on screen and ` +
      `act for the user. Make sure the owner knows this app and needs it; otherwise turn it off in Settings › Accessibility and uninstall the app.`,
    record: r,
  });
}

export const dumpsysAccessibility = artifact<AccessibilityService>({
  id: "dumpsys_accessibility",
  platform: "android",
  timelineName: "DumpsysAccessibility",
  description: "Installed and enabled accessibility services (dumpsys accessibility)",
  sources: DUMPSTATE_SOURCE,
  records: (ctx) => sectionRecords(ctx, "accessibility", new AccessibilityParser()),
  observables: (r) => appId(r.package_name),
  analyzer: () => ({ onRecord: checkAccessibility }),
});
