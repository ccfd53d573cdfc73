// System properties from the dumpstate ("------ SYSTEM PROPERTIES"). Observables: property names
// (android-property indicators). Heuristic: a security patch level more than six months old.

import { artifact } from "../../module.js";
import type { Emit } from "../../../types.js";
import { GetpropParser, PATCH_AGE_DAYS, patchAgeDays, type Property } from "../parsers/getprop.js";
import { DUMPSTATE_SOURCE, sectionRecords } from "./common.js";

type Rec = Property & { [k: string]: unknown };

export function checkSecurityPatch(now: number): (r: Rec, emit: Emit) => void {
  return (r, emit) => {
    if (r.name !== "ro.build.version.security_patch") return;
    const age = patchAgeDays(r.value, now);
    if (age === null || age <= PATCH_AGE_DAYS) return;
    emit({
      level: "medium",
      heuristic: "getprop.old_security_patch",
      message:
        `This phone has not received security updates for more than six months (last update: ${r.value}). ` +
        `Install the latest system update, or replace the phone if it gets no more updates: known exploits work on it.`,
      record: r,
    });
  };
}

export const getprop = artifact<Rec>({
  id: "getprop",
  platform: "android",
  timelineName: "DumpsysGetProp",
  description: "System properties: build, security patch level, time zone… (dumpstate SYSTEM PROPERTIES)",
  sources: DUMPSTATE_SOURCE,
  records: (ctx) => sectionRecords(ctx, "SYSTEM PROPERTIES", new GetpropParser()) as AsyncIterable<Rec>,
  observables: (r) => [{ type: "android_property", value: r.name }],
  analyzer: () => ({ onRecord: checkSecurityPatch(Date.now()) }),
});
