// Phone and FaceTime calls from CallHistory.storedata (ZCALLRECORD).

import { artifact } from "../module.js";
import type { RecordData } from "../../types.js";
import { isoFromMac } from "../../util/time.js";
import { pyStr } from "../../util/py.js";

const pyNum = pyStr;

const decoder = new TextDecoder("utf-8");

export const calls = artifact({
  id: "calls",
  platform: "ios",
  timelineName: "Calls",
  description: "Call history (Library/CallHistoryDB/CallHistory.storedata)",
  sources: [{ domain: "HomeDomain", path: "Library/CallHistoryDB/CallHistory.storedata" }],
  async *records(ctx) {
    for await (const { file, db } of ctx.databases()) {
      const cols = new Set(db.columns("ZCALLRECORD").map((c) => c.toUpperCase()));
      if (!cols.size) {
        ctx.warn(`${file.relativePath}: no ZCALLRECORD table, no calls extracted`);
        continue;
      }
      const col = (name: string) => (cols.has(name) ? name : "NULL");
      const rows = db.iterate(
        `SELECT ${col("ZDATE")} AS d, ${col("ZDURATION")} AS dur, typeof(${col("ZDURATION")}) AS dur_type,
                ${col("ZLOCATION")} AS loc, ${col("ZADDRESS")} AS addr, ${col("ZSERVICE_PROVIDER")} AS prov
         FROM ZCALLRECORD`,
      );
      for (const row of rows) {
        const addr = row.addr instanceof Uint8Array ? decoder.decode(row.addr) : row.addr;
        const r: RecordData = {
          isodate: isoFromMac(row.d as number | null),
          duration: row.dur,
          location: row.loc,
          number: addr,
          provider: row.prov,
        };
        Object.defineProperty(r, "_durationReal", { value: row.dur_type === "real", enumerable: false });
        yield r;
      }
    }
  },
  time: (r) => r.isodate as string | null,
  timeline(r) {
    if (!r.isodate) return null;
    const real = (r as { _durationReal?: boolean })._durationReal ?? false;
    const s = (v: unknown) => pyStr(v);
    return {
      timestamp: r.isodate as string,
      module: "Calls",
      event: "call",
      data: `From ${s(r.number)} using ${s(r.provider)} during ${pyNum(r.duration, real)} seconds`,
    };
  },
});
