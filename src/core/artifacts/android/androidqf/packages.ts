// Installed packages (androidqf packages.json): package name, installer, uid, flags, and for each APK file
// its hashes and signing certificate. Observables: app id, APK SHA-256, certificate MD5/SHA-1/SHA-256.

import { artifact } from "../../module.js";
import type { Emit, Observable, RecordData } from "../../../types.js";
import {
  BROWSER_INSTALLERS,
  ROOT_PACKAGES,
  PLAY_PROTECT,
  PLAY_PROTECT_NOTE,
  SECURITY_PACKAGES,
  SYSTEM_UPDATE_PACKAGES,
  THIRD_PARTY_STORE_INSTALLERS,
} from "../package-lists.js";
import { jsonFile } from "./common.js";

interface PackageFile {
  sha256?: unknown;
  certificate?: Record<string, unknown> | null;
}

function packageFiles(r: RecordData): PackageFile[] {
  return Array.isArray(r.files) ? (r.files.filter((f) => f && typeof f === "object") as PackageFile[]) : [];
}

/** androidqf writes the string "null" when the package manager has no installer; older files omit it. */
function hasNoInstaller(installer: unknown): boolean {
  return installer === "null" || installer === null || installer === undefined || installer === "";
}

export function checkPackage(r: RecordData, emit: Emit): void {
  const name = String(r.name ?? "");
  const installer = r.installer;
  if (ROOT_PACKAGES.has(name)) {
    emit({
      level: "medium",
      heuristic: "aqf_packages.root_package",
      message:
        `Found an installed package related to rooting/jailbreaking: "${name}". A rooted phone loses Android's ` +
        `protections and rooting tools are used to hide spyware: ask whether the user rooted the phone themselves.`,
      record: r,
    });
    return;
  }
  if (typeof installer === "string" && THIRD_PARTY_STORE_INSTALLERS.has(installer)) {
    emit({
      level: "info",
      heuristic: "aqf_packages.third_party_store",
      message:
        `Found a package installed via a third party store (installer="${installer}"): "${name}". ` +
        `Confirm the user installed the store and this app knowingly.`,
      record: r,
    });
  } else if (typeof installer === "string" && BROWSER_INSTALLERS.has(installer)) {
    emit({
      level: "medium",
      heuristic: "aqf_packages.browser_installer",
      message:
        `Found a package installed via a browser (installer="${installer}"): "${name}". Sideloaded APKs are the ` +
        `usual way Android spyware is planted: confirm the user installed it knowingly, otherwise uninstall it and ` +
        `examine the phone further.`,
      record: r,
    });
  } else if (hasNoInstaller(installer) && r.system === false) {
    emit({
      level: "medium",
      heuristic: "aqf_packages.no_installer",
      message:
        `Found a non-system package installed via adb or another method: "${name}". No store or installer ` +
        `recorded it: confirm the user knows this app, otherwise uninstall it and examine the phone further.`,
      record: r,
    });
  }
  if (r.disabled === true && SECURITY_PACKAGES.has(name)) {
    emit({
      level: "high",
      heuristic: "aqf_packages.security_disabled",
      message:
        `Security package "${name}" disabled on the phone. Re-enable it (Settings > Apps) and find out who ` +
        `disabled it: spyware operators turn off security agents.`,
      record: r,
    });
  }
  if (r.disabled === true && SYSTEM_UPDATE_PACKAGES.has(name)) {
    emit({
      level: "high",
      heuristic: "aqf_packages.update_disabled",
      message:
        `System OTA update package "${name}"${name === PLAY_PROTECT ? PLAY_PROTECT_NOTE : ""} disabled on the phone. Re-enable it and install pending updates: ` +
        `blocking updates keeps exploited vulnerabilities open.`,
      record: r,
    });
  }
}

export const aqfPackages = artifact({
  id: "aqf_packages",
  platform: "android",
  timelineName: "AQFPackages",
  description: "Installed packages with installer, APK hashes and signing certificates (packages.json)",
  sources: [{ rootPath: "packages.json" }],
  async *records(ctx) {
    for await (const file of ctx.files()) {
      let skipped = 0;
      for await (const batch of jsonFile(ctx, file)) {
        for (const p of batch) {
          if (p && typeof p === "object" && !Array.isArray(p) && typeof (p as RecordData).name === "string") yield p as RecordData;
          else skipped++;
        }
      }
      if (skipped) ctx.warn(`${file.path}: ${skipped} entries are not package objects and were skipped`);
    }
  },
  *observables(r): Iterable<Observable> {
    yield { type: "app_id", value: String(r.name) };
    for (const f of packageFiles(r)) {
      if (typeof f.sha256 === "string" && f.sha256) yield { type: "sha256", value: f.sha256 };
      const cert = f.certificate;
      if (!cert || typeof cert !== "object") continue;
      // androidqf writes the certificate hash keys capitalised.
      for (const k of ["Md5", "Sha1", "Sha256"]) {
        const v = cert[k];
        if (typeof v === "string" && v) yield { type: "app_cert", value: v };
      }
    }
  },
  analyzer: () => ({ onRecord: checkPackage }),
});
