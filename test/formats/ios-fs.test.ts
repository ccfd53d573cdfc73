// The filesystem acquisition on its own, over an in-memory tar (the browser path: TarFsEvidence + MemorySpool):
// domain → folder mapping, containers by metadata plist, LIKE and glob specs, a dump rooted at var/, links.

import { describe, expect, it } from "vitest";
import { writeBinaryPlist } from "../../src/core/formats/bplist-writer.js";
import { CONTAINER_METADATA, globToRegExp, IosFilesystem, likeToRegExp, NotAFilesystemDumpError } from "../../src/core/formats/ios-fs.js";
import { MemorySpool, TarFsEvidence } from "../../src/core/formats/tar-fs.js";
import type { FileRef, FileSpec } from "../../src/core/artifacts/module.js";
import { tarFile, tarHeaders, TAR_END } from "../../src/node/generate/tar-writer.js";
import { concatBytes } from "../../src/core/util/bytes.js";

const text = (s: string) => new TextEncoder().encode(s);
const meta = (id: string) => writeBinaryPlist({ MCMMetadataIdentifier: id, MCMMetadataContentClass: 2 });

async function dumpOf(files: [string, Uint8Array | string][], links: [string, string][] = []) {
  const parts: Uint8Array[] = [];
  for (const [name, data] of files) parts.push(...tarFile(name, typeof data === "string" ? text(data) : data, 1_700_000_000));
  for (const [name, target] of links) parts.push(...tarHeaders({ name, flag: "2", linkName: target }));
  parts.push(TAR_END);
  const bytes = concatBytes(parts);
  const evidence = await TarFsEvidence.index({
    label: "dump.tar",
    spool: new MemorySpool(),
    open: async function* () {
      yield bytes;
    },
  });
  return { evidence, dump: await IosFilesystem.open(evidence) };
}

async function paths(dump: IosFilesystem, spec: FileSpec): Promise<FileRef[]> {
  const out: FileRef[] = [];
  for await (const f of dump.find(spec)) out.push(f);
  return out;
}

const APP = "private/var/mobile/Containers/Data/Application/0B5F6C3E-2D1A-4C8E-9E2B-111111111111";
const APP2 = "private/var/mobile/Containers/Data/Application/7D3E1A2B-5C4D-4E6F-8A9B-222222222222";
const GROUP = "private/var/mobile/Containers/Shared/AppGroup/9A8B7C6D-1111-2222-3333-444444444444";

