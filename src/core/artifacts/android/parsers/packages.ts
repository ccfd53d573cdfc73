// `dumpsys package`: the "Packages:" list, one block per package (version, uid, install/update times,
// installer, flags, permissions). Streamed: only the current package's lines are held. Times are the
// phone's wall clock ("YYYY-MM-DD HH:MM:SS").

import { LineParser } from "./lines.js";

export interface PackagePermission {
  name: string;
  granted?: boolean | null;
  type: "install" | "runtime" | "declared";
}

export interface DumpsysPackage {
  package_name: string;
  uid: string;
  version_name: string;
  version_code: string;
  timestamp: string;
  first_install_time: string;
  last_update_time: string;
  installer: string;
  system: boolean;
  permissions: PackagePermission[];
  requested_permissions: string[];
  /** Disabled for user 0 (enabled=2 DISABLED or 3 DISABLED_USER in its "User 0:" line). */
  disabled: boolean;
  [k: string]: unknown;
}

const indent = (line: string, n: number) => {
  for (let i = 0; i < n; i++) if (line.charCodeAt(i) !== 32) return false;
  return line.length >= n;
};

function grantOf(rest: string | undefined): boolean | null {
  if (rest === undefined || !rest.includes("granted=")) return null;
  return rest.includes("granted=true");
}

/** The value of a "key=value" line: up to the next '=' (a following "key2=" on the same line), trimmed. */
function valueAfter(t: string, eq: number): string {
  const next = t.indexOf("=", eq + 1);
  return (next < 0 ? t.slice(eq + 1) : t.slice(eq + 1, next)).trim();
}

/** Details of one package block (the lines after its "  Package [name] (…):" line). */
export function packageDetails(name: string, lines: string[]): DumpsysPackage {
  const d: DumpsysPackage = {
    package_name: name,
    uid: "",
    version_name: "",
    version_code: "",
    timestamp: "",
    first_install_time: "",
    last_update_time: "",
    installer: "",
    system: false,
    permissions: [],
    requested_permissions: [],
    disabled: false,
  };
  let mode: "" | "install" | "runtime" | "declared" | "requested" = "";
  for (const line of lines) {
    if (mode === "install" && indent(line, 4) && !indent(line, 6)) mode = "";
    else if (mode === "runtime" && !indent(line, 8)) mode = "";
    else if ((mode === "declared" || mode === "requested") && !indent(line, 6)) mode = "";
    const t = line.trim();
    if (mode === "install" || mode === "runtime") {
      const colon = t.indexOf(":");
      d.permissions.push({ name: colon >= 0 ? t.slice(0, colon) : t, granted: grantOf(colon >= 0 ? t.slice(colon + 1) : undefined), type: mode });
      continue;
    }
    if (mode === "declared") {
      d.permissions.push({ name: t.split(":", 1)[0], type: "declared" });
      continue;
    }
    if (mode === "requested") {
      d.requested_permissions.push(t);
      continue;
    }
    const eq = t.indexOf("=");
    const key = eq > 0 ? t.slice(0, eq) : "";
    switch (key) {
      case "userId":
        d.uid = valueAfter(t, eq);
        continue;
      case "versionName":
        d.version_name = valueAfter(t, eq);
        continue;
      case "versionCode":
        d.version_code = t.slice(eq + 1).trim();
        continue;
      case "timeStamp":
        d.timestamp = valueAfter(t, eq);
        continue;
      case "firstInstallTime":
        d.first_install_time = valueAfter(t, eq);
        continue;
      case "lastUpdateTime":
        d.last_update_time = valueAfter(t, eq);
        continue;
      case "installerPackageName":
        d.installer = valueAfter(t, eq);
        continue;
      case "pkgFlags":
        d.system = /\[ (?:.* )?SYSTEM(?: |\])/.test(t);
        continue;
    }
    if (t === "install permissions:") mode = "install";
    else if (t === "runtime permissions:") mode = "runtime";
    else if (t === "declared permissions:") mode = "declared";
    else if (t === "requested permissions:") mode = "requested";
    else if (t.startsWith("User 0:")) {
      const m = / enabled=(\d+)/.exec(t);
      d.disabled = m !== null && (m[1] === "2" || m[1] === "3");
    }
  }
  return d;
}

const PACKAGE_LINE = /^ {2}Package \[(.+?)\]/;

/** Packages of the "Packages:" list; the list ends at its first blank line. */
export class DumpsysPackagesParser extends LineParser<DumpsysPackage> {
  private inList = false;
  private name: string | null = null;
  private lines: string[] = [];

  /** With `only`, just the packages it accepts are parsed and handed over (the others' lines are skipped). */
  constructor(private readonly only?: (packageName: string) => boolean) {
    super();
  }

  private flush(): void {
    if (this.name !== null && this.lines.length) this.out.push(packageDetails(this.name, this.lines));
    this.lines = [];
  }

  line(line: string): void {
    if (!this.inList) {
      if (line.startsWith("Packages:")) this.inList = true;
      return;
    }
    if (line.trim() === "") {
      this.flush();
      this.name = null;
      this.done = true;
      return;
    }
    if (line.startsWith("  Package [")) {
      this.flush();
      const m = PACKAGE_LINE.exec(line);
      if (m) this.name = !this.only || this.only(m[1]) ? m[1] : null;
      return;
    }
    if (this.name !== null) this.lines.push(line);
  }

  override end(): void {
    this.flush();
  }
}
