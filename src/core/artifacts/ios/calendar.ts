// Calendar events (HomeDomain Library/Calendar/Calendar.sqlitedb) with their organizer. QuaDream's ENDOFDAYS
// exploit delivered invisible calendar invitations, which show as events titled "Meeting" with notes "Notes".

import { artifact } from "../module.js";
import type { Observable, RecordData, TimelineEvent } from "../../types.js";
import { isoFromMac } from "../../util/time.js";
import { extractUrls } from "../../util/urls.js";

const TIMESTAMPS = ["start_date", "end_date", "last_modified", "creation_date", "participant_last_modified"] as const;

/** [record field, CalendarItem / Participant column] in MVT's order. */
const ITEM_FIELDS: [string, string][] = [
  ["id", "ROWID"],
  ["summary", "summary"],
  ["description", "description"],
  ["start_date", "start_date"],
  ["end_date", "end_date"],
  ["all_day", "all_day"],
  ["calendar_id", "calendar_id"],
  ["organizer_id", "organizer_id"],
  ["url", "url"],
  ["last_modified", "last_modified"],
  ["external_id", "external_id"],
  ["external_mod_tag", "external_mod_tag"],
  ["unique_identifier", "unique_identifier"],
  ["hidden", "hidden"],
  ["uuid", "UUID"],
  ["creation_date", "creation_date"],
  ["action", "action"],
  ["created_by_id", "created_by_id"],
];
const PARTICIPANT_FIELDS: [string, string][] = [
  ["participant_uuid", "UUID"],
  ["participant_email", "email"],
  ["participant_phone", "phone_number"],
  ["participant_comment", "comment"],
  ["participant_last_modified", "last_modified"],
];

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export const calendar = artifact({
  id: "calendar",
  platform: "ios",
  timelineName: "Calendar",
  description: "Calendar events and their organizers (Library/Calendar/Calendar.sqlitedb), with QuaDream invitation checks",
  sources: [{ domain: "HomeDomain", path: "Library/Calendar/Calendar.sqlitedb" }],
  async *records(ctx) {
    for await (const { file, db } of ctx.databases()) {
      const itemCols = new Set(db.columns("CalendarItem").map((c) => c.toLowerCase()));
      if (itemCols.size === 0) {
        ctx.gap(file, "Calendar.sqlitedb has no CalendarItem table");
        continue;
      }
      const partCols = new Set(db.columns("Participant").map((c) => c.toLowerCase()));
      const hasPart = partCols.size > 0;
      const missing: string[] = [];
      const sel = (table: string, cols: Set<string>, col: string, as: string) => {
        if (col === "ROWID" || cols.has(col.toLowerCase())) return `${table}.${col} AS "${as}"`;
        missing.push(`${table}.${col}`);
        return `NULL AS "${as}"`;
      };
      const parts = ITEM_FIELDS.map(([as, col]) => sel("CalendarItem", itemCols, col, as));
      for (const [as, col] of PARTICIPANT_FIELDS) parts.push(hasPart ? sel("Participant", partCols, col, as) : `NULL AS "${as}"`);
      const join =
        hasPart && itemCols.has("organizer_id") ? " LEFT JOIN Participant ON Participant.ROWID = CalendarItem.organizer_id" : "";
      if (missing.length) ctx.warn(`Calendar.sqlitedb lacks ${missing.join(", ")} (older schema): read as null`);
      for (const row of db.iterate(`SELECT ${parts.join(", ")} FROM CalendarItem${join}`)) {
        const r: RecordData = {};
        for (const k in row) {
          const v = row[k];
          r[k] = (TIMESTAMPS as readonly string[]).includes(k) && v !== null && typeof v !== "string" ? isoFromMac(v as number) : v;
        }
        yield r;
      }
    }
  },
  *observables(r): Iterable<Observable> {
    const email = r.participant_email;
    if (typeof email === "string" && EMAIL.test(email.trim())) yield { type: "email", value: email.trim() };
    const seen = new Set<string>();
    for (const f of ["url", "summary", "description", "participant_comment"]) {
      const v = r[f];
      if (typeof v !== "string" || !v) continue;
      for (const u of extractUrls(v)) {
        if (seen.has(u)) continue;
        seen.add(u);
        yield { type: "url", value: u };
      }
    }
  },
  time: (r) => (r.start_date as string) || (r.creation_date as string) || null,
  timeline(r) {
    const data = `Calendar event ${py(r.summary)} (${py(r.description)}) (invitation by ${py(r.participant_email)})`;
    const out: TimelineEvent[] = [];
    for (const t of TIMESTAMPS) {
      const ts = r[t];
      if (!ts) continue;
      out.push({ timestamp: String(ts), module: "Calendar", event: t, data });
    }
    return out;
  },
  analyzer() {
    return {
      onRecord(r, emit) {
        if (r.summary === "Meeting" && r.description === "Notes") {
          emit({
            level: "high",
            heuristic: "calendar.quadream_invitation",
            message:
              `Potential Quadream exploit event identified: ${py(r.uuid)} — a calendar event titled "Meeting" with notes ` +
              `"Notes", as QuaDream's zero-click invitations were; look for other QuaDream traces and seek expert help.`,
            record: r,
            eventTime: (r.creation_date as string) || "",
          });
        }
      },
    };
  },
});

function py(v: unknown): string {
  return v === null || v === undefined ? "None" : String(v);
}