describe("IosFilesystem", () => {
  it("maps fixed domains to their folders and app domains to the container named by its metadata plist", async () => {
    const { evidence, dump } = await dumpOf([
      ["private/var/mobile/Library/SMS/sms.db", "sms"],
      ["private/var/wireless/Library/Databases/DataUsage.sqlite", "du"],
      [`${APP}/${CONTAINER_METADATA}`, meta("com.google.chrome.ios")],
      [`${APP}/Library/Application Support/Google/Chrome/Default/History`, "h"],
      [`${APP2}/${CONTAINER_METADATA}`, meta("com.apple.mobilesafari")],
      [`${APP2}/Library/Safari/History.db`, "s"],
      [`${GROUP}/${CONTAINER_METADATA}`, meta("group.net.whatsapp.WhatsApp.shared")],
      [`${GROUP}/ChatStorage.sqlite`, "w"],
    ]);
    expect(await paths(dump, { domain: "HomeDomain", path: "Library/SMS/sms.db" })).toEqual([
      { path: "private/var/mobile/Library/SMS/sms.db", domain: "HomeDomain", relativePath: "Library/SMS/sms.db" },
    ]);
    expect((await paths(dump, { domain: "WirelessDomain", path: "Library/Databases/DataUsage.sqlite" }))[0].path).toBe(
      "private/var/wireless/Library/Databases/DataUsage.sqlite",
    );
    const chrome = await paths(dump, { domain: "AppDomain-com.google.chrome.ios", path: "Library/Application Support/Google/Chrome/Default/History" });
    expect(chrome.map((f) => f.path)).toEqual([`${APP}/Library/Application Support/Google/Chrome/Default/History`]);
    // Safari's History.db in any domain: only the Safari container has one.
    const safari = await paths(dump, { domainLike: "%", path: "Library/Safari/History.db" });
    expect(safari).toEqual([{ path: `${APP2}/Library/Safari/History.db`, domain: "AppDomain-com.apple.mobilesafari", relativePath: "Library/Safari/History.db" }]);
    const wa = await paths(dump, { domain: "AppDomainGroup-group.net.whatsapp.WhatsApp.shared", path: "ChatStorage.sqlite" });
    expect(wa[0].path).toBe(`${GROUP}/ChatStorage.sqlite`);
    expect(await paths(dump, { domain: "AppDomain-net.whatsapp.WhatsApp", path: "ChatStorage.sqlite" })).toEqual([]);
    // Backup-root files do not exist on a dump.
    expect(await paths(dump, { rootPath: "Info.plist" })).toEqual([]);
    // Reading goes through the spool: only what was extracted can be read, and it is hashed.
    await evidence.extract(["private/var/mobile/Library/SMS/sms.db"]);
    expect(new TextDecoder().decode(await evidence.read("private/var/mobile/Library/SMS/sms.db"))).toBe("sms");
    expect(evidence.hashes().get("private/var/mobile/Library/SMS/sms.db")).toBe("9582d03046bd2d14526cfc1129b03215052713cfdc859fd7aa5dbaa9a96f2f4a");
    await expect(evidence.read("private/var/wireless/Library/Databases/DataUsage.sqlite")).rejects.toThrow(/not extracted/);
  });

  it("resolves LIKE paths (case-insensitive below the literal folder, % across folders) and fsPath globs, folders with a trailing /", async () => {
    const { dump } = await dumpOf([
      [`${APP2}/${CONTAINER_METADATA}`, meta("com.apple.mobilesafari")],
      [`${APP2}/Library/Safari/Profiles/A1/History.db`, "1"],
      [`${APP2}/Library/Safari/Profiles/B2/History.db`, "2"],
      [`${APP2}/Library/Caches/com.apple.mobilesafari/Cache.db`, "c"],
      ["private/var/mobile/Library/Caches/com.apple.Maps/Cache.db", "c"],
      [`${APP}/${CONTAINER_METADATA}`, meta("com.burbn.instagram")],
      [`${APP}/Library/WebKit/WebsiteData/LocalStorage/https_example.org_0.localstorage`, "x"],
      ["private/var/Keychains/Analytics/trust_analytics.db", "a"],
      ["private/var/Keychains/Analytics/notes.txt", "n"],
    ]);
    const profiles = await paths(dump, { domainLike: "%", pathLike: "Library/Safari/Profiles/%/HISTORY.DB" });
    expect(profiles.map((f) => f.relativePath)).toEqual(["Library/Safari/Profiles/A1/History.db", "Library/Safari/Profiles/B2/History.db"]);
    expect((await paths(dump, { domain: "KeychainDomain", pathLike: "Analytics/%.db" })).map((f) => f.path)).toEqual([
      "private/var/Keychains/Analytics/trust_analytics.db",
    ]);
    expect((await paths(dump, { fsPath: "**/Cache.db" })).map((f) => f.path).sort()).toEqual([
      `${APP2}/Library/Caches/com.apple.mobilesafari/Cache.db`,
      "private/var/mobile/Library/Caches/com.apple.Maps/Cache.db",
    ]);
    expect(await paths(dump, { fsPath: "private/var/mobile/Containers/Data/Application/*/Library/WebKit/WebsiteData/LocalStorage/" })).toEqual([
      { path: `${APP}/Library/WebKit/WebsiteData/LocalStorage` },
    ]);
    expect(likeToRegExp("Analytics/%.db").test("analytics/x/y.db")).toBe(true);
    expect(likeToRegExp("shutdown._.log").test("shutdown.1.log")).toBe(true);
    expect(globToRegExp("a/*/c").test("a/b/x/c")).toBe(false);
    expect(globToRegExp("**/Cache.db").test("Cache.db")).toBe(true);
  });

  it("searches a container without readable metadata for every domain of its kind, and warns", async () => {
    const { dump } = await dumpOf([
      [`${GROUP}/${CONTAINER_METADATA}`, "not a plist"],
      [`${GROUP}/ChatStorage.sqlite`, "w"],
    ]);
    const found = await paths(dump, { domain: "AppDomainGroup-group.net.whatsapp.WhatsApp.shared", path: "ChatStorage.sqlite" });
    expect(found).toEqual([{ path: `${GROUP}/ChatStorage.sqlite`, domain: "AppDomainGroup-*", relativePath: "ChatStorage.sqlite" }]);
    expect(await paths(dump, { domain: "AppDomain-net.whatsapp.WhatsApp", path: "ChatStorage.sqlite" })).toEqual([]);
    expect(dump.warnings()[0]).toContain(`${GROUP}/${CONTAINER_METADATA}`);
  });

  it("takes a dump rooted at var/ and lists links without resolving them", async () => {
    const { dump } = await dumpOf([["var/mobile/Library/TCC/TCC.db", "t"]], [["var/mobile/Library/SMS", "/etc"]]);
    expect(dump.varRoot).toBe("var");
    expect((await paths(dump, { domain: "HomeDomain", path: "Library/TCC/TCC.db" }))[0].path).toBe("var/mobile/Library/TCC/TCC.db");
    expect(await paths(dump, { domain: "HomeDomain", path: "Library/SMS/sms.db" })).toEqual([]);
    const entries = [];
    for await (const e of dump.walk()) entries.push(`${e.type} ${e.path}`);
    expect(entries).toContain("symlink var/mobile/Library/SMS");
    expect(entries).toContain("file var/mobile/Library/TCC/TCC.db");
  });

  it("refuses an archive that holds no iOS filesystem", async () => {
    await expect(dumpOf([["Documents/readme.txt", "x"]])).rejects.toThrow(NotAFilesystemDumpError);
  });
});
