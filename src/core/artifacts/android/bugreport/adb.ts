// ADB debugging state (dumpsys adb): the computers this phone trusts for USB / Wi-Fi debugging. A trusted
// computer can install apps and read data without asking; a bugreport cannot tell which key belongs to the
// examiner's computer, so every trusted key is listed for the examiner to recognise.

import { artifact } from "../../module.js";
import type { Emit } from "../../../types.js";
import { isoFromUnixMs } from "../../../util/time.js";
import { parseAdbState, type AdbState } from "../parsers/adb.js";
import { LineParser } from "../parsers/lines.js";
import { DUMPSTATE_SOURCE, sectionRecords } from "./common.js";

class AdbSectionParser extends LineParser<AdbState> {
  private readonly lines: string[] = [];
  line(line: string): void {
    if (this.lines.length < 100_000) this.lines.push(line);
  }
  override end(): void {
    const s = parseAdbState(this.lines);
    if (s) this.out.push(s);
  }
}

export function checkAdbKeys(r: AdbState, emit: Emit): void {
  const seen = new Set<string>();
  for (const k of [...r.keystore, ...r.user_keys]) {
    if (seen.has(k.key)) continue;
    seen.add(k.key);
    const last = k.last_connected !== undefined ? isoFromUnixMs(k.last_connected) : null;
    emit({
      level: "low",
      heuristic: "dumpsys_adb.trusted_key",
      message:
        `This phone trusts a computer for USB debugging: key ${k.fingerprint} (${k.user || "unknown user"})` +
        `${last ? `, last connected ${last} UTC` : ""}. If it is not the computer that took this bugreport or one the owner ` +
        `knows, revoke USB debugging authorisations in Developer options: a trusted computer can install apps and read data.`,
      eventTime: last ?? "",
      record: k,
    });
  }
}

export const dumpsysAdb = artifact<AdbState>({
  id: "dumpsys_adb",
  platform: "android",
  timelineName: "DumpsysADBState",
  description: "Computers trusted for ADB debugging, with key fingerprints (dumpsys adb)",
  sources: DUMPSTATE_SOURCE,
  records: (ctx) => sectionRecords(ctx, "adb", new AdbSectionParser()),
  analyzer: () => ({ onRecord: checkAdbKeys }),
});
