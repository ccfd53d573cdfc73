// `dumpsys appops`: per uid, per package, each operation's mode and its last Access / Reject times.
//   Uid u0a104:
//     Package org.mozilla.firefox:
//       REQUEST_INSTALL_PACKAGES (allow):
//           Access: [fg-s]2021-05-19 22:02:52.054 (-314d1h25m2s33ms)
// Times are the phone's wall clock. Parsing starts at "  Uid 0:" and ends at the first blank line after it.

import { LineParser } from "./lines.js";

export interface AppopsEntry {
  access: string;
  type: string;
  /** Device-local "YYYY-MM-DD HH:MM:SS.ffffff"; absent when the line's date does not parse. */
  timestamp?: string;
}

export interface AppopsPermission {
  name: string;
  entries: AppopsEntry[];
  access?: string;
}

export interface AppopsPackage {
  package_name: string;
  permissions: AppopsPermission[];
  uid: string | null;
  [k: string]: unknown;
}

const isDigit = (c: number) => c >= 48 && c <= 57;
const two = (s: string, i: number) => (s.charCodeAt(i) - 48) * 10 + (s.charCodeAt(i + 1) - 48);

/** "2021-05-19 22:02:52.054" → "2021-05-19 22:02:52.054000" (as Python's %f parse then isoformat). */
export function appopsTime(s: string): string | undefined {
  const n = s.length;
  if (n < 21 || n > 26 || s[4] !== "-" || s[7] !== "-" || s[10] !== " " || s[13] !== ":" || s[16] !== ":" || s[19] !== ".") return undefined;
  for (let i = 0; i < n; i++) if (i !== 4 && i !== 7 && i !== 10 && i !== 13 && i !== 16 && i !== 19 && !isDigit(s.charCodeAt(i))) return undefined;
  const mo = two(s, 5), d = two(s, 8);
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || two(s, 11) > 23 || two(s, 14) > 59 || two(s, 17) > 59) return undefined;
  return n === 26 ? s : s + "000000".slice(n - 20);
}

/** True for "" and lines of blanks only. */
function blank(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13 && c !== 11 && c !== 12) return false;
  }
  return true;
}

export class AppopsParser extends LineParser<AppopsPackage> {
  private started = false;
  private uid: string | null = null;
  private pkg: AppopsPackage | null = null;
  private perm: AppopsPermission | null = null;

  private closePackage(): void {
    if (this.pkg) {
      if (this.perm) this.pkg.permissions.push(this.perm);
      this.out.push(this.pkg);
    }
    this.pkg = null;
    this.perm = null;
  }

  line(line: string): void {
    if (!this.started) {
      if (!line.startsWith("  Uid 0:")) return;
      this.started = true;
    }
    if (line.startsWith("  Uid ")) {
      this.uid = line.slice(6, -1);
      this.closePackage();
      return;
    }
    if (line.startsWith("    Package ")) {
      this.closePackage();
      this.pkg = { package_name: line.slice(12, -1), permissions: [], uid: this.uid };
      return;
    }
    if (this.pkg && line.startsWith("      ") && line.length > 6 && line[6] !== " ") {
      if (this.perm) this.pkg.permissions.push(this.perm);
      const t = line.trim();
      const sp = t.search(/\s/);
      this.perm = { name: sp < 0 ? t : t.slice(0, sp), entries: [] };
      if (sp >= 0) {
        const rest = t.slice(sp).trimStart();
        const word = rest.slice(0, rest.search(/\s|$/));
        this.perm.access = word.slice(1, -2);
      }
      return;
    }
    if (line.startsWith("          ")) {
      const colon = line.indexOf(":");
      const access = (colon >= 0 ? line.slice(0, colon) : line).trim();
      if ((access === "Access" || access === "Reject") && this.perm) {
        const open = line.indexOf("[");
        const close = line.indexOf("]");
        const paren = line.indexOf("(");
        const entry: AppopsEntry = { access, type: open >= 0 && close >= 0 ? line.slice(open + 1, close) : "" };
        const ts = appopsTime(line.slice(close + 1, paren >= 0 ? paren : undefined).trim());
        if (ts) entry.timestamp = ts;
        this.perm.entries.push(entry);
      }
      return;
    }
    if (blank(line)) {
      this.closePackage();
      this.done = true;
    }
  }

  override end(): void {
    this.closePackage();
  }
}

/** MVT's lists: an operation that lets an app install other apps, and the adb shell's own package. */
export const RISKY_APPOPS = new Set(["REQUEST_INSTALL_PACKAGES"]);
export const RISKY_APPOPS_PACKAGES = new Set(["com.android.shell"]);
