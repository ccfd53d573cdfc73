// `dumpsys dbinfo`: each connection pool's most recently executed SQL operations, with the database path.

import { LineParser } from "./lines.js";

export interface DbinfoOperation {
  isodate: string;
  pid?: string;
  action: string;
  sql: string;
  path: string;
  [k: string]: unknown;
}

const WITH_PID = /.*\[([0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3})\].*\[Pid:\((\d+)\)\](\w+).*sql="(.+?)"/;
const NO_PID = /.*\[([0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3})\] {1}(\w+).*sql="(.+?)"/;

export class DbinfoParser extends LineParser<DbinfoOperation> {
  private pool: string | null = null;
  private inOps = false;

  line(line: string): void {
    if (line.startsWith("Connection pool for ")) this.pool = line.slice(20).replace(/:+$/, "");
    if (!this.pool) return;
    if (line.trim() === "Most recently executed operations:") {
      this.inOps = true;
      return;
    }
    if (!this.inOps) return;
    if (!line.startsWith("        ")) {
      this.inOps = false;
      this.pool = null;
      return;
    }
    const m = WITH_PID.exec(line);
    if (m) {
      this.out.push({ isodate: m[1], pid: m[2], action: m[3], sql: m[4], path: this.pool });
      return;
    }
    const n = NO_PID.exec(line);
    if (n) this.out.push({ isodate: n[1], action: n[2], sql: n[3], path: this.pool });
  }
}
