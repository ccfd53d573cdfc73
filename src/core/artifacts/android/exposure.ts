// Exposure of an Android phone to spyware-exploited vulnerabilities: the Android release and security patch
// level (getprop ro.build.version.release / ro.build.version.security_patch), app versions (dumpsys package
// versionName; apps androidqf's packages.json lists without one are reported with an unknown version) and
// Advanced Protection (settings secure advanced_protection_mode), checked against the curated table.
// Reads an androidqf collection (getprop.txt, dumpsys.txt, packages.json, settings_secure.txt) or a bugreport
// (the dumpstate's SYSTEM PROPERTIES and "DUMP OF SERVICE package" sections).

import { artifact, type FileRef, type ModuleContext } from "../module.js";
import { assessExposure, type ExposureFacts } from "../../analysis/exposure.js";
import { EXPOSURE_DATA } from "../../analysis/exposure-data.js";
import { exposureAnalyzer, exposureClaims, exposureRecords, type ExposureRecord } from "../exposure-records.js";
import { DUMPSTATE } from "../../formats/android-bugreport.js";
import { GetpropParser, parseGetpropLine } from "./parsers/getprop.js";
import { sectionRecords } from "./bugreport/common.js";
import { dumpsysSection, parseBatches, textLines } from "./parsers/lines.js";
import { longLineProblem } from "../../util/line-batches.js";
import { DumpsysPackagesParser } from "./parsers/packages.js";
import { jsonElements } from "../../formats/json-stream.js";
import { errorText } from "../../util/errors.js";

const GETPROP = { rootPath: "getprop.txt" };
const DUMPSYS = { rootPath: "dumpsys.txt" };
const PACKAGES = { rootPath: "packages.json" };
const SETTINGS_SECURE = { rootPath: "settings_secure.txt" };
const BUGREPORT_DUMPSTATE = { rootPath: DUMPSTATE };

/** Package names the table has rows for (WhatsApp, WhatsApp Business…). */
function listedAppIds(): Set<string> {
  const ids = new Set<string>();
  for (const p of Object.values(EXPOSURE_DATA.products)) if (p.platform === "android") for (const id of p.appIds ?? []) ids.add(id);
  return ids;
}

/** getprop.txt and settings files are small; anything bigger is not one of them. */
const MAX_TEXT = 16 * 1024 * 1024;

async function readText(ctx: ModuleContext, file: FileRef): Promise<string | null> {
  try {
    return new TextDecoder("utf-8").decode(await ctx.evidence.read(file.path, { maxBytes: MAX_TEXT }));
  } catch (e) {
    ctx.gap(file, errorText(e));
    return null;
  }
}

async function properties(ctx: ModuleContext): Promise<Map<string, string> | null> {
  for await (const file of ctx.files([GETPROP])) {
    const text = await readText(ctx, file);
    if (text === null) continue;
    const props = new Map<string, string>();
    for (const line of text.split("\n")) {
      const p = parseGetpropLine(line);
      if (p) props.set(p.name, p.value);
    }
    return props;
  }
  return null;
}

/** versionName of each listed app from the package service's dump (streamed; stops after its section). */
async function dumpsysVersions(ctx: ModuleContext, wanted: Set<string>, into: Map<string, string | null>): Promise<void> {
  for await (const file of ctx.files([DUMPSYS])) {
    try {
      const section = dumpsysSection(
        // A dropped line may have held a version: a gap, so coverage says it is incomplete.
        textLines(ctx.evidence.stream(file.path), (n) => ctx.gap(file, longLineProblem(`line ${n}`))),
        "package",
      );
      for await (const pkg of parseBatches(section, new DumpsysPackagesParser((name) => wanted.has(name)))) {
        if (wanted.has(pkg.package_name)) into.set(pkg.package_name, pkg.version_name || null);
      }
    } catch (e) {
      ctx.gap(file, `dumpsys package section unreadable: ${errorText(e)}`);
    }
  }
}

