// Privacy permissions (TCC.db, HomeDomain Library/TCC/TCC.db): which app or binary was granted or denied
// camera, microphone, location… access and when. Three schema generations are read.

import { artifact } from "../module.js";
import type { Observable, RecordData } from "../../types.js";
import { isoFromUnix } from "../../util/time.js";

const AUTH_VALUE_OLD: Record<number, string> = { 0: "denied", 1: "allowed" };
const AUTH_VALUES: Record<number, string> = { 0: "denied", 1: "unknown", 2: "allowed", 3: "limited" };
const AUTH_REASONS: Record<number, string> = {
  1: "error",
  2: "user_consent",
  3: "user_set",
  4: "system_set",
  5: "service_policy",
  6: "mdm_policy",
  7: "override_policy",
  8: "missing_usage_string",
  9: "prompt_timeout",
  10: "preflight_unknown",
  11: "entitled",
  12: "app_type_policy",
};

const lookup = (table: Record<number, string>, v: unknown, dflt: string) =>
  (typeof v === "number" || typeof v === "bigint") && Object.prototype.hasOwnProperty.call(table, Number(v)) ? table[Number(v)] : dflt;

export const tcc = artifact({
  id: "tcc",
  platform: "ios",
  timelineName: "TCC",
  description: "Privacy permissions granted or denied to apps and binaries (Library/TCC/TCC.db)",
  sources: [{ domain: "HomeDomain", path: "Library/TCC/TCC.db" }],
  async *records(ctx) {
    for await (const { file, db } of ctx.databases()) {
      const cols = new Set(db.columns("access"));
      if (cols.size === 0) {
        ctx.gap(file, "TCC.db has no access table");
        continue;
      }
      const has = (...c: string[]) => c.every((x) => cols.has(x));
      if (!has("service", "client", "client_type")) {
        ctx.gap(file, "TCC.db access table lacks the service/client/client_type columns");
        continue;
      }
      if (has("auth_value", "auth_reason", "last_modified")) {
        for (const row of db.iterate("SELECT service, client, client_type, auth_value, auth_reason, last_modified FROM access")) {
          yield {
            service: row.service,
            client: row.client,
            client_type: row.client_type === 0 ? "bundle_id" : "absolute_path",
            auth_value: lookup(AUTH_VALUES, row.auth_value, ""),
            auth_reason_desc: lookup(AUTH_REASONS, row.auth_reason, "unknown"),
            last_modified: isoFromUnix(row.last_modified as number | null) ?? "",
          } as RecordData;
        }
      } else if (has("allowed", "prompt_count")) {
        const withTime = cols.has("last_modified");
        const sql = `SELECT service, client, client_type, allowed, prompt_count${withTime ? ", last_modified" : ""} FROM access`;
        for (const row of db.iterate(sql)) {
          const r: RecordData = {
            service: row.service,
            client: row.client,
            client_type: row.client_type === 0 ? "bundle_id" : "absolute_path",
            allowed_value: lookup(AUTH_VALUE_OLD, row.allowed, ""),
            prompt_count: row.prompt_count,
          };
          if (withTime) r.last_modified = isoFromUnix(row.last_modified as number | null) ?? "";
          yield r;
        }
      } else {
        ctx.gap(file, "TCC.db access table has neither auth_value/auth_reason nor allowed/prompt_count columns");
      }
    }
  },
  *observables(r): Iterable<Observable> {
    if (typeof r.client === "string" && r.client) yield { type: "process", value: r.client };
  },
  time: (r) => (r.last_modified as string) || null,
  timeline(r) {
    if (!("last_modified" in r) || !r.last_modified) return null;
    const value = "allowed_value" in r ? r.allowed_value : r.auth_value;
    return {
      timestamp: r.last_modified as string,
      module: "TCC",
      event: "AccessRequest",
      data: `Access to ${r.service} by ${r.client} ${value}`,
    };
  },
});
