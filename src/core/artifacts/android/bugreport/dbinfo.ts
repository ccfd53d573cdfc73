// Recent SQL operations per database (dumpsys dbinfo). Observables: each part of the database path, as
// app ids (MVT's check: an app's data folder carries its package name).

import { artifact } from "../../module.js";
import type { Observable } from "../../../types.js";
import { DbinfoParser, type DbinfoOperation } from "../parsers/dbinfo.js";
import { DUMPSTATE_SOURCE, sectionRecords } from "./common.js";

export const dumpsysDbinfo = artifact<DbinfoOperation>({
  id: "dumpsys_dbinfo",
  platform: "android",
  timelineName: "DumpsysDBInfo",
  description: "Recently executed SQL operations per database (dumpsys dbinfo)",
  sources: DUMPSTATE_SOURCE,
  records: (ctx) => sectionRecords(ctx, "dbinfo", new DbinfoParser()),
  *observables(r): Iterable<Observable> {
    for (const part of r.path.split("/")) if (part) yield { type: "app_id", value: part };
  },
});