/** Listed apps that packages.json says are installed (it records no version). */
async function installedWithoutVersion(ctx: ModuleContext, wanted: Set<string>, into: Map<string, string | null>): Promise<void> {
  for await (const file of ctx.files([PACKAGES])) {
    try {
      for await (const p of jsonElements(ctx.evidence.stream(file.path))) {
        const name = p && typeof p === "object" ? (p as { name?: unknown }).name : undefined;
        if (typeof name === "string" && wanted.has(name) && !into.has(name)) into.set(name, null);
      }
    } catch (e) {
      ctx.gap(file, `packages.json unreadable: ${errorText(e)}`);
    }
  }
}

async function advancedProtection(ctx: ModuleContext): Promise<boolean | null> {
  for await (const file of ctx.files([SETTINGS_SECURE])) {
    const text = await readText(ctx, file);
    const m = text === null ? null : /^advanced_protection_mode=(\S*)\s*$/m.exec(text);
    if (m) return m[1] === "1";
  }
  return null;
}

/** Whether the acquisition holds any file the module reads (then unread versions are reported unknown). */
async function anySource(ctx: ModuleContext): Promise<boolean> {
  for await (const _ of ctx.files()) return true;
  return false;
}

/** The same facts from a bugreport's dumpstate sections. */
async function bugreportFacts(ctx: ModuleContext, wanted: Set<string>, versions: Map<string, string | null>): Promise<Map<string, string> | null> {
  let props: Map<string, string> | null = null;
  for await (const p of sectionRecords(ctx, "SYSTEM PROPERTIES", new GetpropParser())) (props ??= new Map()).set(p.name, p.value);
  for await (const pkg of sectionRecords(ctx, "package", new DumpsysPackagesParser((name) => wanted.has(name)))) {
    if (wanted.has(pkg.package_name)) versions.set(pkg.package_name, pkg.version_name || null);
  }
  return props;
}

export async function androidExposureFacts(ctx: ModuleContext): Promise<ExposureFacts | null> {
  const wanted = listedAppIds();
  const versions = new Map<string, string | null>();
  const bugreport = ctx.acquisition.kind === "android_bugreport";
  let props: Map<string, string> | null;
  if (bugreport) {
    props = await bugreportFacts(ctx, wanted, versions);
  } else {
    props = await properties(ctx);
    await dumpsysVersions(ctx, wanted, versions);
    await installedWithoutVersion(ctx, wanted, versions);
  }
  if (!props && !versions.size && !(await anySource(ctx))) return null;
  const protection = bugreport ? null : await advancedProtection(ctx);
  const model = [props?.get("ro.product.manufacturer"), props?.get("ro.product.model")].filter(Boolean).join(" ");
  return {
    platform: "android",
    os: {
      name: "Android",
      version: props?.get("ro.build.version.release") ?? null,
      build: props?.get("ro.build.display.id") ?? props?.get("ro.build.fingerprint") ?? null,
      securityPatch: props?.get("ro.build.version.security_patch") ?? null,
      model: model || null,
    },
    apps: [...versions].map(([id, version]) => ({ id, version })),
    advancedProtection: protection,
    sources: bugreport ? ["dumpstate"] : ["getprop.txt", "dumpsys.txt", "packages.json", "settings_secure.txt"],
  };
}

export const androidExposure = artifact<ExposureRecord>({
  id: "exposure",
  platform: "android",
  timelineName: "Exposure",
  description: "Android security patch level and app versions still open to spyware-exploited vulnerabilities, with the fix",
  sources: [GETPROP, DUMPSYS, PACKAGES, SETTINGS_SECURE, BUGREPORT_DUMPSTATE],
  async *records(ctx) {
    const facts = await androidExposureFacts(ctx);
    if (facts) yield* exposureRecords(assessExposure(facts));
  },
  analyzer: exposureAnalyzer,
  claims: exposureClaims("android"),
});
