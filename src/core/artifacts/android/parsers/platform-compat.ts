// `dumpsys platform_compat`: the DOWNSCALED change's raw overrides keep the names of packages that were
// installed at some point, uninstalled ones included.

import { LineParser } from "./lines.js";

export class PlatformCompatParser extends LineParser<{ package_name: string }> {
  line(line: string): void {
    if (!line.startsWith("ChangeId(168419799; name=DOWNSCALED;")) return;
    const at = line.indexOf("rawOverrides={");
    if (at < 0) return;
    const field = line.slice(at + 14).split("};", 1)[0];
    for (const entry of field.split(", ")) this.out.push({ package_name: entry.split("=", 1)[0].trim() });
  }
}
