// Exposure of an iOS device to spyware-exploited vulnerabilities: the iOS version and build (Info.plist
// Product Version / Build Version), app versions (Info.plist Applications → iTunesMetadata; apps named only in
// "Installed Applications" are reported with an unknown version) and Lockdown Mode (.GlobalPreferences.plist
// LDMGlobalEnabled), checked against the curated table (core/analysis/exposure.ts). On a filesystem dump the
// OS version comes from SystemVersion.plist and app versions from each app bundle's iTunesMetadata.plist.

import { artifact, type ModuleContext } from "../module.js";
import { parsePlist, isPlistDict } from "../../formats/plist.js";
import { assessExposure, type ExposureFacts } from "../../analysis/exposure.js";
import { exposureAnalyzer, exposureClaims, exposureRecords, type ExposureRecord } from "../exposure-records.js";
import { pyTruthy } from "./global-preferences.js";
import { errorText } from "../../util/errors.js";

const INFO_PLIST = { rootPath: "Info.plist" };
const GLOBAL_PREFERENCES = { domain: "HomeDomain", path: "Library/Preferences/.GlobalPreferences.plist" };
const SYSTEM_VERSION = { fsPath: "System/Library/CoreServices/SystemVersion.plist" };
const BUNDLE_METADATA = { fsPath: "private/var/containers/Bundle/Application/*/iTunesMetadata.plist" };

const str = (v: unknown): string | null => (typeof v === "string" && v.trim() ? v.trim() : null);

/** Version and name of one app from its iTunesMetadata (a plist stored as data inside Info.plist). */
function appFromMetadata(ctx: ModuleContext, filePath: string, id: string, app: unknown): ExposureFacts["apps"][number] {
  const meta = isPlistDict(app) ? app.iTunesMetadata : undefined;
  if (!(meta instanceof Uint8Array)) return { id, version: null };
  try {
    const m = parsePlist(meta);
    if (!isPlistDict(m)) throw new Error("iTunesMetadata is not a dictionary");
    return { id, name: str(m.itemName), version: str(m.bundleShortVersionString) ?? str(m.bundleVersion) };
  } catch (e) {
    ctx.gap(`${filePath}:Applications/${id}/iTunesMetadata`, errorText(e));
    return { id, version: null };
  }
}

async function lockdownMode(ctx: ModuleContext): Promise<boolean | null> {
  for await (const { value } of ctx.plists([GLOBAL_PREFERENCES])) {
    if (isPlistDict(value) && Object.prototype.hasOwnProperty.call(value, "LDMGlobalEnabled")) return pyTruthy(value.LDMGlobalEnabled);
  }
  return null;
}

/** A filesystem dump: SystemVersion.plist and the bundle containers' iTunesMetadata.plist. */
async function filesystemFacts(ctx: ModuleContext): Promise<ExposureFacts | null> {
  let os: ExposureFacts["os"] | null = null;
  for await (const { file, value } of ctx.plists([SYSTEM_VERSION])) {
    if (!isPlistDict(value)) {
      ctx.gap(file, "SystemVersion.plist does not hold a dictionary");
      continue;
    }
    const name = str(value.ProductName);
    // ProductName is "iPhone OS" on iPhones, "iPadOS" on iPads: enough to tell which fixes apply.
    const model = name === "iPhone OS" ? "iPhone" : name === "iPadOS" ? "iPad" : null;
    os = { name: name === "iPadOS" ? "iPadOS" : "iOS", version: str(value.ProductVersion), build: str(value.ProductBuildVersion), model };
  }
  const apps: ExposureFacts["apps"] = [];
  for await (const { value } of ctx.plists([BUNDLE_METADATA])) {
    const id = isPlistDict(value) ? str(value.softwareVersionBundleId) : null;
    if (id) apps.push({ id, name: str((value as Record<string, unknown>).itemName), version: str((value as Record<string, unknown>).bundleShortVersionString) ?? str((value as Record<string, unknown>).bundleVersion) });
  }
  if (!os && !apps.length) return null;
  const lockdown = await lockdownMode(ctx);
  return {
    platform: "ios",
    os: os ?? { name: "iOS", version: null, build: null, model: null },
    apps,
    lockdownMode: lockdown,
    sources: ["System/Library/CoreServices/SystemVersion.plist", "containers/Bundle/Application/*/iTunesMetadata.plist"],
  };
}

export async function iosExposureFacts(ctx: ModuleContext): Promise<ExposureFacts | null> {
  for await (const { file, value } of ctx.plists([INFO_PLIST])) {
    if (!isPlistDict(value)) {
      ctx.gap(file, "Info.plist does not hold a dictionary");
      continue;
    }
    const productType = str(value["Product Type"]);
    const apps = new Map<string, ExposureFacts["apps"][number]>();
    if (isPlistDict(value.Applications)) {
      for (const [id, app] of Object.entries(value.Applications)) apps.set(id, appFromMetadata(ctx, file.path, id, app));
    }
    if (Array.isArray(value["Installed Applications"])) {
      for (const id of value["Installed Applications"]) if (typeof id === "string" && !apps.has(id)) apps.set(id, { id, version: null });
    }
    const lockdown = await lockdownMode(ctx);
    return {
      platform: "ios",
      os: {
        name: productType?.startsWith("iPad") ? "iPadOS" : "iOS",
        version: str(value["Product Version"]),
        build: str(value["Build Version"]),
        model: productType,
      },
      apps: [...apps.values()],
      lockdownMode: lockdown,
      sources: ["Info.plist", ...(lockdown === null ? [] : ["HomeDomain/Library/Preferences/.GlobalPreferences.plist"])],
    };
  }
  return ctx.acquisition.kind === "ios-fs" ? filesystemFacts(ctx) : null;
}

export const iosExposure = artifact<ExposureRecord>({
  id: "exposure",
  platform: "ios",
  timelineName: "Exposure",
  description: "iOS and app versions still open to spyware-exploited vulnerabilities, with the fix and Lockdown Mode state",
  sources: [INFO_PLIST, GLOBAL_PREFERENCES, SYSTEM_VERSION, BUNDLE_METADATA],
  async *records(ctx) {
    const facts = await iosExposureFacts(ctx);
    if (facts) yield* exposureRecords(assessExposure(facts));
  },
  analyzer: exposureAnalyzer,
  claims: exposureClaims("ios"),
});
