// check-fs end to end on a generated iOS filesystem dump (real schemas, public Pegasus indicators planted):
// every planted value is found by the module that reads it, backup modules run on their filesystem paths,
// records carry the real values, the evidence is untouched.

import { mkdtempSync, readFileSync, existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCheckFs } from "../../src/node/check-fs.js";
import type { CheckResult } from "../../src/node/run-check.js";
import { generateIosFilesystem, type GenerateFsResult } from "../../src/node/generate/ios-fs.js";
import type { Detection } from "../../src/core/types.js";
import { hashTree } from "../helpers/hash.js";

const readJson = (p: string) => JSON.parse(readFileSync(p, "utf8"));

describe("check-fs on a generated filesystem dump", () => {
  let gen: GenerateFsResult;
  let result: CheckResult;
  let out: string;
  let before: Map<string, string>;
  const hits = (module: string) => result.summary.detections.filter((d) => d.module === module);
  const byIndicator = (module: string, value: string): Detection | undefined =>
    hits(module).find((d) => d.match?.indicator.value === value);

  beforeAll(async () => {
    const base = mkdtempSync(path.join(os.tmpdir(), "spyscope-fs-"));
    gen = await generateIosFilesystem({ dir: path.join(base, "dump"), seed: 7, rows: 200, fillerPaths: 2000 });
    before = hashTree(gen.dir);
    out = path.join(base, "out");
    result = await runCheckFs({ target: gen.dir, output: out, quiet: true });
  }, 120_000);

  it("finds the planted binary in the roleaccountd staging folder by its process-name path component", () => {
    const process0 = gen.plant!.processes[0];
    const d = byIndicator("filesystem", process0)!;
    expect(d).toBeTruthy();
    expect(d.level).toBe("critical");
    expect((d.record as any).path).toBe(gen.planted.stagingBinary);
    expect(d.match!.indicator.kind).toBe("processes");
    expect((d.record as any).modified).toBe("2023-11-13 22:13:20.000000");
  });

  it("finds a file-name indicator anywhere in the dump", () => {
    const d = byIndicator("filesystem", "roleaccountd.plist")!;
    expect(d.match!.indicator.kind).toBe("file_names");
    expect((d.record as any).path).toBe(gen.planted.fileNameHit);
  });

  it("reads every Cache.db and matches its URLs", () => {
    const domain = gen.plant!.domains[0];
    const d = byIndicator("cache_files", domain)!;
    expect((d.record as any).url).toBe(gen.planted.cacheUrl);
    expect((d.record as any).cache_file).toMatch(/^private\/var\/mobile\/Containers\/Data\/Application\/[0-9A-F-]{36}\/Library\/Caches\/com\.burbn\.instagram\/Cache\.db$/);
    expect((d.record as any).isodate).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.000000$/);
  });

  it("matches Safari favicons, WebKit LocalStorage and SafariViewService origins", () => {
    const domain = gen.plant!.domains[0];
    const fav = byIndicator("safari_favicon", domain)!;
    expect((fav.record as any).url).toBe(gen.planted.faviconUrl);
    expect((fav.record as any).type).toBe("rejected");
    const ls = byIndicator("webkit_local_storage", domain)!;
    expect((ls.record as any).url).toBe(gen.planted.localStorageOrigin);
    expect((ls.record as any).folder).toMatch(/Library\/WebKit\/WebsiteData\/LocalStorage$/);
    expect(byIndicator("webkit_safari_view_service", domain)).toBeTruthy();
    expect(result.summary.coverage.find((c) => c.module === "webkit_indexeddb")!.records).toBe(3);
  });

  it("matches process names inside keychain analytics events and reads the builds they were recorded under", () => {
    const d = byIndicator("analytics", gen.planted.analyticsProcess!)!;
    expect((d.record as any).process).toBe(gen.planted.analyticsProcess);
    expect((d.record as any).artifact).toBe("trust_analytics.db");
    const versions = readJson(path.join(out, "analytics_ios_versions.json"));
    expect(versions.map((v: any) => v.build)).toEqual(gen.builds);
  });

  it("reads the iOS version history from the analytics journals, in UTC", () => {
    const history = readJson(path.join(out, "ios_version_history.json"));
    expect(history.map((h: any) => h.os_version)).toEqual(["iPhone OS 16.5 (20F66)", "iPhone OS 16.6 (20G75)", "iPhone OS 16.7.2 (20H19)"]);
    // The first journal says "2023-07-18 00:13:20.00 +0200".
    expect(history[0].isodate).toBe("2023-07-17 22:13:20.000000");
  });

  it("reads shutdown.log with the sysdiagnose parser: the staging-folder client matched by path component", () => {
    const process0 = gen.plant!.processes[0];
    const d = byIndicator("shutdown_log", process0)!;
    expect((d.record as any).client).toBe(gen.planted.shutdownClient);
    expect((d.record as any).pid).toBe(4242);
    expect((d.record as any).isodate).toBe("2023-10-31 22:13:20.000000");
    const records = readJson(path.join(out, "shutdown_log.json"));
    expect(records.length).toBe(7);
    // nsurlsessiond held up all three shutdowns: an Apple binary, so low.
    const delayed = hits("shutdown_log").find((x) => x.heuristic === "delayed_shutdown")!;
    expect(delayed.level).toBe("low");
  });

  it("reads netusage.sqlite: planted process matched, a bundle-less process without binary flagged, others not", () => {
    const [process0, process1] = gen.plant!.processes;
    expect(byIndicator("netusage", process0)).toBeTruthy();
    // process0's binary is in the staging folder and the daemons' in usr/libexec: only process1 has none.
    const missing = hits("netusage").filter((d) => d.heuristic === "netusage.binary_not_found");
    expect(missing.map((d) => (d.record as any).proc_name)).toEqual([process1]);
    expect(missing[0].level).toBe("medium");
  });

  it("runs the backup modules on their filesystem paths, app containers found by their metadata plist", () => {
    const cov = new Map(result.summary.coverage.map((c) => [c.module, c]));
    for (const id of ["sms", "calls", "contacts", "tcc", "datausage", "safari_history", "safari_browser_state", "chrome_history",
      "firefox_history", "whatsapp", "whatsapp_contacts", "interaction_c", "locationd_clients", "shortcuts", "calendar",
      "webkit_resource_load_statistics", "webkit_session_resource_log", "configuration_profiles", "profile_events"]) {
      expect(cov.get(id)?.status, id).toBe("ran");
      expect(cov.get(id)!.records, id).toBeGreaterThan(0);
    }
    // Applications from each bundle's iTunesMetadata.plist; the planted sideloaded app is matched and flagged.
    const apps = readJson(path.join(out, "applications.json"));
    expect(apps.map((a: any) => a.softwareVersionBundleId)).toContain("net.whatsapp.WhatsApp");
    expect(apps.every((a: any) => /^private\/var\/containers\/Bundle\/Application\/[0-9A-F-]{36}\/iTunesMetadata\.plist$/.test(a.file_path))).toBe(true);
    expect(byIndicator("applications", gen.plant!.processes[0])).toBeTruthy();
    expect(hits("applications").some((d) => d.heuristic === "applications.not_from_app_store" && (d.record as any).sourceApp === "com.apple.TestFlight.enterprise")).toBe(true);
    expect(cov.has("backup_info")).toBe(false);
    expect(cov.has("manifest")).toBe(false);
    expect(hits("sms").some((d) => d.match?.indicator.kind === "domains")).toBe(true);
    expect(hits("whatsapp").length).toBeGreaterThan(0);
    // observations.db of two app containers (Safari and Chrome) resolved through their metadata plists.
    const wrls = readJson(path.join(out, "webkit_resource_load_statistics.json"));
    expect(new Set(wrls.map((r: any) => r.domain))).toEqual(new Set(["AppDomain-com.apple.mobilesafari", "AppDomain-com.google.chrome.ios"]));
  });

  it("writes MVT's layout with complete coverage and the hashes of what it read, evidence untouched", () => {
    for (const f of ["filesystem.json", "filesystem_detected.json", "cache_files.json", "timeline.csv", "alerts.json", "info.json"]) {
      expect(existsSync(path.join(out, f)), f).toBe(true);
    }
    const info = readJson(path.join(out, "info.json"));
    expect(info.acquisition).toBe("ios-fs");
    expect(info.coverage.complete).toBe(true);
    expect(Object.keys(info.input_files)).toContain("private/var/mobile/Library/SMS/sms.db");
    const fsRecords = readJson(path.join(out, "filesystem.json"));
    expect(fsRecords.length).toBeGreaterThan(2000);
    expect(result.exitCode).toBe(1);
    const after = hashTree(gen.dir);
    expect([...after.keys()]).toEqual([...before.keys()]);
    for (const [f, h] of before) expect(after.get(f), f).toBe(h);
  });
});
