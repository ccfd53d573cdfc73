// System properties (androidqf getprop.txt). Observables: property names (android-property indicators).
// Heuristic: a security patch level more than six months old.

import { artifact } from "../../module.js";
import { patchLevelCheck, withAcquiredAt } from "../parsers/getprop.js";
import { androidqfOf, parseGetprop } from "../../../formats/androidqf.js";
import { readText } from "./common.js";

export const aqfGetProp = artifact({
  id: "aqf_get_prop",
  platform: "android",
  timelineName: "AQFGetProp",
  description: "System properties: build, security patch level, time zone… (getprop.txt)",
  sources: [{ rootPath: "getprop.txt" }],
  async *records(ctx) {
    const acquired = ctx.acquisition.kind === "androidqf" ? await androidqfOf(ctx.acquisition).acquisitionTime() : null;
    for await (const file of ctx.files()) {
      const text = await readText(ctx, file);
      if (text === null) continue;
      for (const r of parseGetprop(text)) yield withAcquiredAt(r, acquired);
    }
  },
  *observables(r) {
    yield { type: "android_property", value: String(r.name) };
  },
  analyzer: () => ({ onRecord: patchLevelCheck("aqf_get_prop.old_security_patch") }),
});
