// `dumpsys batterystats`: the daily stats' package changes ("Daily from A to B:" … "Update pkg vers=N"; vers=0
// records an uninstall) and the battery history's job / wakelock / foreground events.

import { LineParser } from "./lines.js";

export interface BatteryDailyUpdate {
  action: "update" | "uninstall" | "downgrade";
  /** Device-local "YYYY-MM-DD HH:MM:SS". */
  period_start: string;
  period_end: string;
  package_name: string;
  version_code: number | string;
  occurrences: number;
  previous_version_code?: number;
  [k: string]: unknown;
}

const INTEGER = /^\s*[+-]?\d+\s*$/;

/** "2022-08-16-15-56-39" → "2022-08-16 15:56:39". */
export function dailyTime(value: string): string {
  return value.length >= 19 && value[10] === "-" ? `${value.slice(0, 10)} ${value.slice(11).replace(/-/g, ":")}` : value;
}

/** Updates per daily period, repeated updates of one version counted once. Call `classify` on all of them
 *  (in any order) to mark uninstalls and downgrades. */
export class BatteryDailyParser extends LineParser<BatteryDailyUpdate> {
  private period: { start: string; end: string } | null = null;
  private seen = new Map<string, BatteryDailyUpdate>();

  line(line: string): void {
    if (line.startsWith("  Daily from ")) {
      this.seen.clear();
      const frame = line.slice(13).trim().replace(/^:+|:+$/g, "");
      const at = frame.indexOf(" to ");
      if (at < 0) {
        this.period = null;
        return;
      }
      this.period = { start: dailyTime(frame.slice(0, at)), end: dailyTime(frame.slice(at + 4)) };
      return;
    }
    if (!this.period) return;
    const at = line.indexOf("Update ");
    if (at < 0) return;
    for (let i = 0; i < at; i++) if (line.charCodeAt(i) !== 32 && line.charCodeAt(i) !== 9) return;
    const rest = line.slice(at + 7).trim();
    const sp = rest.indexOf(" ");
    const name = sp >= 0 ? rest.slice(0, sp) : rest;
    const eq = sp >= 0 ? rest.indexOf("=", sp + 1) : -1;
    const versRaw = eq >= 0 ? rest.slice(eq + 1) : "";
    if (!name || !versRaw) return;
    const version: number | string = INTEGER.test(versRaw) ? Number(versRaw) : versRaw;
    const key = `${name}\u0000${version}`;
    const prior = this.seen.get(key);
    if (prior) {
      prior.occurrences++;
      return;
    }
    const rec: BatteryDailyUpdate = {
      action: "update",
      period_start: this.period.start,
      period_end: this.period.end,
      package_name: name,
      version_code: version,
      occurrences: 1,
    };
    this.seen.set(key, rec);
    this.out.push(rec);
  }
}

/** Mark uninstalls (version 0) and downgrades (a lower version than the package's previous one), walking the
 *  records in time order as MVT does. */
export function classifyDailyUpdates(records: BatteryDailyUpdate[]): void {
  const versions = new Map<string, number>();
  // MVT walks the records sorted by (period start, period end, package), a stable sort. What a record is
  // marked depends only on the records of its own package before it: its earlier periods, then its earlier
  // lines of the same period, which is the order the periods sorted and each period's lines as read give
  // (sorting a period's packages by name would not change it).
  const periods = new Map<string, BatteryDailyUpdate[]>();
  let lastKey = "";
  let last: BatteryDailyUpdate[] | undefined;
  for (const r of records) {
    if (last && r.period_start === last[0].period_start && r.period_end === last[0].period_end) {
      last.push(r);
      continue;
    }
    lastKey = `${r.period_start}\u0001${r.period_end}`;
    last = periods.get(lastKey);
    if (last) last.push(r);
    else periods.set(lastKey, (last = [r]));
  }
  for (const key of [...periods.keys()].sort()) {
    for (const r of periods.get(key)!) {
      if (r.version_code === 0) {
        r.action = "uninstall";
        versions.delete(r.package_name);
        continue;
      }
      if (typeof r.version_code !== "number") continue;
      const prev = versions.get(r.package_name);
      if (prev !== undefined && r.version_code < prev) {
        r.action = "downgrade";
        r.previous_version_code = prev;
      }
      versions.set(r.package_name, r.version_code);
    }
  }
}

export interface BatteryHistoryEvent {
  time_elapsed: string;
  event: "start_job" | "end_job" | "wake" | "start_top" | "end_top";
  uid: string;
  package_name: string;
  service: string;
  [k: string]: unknown;
}

/** Without the double quotes that open and close it. */
function unquote(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && s.charCodeAt(a) === 34) a++;
  while (b > a && s.charCodeAt(b - 1) === 34) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

/** Battery history lines up to the first blank line. */
export class BatteryHistoryParser extends LineParser<BatteryHistoryEvent> {
  line(line: string): void {
    if (line.startsWith("Battery History ")) return;
    const t = line.trim();
    if (t === "") {
      this.done = true;
      return;
    }
    const sp = t.search(/\s/);
    let elapsed = sp < 0 ? t : t.slice(0, sp);
    if (sp >= 0 && elapsed.length === 5 && elapsed[2] === "-") {
      const rest = t.slice(sp).trimStart();
      const next = rest.slice(0, rest.search(/\s|$/));
      if (next.includes(":")) elapsed = `${elapsed} ${next}`;
    }
    let ev: BatteryHistoryEvent["event"];
    let uid: string;
    let service = "";
    let pkg: string;
    const job = (marker: string): boolean => {
      const payload = line.slice(line.indexOf(marker) + marker.length);
      const colon = payload.indexOf(":");
      if (colon < 0) return false;
      uid = payload.slice(0, colon);
      service = unquote(payload.slice(colon + 1).trim());
      const slash = service.indexOf("/");
      pkg = slash < 0 ? service : service.slice(0, slash);
      return true;
    };
    if (line.indexOf("+job") > 0) {
      ev = "start_job";
      if (!job("+job=")) return;
    } else if (line.indexOf("-job") > 0) {
      ev = "end_job";
      if (!job("-job=")) return;
    } else if (line.indexOf("+running +wake_lock=") > 0) {
      const payload = line.slice(line.indexOf("+running +wake_lock=") + 20);
      const colon = payload.indexOf(":");
      if (colon < 0) return;
      uid = payload.slice(0, colon);
      ev = "wake";
      const w = line.indexOf("*walarm*:");
      service = line.slice(w + 9).split(" ")[0].replace(/^"+|"+$/g, "").trim();
      if (service === "" || !service.includes("/")) return;
      pkg = service.split("/")[0];
    } else if (line.indexOf("+top=") > 0 || line.indexOf("-top") > 0) {
      const start = line.indexOf("+top=") > 0;
      ev = start ? "start_top" : "end_top";
      const top = start ? line.indexOf("+top=") : line.indexOf("-top=");
      const colon = top + line.slice(top).indexOf(":");
      uid = line.slice(top + 5, colon);
      pkg = line.slice(colon + 1).replace(/^"+|"+$/g, "");
    } else return;
    this.out.push({ time_elapsed: elapsed, event: ev, uid: uid!, package_name: pkg!, service });
  }
}
