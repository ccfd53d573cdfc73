import { afterAll, describe, expect, it } from "vitest";
import { IosBackup } from "../../src/core/formats/ios-backup.js";
import type { FileRef, FileSpec } from "../../src/core/artifacts/module.js";
import { DirectoryEvidence } from "../../src/node/evidence-dir.js";
import { NodeSqliteOpener } from "../../src/node/sqlite.js";
import { IOS_BACKUP } from "../helpers/scan.js";

describe("IosBackup.find on MVT's fixture backup", () => {
  const sqlite = new NodeSqliteOpener();
  let backup: IosBackup;
  afterAll(() => {
    backup?.close();
    sqlite.dispose();
  });
  const all = async (spec: FileSpec) => {
    backup ??= await IosBackup.open(await DirectoryEvidence.open(IOS_BACKUP), sqlite);
    const out: FileRef[] = [];
    for await (const f of backup.find(spec)) out.push(f);
    return out;
  };

  it("resolves a domain and path to the hashed file", async () => {
    const [sms, ...rest] = await all({ domain: "HomeDomain", path: "Library/SMS/sms.db" });
    expect(rest).toHaveLength(0);
    expect(sms).toMatchObject({ fileId: "3d0d7e5fb2ce288813306e4d4636395e047a3d28", path: "3d/3d0d7e5fb2ce288813306e4d4636395e047a3d28" });
  });

  it("finds nothing for a spec that only names a filesystem-dump path (not every file of the backup)", async () => {
    expect(await all({ fsPath: "private/var/mobile/Library/SMS/sms.db" })).toEqual([]);
  });
});
