// Detections as MVT writes them in alerts.json and <module>_detected.json, and CSV helpers.

import type { Detection } from "../types.js";
import { MVT_LEVEL } from "../types.js";

export interface MvtAlert {
  level: string;
  module: string;
  message: string;
  event_time: string;
  event: unknown;
  matched_indicator: { value: string; type: string; name: string; stix2_file_name: string } | null;
  heuristic?: string;
}

export function toMvtAlert(d: Detection): MvtAlert {
  const alert: MvtAlert = {
    level: MVT_LEVEL[d.level],
    module: d.module,
    message: d.message,
    event_time: d.eventTime ?? "",
    event: d.record,
    matched_indicator: d.match
      ? {
          value: d.match.indicator.value,
          type: d.match.indicator.kind,
          name: d.match.indicator.collection,
          stix2_file_name: d.match.indicator.sourceFile,
        }
      : null,
  };
  if (d.heuristic) alert.heuristic = d.heuristic;
  return alert;
}

/** One CSV field, always quoted (csv.QUOTE_ALL, as MVT). */
export function csvField(v: unknown): string {
  const s = v === null || v === undefined ? "" : String(v);
  return `"${s.replace(/"/g, '""')}"`;
}

export function csvRow(fields: unknown[]): string {
  return fields.map(csvField).join(",");
}

export const TIMELINE_HEADER = csvRow(["UTC Timestamp", "Plugin", "Event", "Description"]);
export const ALERTS_TIMELINE_HEADER = csvRow(["Event Time", "Module", "Message", "Event"]);
