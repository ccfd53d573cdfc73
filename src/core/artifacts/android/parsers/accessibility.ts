// `dumpsys accessibility`: installed services (older Android: "installed services: {" … "}") and enabled
// services (Android 14+: "Enabled services:{{pkg/service}, …}").

import { LineParser } from "./lines.js";

export interface AccessibilityService {
  package_name: string;
  service: string;
  /** "installed" (listed as installed) or "enabled" (listed as enabled). */
  state: "installed" | "enabled";
  [k: string]: unknown;
}

export class AccessibilityParser extends LineParser<AccessibilityService> {
  private inInstalled = false;
  private installedDone = false;
  private inEnabledBlock = false;

  line(line: string): void {
    const t = line.trim();
    if (!this.installedDone) {
      if (t.startsWith("installed services:")) {
        this.inInstalled = true;
        return;
      }
      if (this.inInstalled) {
        if (t === "}") {
          this.inInstalled = false;
          this.installedDone = true;
          return;
        }
        const colon = line.indexOf(":");
        if (colon >= 0) {
          const service = line.slice(colon + 1).split(":", 1)[0].trim();
          this.out.push({ package_name: service.split("/")[0], service, state: "installed" });
        }
        return;
      }
    }
    if (t.startsWith("enabled services:") && t.endsWith("{")) {
      // Older Android lists enabled services in a block like the installed ones.
      this.inEnabledBlock = true;
      return;
    }
    if (this.inEnabledBlock) {
      if (t === "}") this.inEnabledBlock = false;
      else {
        const service = t.slice(t.indexOf(":") + 1).trim();
        if (service) this.out.push({ package_name: service.split("/")[0], service, state: "enabled" });
      }
      return;
    }
    if (t.startsWith("Enabled services:")) {
      for (const m of t.matchAll(/\{([^{]+?)\}/g)) {
        const slash = m[1].indexOf("/");
        this.out.push({
          package_name: slash >= 0 ? m[1].slice(0, slash) : m[1],
          service: slash >= 0 ? m[1].slice(slash + 1) : "",
          state: "enabled",
        });
      }
    }
  }
}
