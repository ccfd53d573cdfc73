// System properties from the dumpstate ("------ SYSTEM PROPERTIES"). Observables: property names
// (android-property indicators). Heuristic: a security patch level more than six months old when the
// bugreport was taken.

import { artifact } from "../../module.js";
import { GetpropParser, patchLevelCheck, withAcquiredAt, type Property } from "../parsers/getprop.js";
import { DUMPSTATE_SOURCE, sectionRecords } from "./common.js";
import { AndroidBugreport } from "../../../formats/android-bugreport.js";

type Rec = Property & { [k: string]: unknown };

export const getprop = artifact<Rec>({
  id: "getprop",
  platform: "android",
  timelineName: "DumpsysGetProp",
  description: "System properties: build, security patch level, time zone… (dumpstate SYSTEM PROPERTIES)",
  sources: DUMPSTATE_SOURCE,
  async *records(ctx) {
    const acquired = ctx.acquisition instanceof AndroidBugreport ? await ctx.acquisition.acquisitionTime() : null;
    for await (const r of sectionRecords(ctx, "SYSTEM PROPERTIES", new GetpropParser()) as AsyncIterable<Rec>) yield withAcquiredAt(r, acquired);
  },
  observables: (r) => [{ type: "android_property", value: r.name }],
  analyzer: () => ({ onRecord: patchLevelCheck("getprop.old_security_patch") }),
});
