// Broadcast receivers per intent (dumpsys package "Receiver Resolver Table"). Apps that receive SMS or call
// events are what stalkerware needs; MVT lists them, and so do the records here (one per intent × receiver).

import { artifact } from "../../module.js";
import { ResolverTableParser, SURVEILLANCE_INTENTS } from "../parsers/resolver-table.js";
import { appId, DUMPSTATE_SOURCE, sectionRecords } from "./common.js";

interface Rec {
  intent: string;
  package_name: string;
  receiver: string;
  /** What receiving this intent lets an app do, for the SMS/call intents MVT points out. */
  capability?: string;
  [k: string]: unknown;
}

export const dumpsysReceivers = artifact<Rec>({
  id: "dumpsys_receivers",
  platform: "android",
  timelineName: "DumpsysReceivers",
  description: "Broadcast receivers per intent, SMS and call monitoring among them (dumpsys package)",
  sources: DUMPSTATE_SOURCE,
  async *records(ctx) {
    for await (const e of sectionRecords(ctx, "package", new ResolverTableParser("Receiver Resolver Table:"))) {
      const capability = SURVEILLANCE_INTENTS[e.intent];
      yield { intent: e.intent, package_name: e.package_name, receiver: e.component, ...(capability ? { capability } : {}) };
    }
  },
  observables: (r) => appId(r.package_name),
});
