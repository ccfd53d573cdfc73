// Device and backup description from the backup's Info.plist (MVT's BackupInfo: one JSON object).
// Manifest.plist and Status.plist are checked for readability only; MVT's record keeps Info.plist's fields.

import { artifact } from "../module.js";
import { parsePlist, isPlistDict } from "../../formats/plist.js";
import type { RecordData } from "../../types.js";
import { binaryPlistDates, mvtPlistValue } from "./global-preferences.js";
import { errorText } from "../../util/errors.js";

/** Info.plist keys MVT reports, in its order (absent ones are null). */
export const BACKUP_INFO_FIELDS = [
  "Build Version",
  "Device Name",
  "Display Name",
  "GUID",
  "ICCID",
  "IMEI",
  "MEID",
  "Installed Applications",
  "Last Backup Date",
  "Phone Number",
  "Product Name",
  "Product Type",
  "Product Version",
  "Serial Number",
  "Target Identifier",
  "Target Type",
  "Unique Identifier",
  "iTunes Version",
] as const;

export const backupInfo = artifact({
  id: "backup_info",
  platform: "ios",
  timelineName: "BackupInfo",
  description: "Device and backup details from Info.plist (model, iOS version, serial, installed apps, backup date)",
  sources: [{ rootPath: "Info.plist" }],
  output: "object",
  async *records(ctx) {
    for await (const file of ctx.files()) {
      let bytes: Uint8Array;
      let info: unknown;
      try {
        bytes = await ctx.evidence.read(file.path);
        info = parsePlist(bytes);
      } catch (e) {
        throw new Error(`Info.plist is not a readable property list (${errorText(e)}): cannot describe the device`);
      }
      if (!isPlistDict(info)) throw new Error("Info.plist does not hold a dictionary: cannot describe the device");
      const dates = binaryPlistDates(bytes);
      const record: RecordData = {};
      for (const field of BACKUP_INFO_FIELDS) {
        record[field] = Object.prototype.hasOwnProperty.call(info, field) ? mvtPlistValue(info[field], dates) : null;
      }
      for (const name of ["Manifest.plist", "Status.plist"]) {
        for await (const other of ctx.files([{ rootPath: name }])) {
          try {
            const v = parsePlist(await ctx.evidence.read(other.path));
            if (!isPlistDict(v)) ctx.gap(other, `${name} does not hold a dictionary`);
            else if (name === "Status.plist" && v.IsFullBackup === false) ctx.warn("Status.plist says this is not a full backup: some artifacts may be missing");
          } catch (e) {
            ctx.gap(other, `${name} is not a readable property list: ${errorText(e)}`);
          }
        }
      }
      yield record;
    }
  },
});
