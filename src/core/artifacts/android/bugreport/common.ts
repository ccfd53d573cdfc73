// Reading helpers of the bugreport modules: a dumpsys section streamed through a line parser, with the
// phone's time zone attached to records whose times are its wall clock.

import type { ModuleContext } from "../../module.js";
import type { Observable, TimelineEvent } from "../../../types.js";
import { bugreportOf, DUMPSTATE } from "../../../formats/android-bugreport.js";
import { localToUtc } from "../../../util/local-time.js";
import { parseRecordBatches, type LineParser } from "../parsers/lines.js";
import { errorText } from "../../../util/errors.js";

export const DUMPSTATE_SOURCE = [{ rootPath: DUMPSTATE }];

/** Records a parser makes of one service's section. */
export async function* sectionRecords<R>(ctx: ModuleContext, service: string, parser: LineParser<R>): AsyncIterable<R> {
  for await (const batch of sectionBatches(ctx, service, parser)) for (const r of batch) yield r;
}

/** Records a parser makes of one service's section, in batches. A missing section is a warning; a read error
 *  midway is a coverage gap after the records read before it. */
export async function* sectionBatches<R>(
  ctx: ModuleContext,
  service: string | "SYSTEM PROPERTIES",
  parser: LineParser<R>,
  from?: string,
): AsyncIterable<R[]> {
  const br = bugreportOf(ctx.acquisition);
  for await (const file of ctx.files(DUMPSTATE_SOURCE)) {
    const seen = { found: false };
    try {
      const lines = service === "SYSTEM PROPERTIES" ? br.systemProperties(seen) : br.section(service, seen, from);
      yield* parseRecordBatches(lines, parser);
    } catch (e) {
      ctx.gap(file, errorText(e));
      return;
    }
    if (!seen.found) ctx.warn(`${file.path}: no ${service === "SYSTEM PROPERTIES" ? "SYSTEM PROPERTIES" : `"DUMP OF SERVICE ${service}"`} section`);
  }
}

/** The phone's time zone (null when unknown), read once per bugreport. */
export async function deviceTimezone(ctx: ModuleContext): Promise<string | null> {
  return (await bugreportOf(ctx.acquisition).deviceClock()).timezone;
}

/** The real-clock (UTC) time of a device-local time in a record; the local time when the zone is unknown. */
export function utcOf(local: unknown, tz: unknown): string | null {
  if (typeof local !== "string" || !local) return null;
  return localToUtc(local, typeof tz === "string" ? tz : null) ?? null;
}

export function appId(name: unknown): Observable[] {
  return typeof name === "string" && name ? [{ type: "app_id", value: name }] : [];
}

export function timelineEvent(module: string, local: unknown, tz: unknown, event: string, data: string): TimelineEvent | null {
  const ts = utcOf(local, tz);
  return ts ? { timestamp: ts, module, event, data } : null;
}
