// Activities per intent (dumpsys package "Activity Resolver Table"): which app handles which action.

import { artifact } from "../../module.js";
import { ResolverTableParser } from "../parsers/resolver-table.js";
import { appId, DUMPSTATE_SOURCE, sectionRecords } from "./common.js";

interface Rec {
  intent: string;
  package_name: string;
  activity: string;
  [k: string]: unknown;
}

export const dumpsysActivities = artifact<Rec>({
  id: "dumpsys_activities",
  platform: "android",
  timelineName: "DumpsysActivities",
  description: "Activities per intent (dumpsys package activity resolver table)",
  sources: DUMPSTATE_SOURCE,
  async *records(ctx) {
    for await (const e of sectionRecords(ctx, "package", new ResolverTableParser("Activity Resolver Table:"))) {
      yield { intent: e.intent, package_name: e.package_name, activity: e.component };
    }
  },
  observables: (r) => appId(r.package_name),
});
