// `dumpsys package` resolver tables: which components handle which intents ("Receiver Resolver Table:" and
// "Activity Resolver Table:", their "Non-Data Actions:" part, up to its first blank line).

import { LineParser } from "./lines.js";

export interface ResolverEntry {
  intent: string;
  package_name: string;
  /** The component ("pkg/.Class"). */
  component: string;
}

export class ResolverTableParser extends LineParser<ResolverEntry> {
  private inTable = false;
  private inActions = false;
  private intent: string | null = null;

  constructor(private readonly table: "Receiver Resolver Table:" | "Activity Resolver Table:") {
    super();
  }

  line(line: string): void {
    if (!this.inTable) {
      if (line.startsWith(this.table)) this.inTable = true;
      return;
    }
    if (!this.inActions) {
      if (line.startsWith("  Non-Data Actions:")) this.inActions = true;
      return;
    }
    if (line.trim() === "") {
      this.done = true;
      return;
    }
    if (line.startsWith("      ") && !line.startsWith("        ") && line.includes(":")) {
      this.intent = line.trim().replace(/:/g, "");
      return;
    }
    if (!this.intent) return;
    if (!line.startsWith("        ")) {
      this.intent = null;
      return;
    }
    const component = line.trim().split(" ")[1];
    if (component === undefined) return;
    this.out.push({ intent: this.intent, package_name: component.split("/")[0], component });
  }
}

/** Intents whose receivers can watch SMS and calls (MVT logs each one it finds). */
export const SURVEILLANCE_INTENTS: Record<string, string> = {
  "android.provider.Telephony.NEW_OUTGOING_SMS": "intercept outgoing SMS messages",
  "android.provider.Telephony.SMS_RECEIVED": "intercept incoming SMS messages",
  "android.intent.action.DATA_SMS_RECEIVED": "intercept incoming data SMS messages",
  "android.intent.action.PHONE_STATE": "monitor telephony state and incoming calls",
  "android.intent.action.NEW_OUTGOING_CALL": "monitor outgoing calls",
};
