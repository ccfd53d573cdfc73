// Siri Shortcuts (Shortcuts.sqlite): each shortcut with its actions' URLs, created / modified times.

import { artifact } from "../module.js";
import type { Observable, RecordData, TimelineEvent } from "../../types.js";
import { parsePlist, isPlistDict } from "../../formats/plist.js";
import { isoFromMac } from "../../util/time.js";
import { extractUrls } from "../../util/urls.js";

const decoder = new TextDecoder("utf-8");
const text = (v: unknown): unknown => (v instanceof Uint8Array ? decoder.decode(v) : v);

/** Flatten a plist value to text for link extraction (bytes and dates left out). */
function flatten(v: unknown): string {
  if (v === null || v === undefined || v instanceof Uint8Array) return "";
  if (v instanceof Date) return "";
  if (Array.isArray(v)) return v.map(flatten).join(" , ");
  if (isPlistDict(v)) return Object.entries(v).map(([k, x]) => `${k}: ${flatten(x)}`).join(" , ");
  return ` ${String(v)} `;
}

/** URLs of a shortcut's action list (WFWorkflowActions plist); null when the data is not a plist. */
export function parseShortcutActions(data: unknown): { urls: string[] | null; count: number } {
  if (!(data instanceof Uint8Array) || data.length === 0) return { urls: null, count: 0 };
  let actions: unknown;
  try {
    actions = parsePlist(data);
  } catch {
    return { urls: null, count: 0 };
  }
  if (!Array.isArray(actions)) return { urls: null, count: 0 };
  const urls: string[] = [];
  let count = 0;
  for (const a of actions) {
    if (!isPlistDict(a)) continue;
    count++;
    for (const u of extractUrls(flatten(a.WFWorkflowActionParameters))) urls.push(u.replace(/[',]+$/, ""));
  }
  return { urls, count };
}

export const shortcuts = artifact({
  id: "shortcuts",
  platform: "ios",
  timelineName: "Shortcuts",
  description: "Siri Shortcuts and the URLs their actions open (Library/Shortcuts/Shortcuts.sqlite)",
  sources: [{ domain: "HomeDomain", path: "Library/Shortcuts/Shortcuts.sqlite" }],
  async *records(ctx) {
    for await (const { file, db } of ctx.databases()) {
      const tables = db.tables();
      if (!tables.has("zshortcut")) {
        ctx.warn(`${file.relativePath}: no ZSHORTCUT table (unknown Shortcuts database format), skipped`);
        continue;
      }
      const scols = new Set(db.columns("ZSHORTCUT").map((c) => c.toUpperCase()));
      const s = (c: string) => (scols.has(c) ? `ZSHORTCUT.${c}` : "NULL");
      const withActions = tables.has("zshortcutactions") && db.columns("ZSHORTCUTACTIONS").map((c) => c.toUpperCase()).includes("ZDATA");
      if (!withActions) ctx.warn(`${file.relativePath}: no ZSHORTCUTACTIONS.ZDATA, shortcut actions not parsed`);
      const rows = db.iterate(
        `SELECT ZSHORTCUT.Z_PK AS shortcut_id, ${s("ZNAME")} AS shortcut_name, ${s("ZCREATIONDATE")} AS created_date,
                ${s("ZMODIFICATIONDATE")} AS modified_date, ${s("ZACTIONSDESCRIPTION")} AS description,
                ${withActions ? "ZSHORTCUTACTIONS.ZDATA" : "NULL"} AS action_data
         FROM ZSHORTCUT
         ${withActions ? "LEFT JOIN ZSHORTCUTACTIONS ON ZSHORTCUTACTIONS.ZSHORTCUT = ZSHORTCUT.Z_PK" : ""}`,
      );
      for (const row of rows) {
        const { urls, count } = parseShortcutActions(row.action_data);
        const r: RecordData = {
          shortcut_id: row.shortcut_id,
          shortcut_name: text(row.shortcut_name),
          modified_date: isoFromMac(row.modified_date as number | null),
          description: text(row.description),
          parsed_actions: count,
          action_urls: urls,
          isodate: isoFromMac(row.created_date as number | null),
        };
        yield r;
      }
    }
  },
  *observables(r): Iterable<Observable> {
    for (const u of (r.action_urls as string[] | null) ?? []) yield { type: "url", value: u };
  },
  time: (r) => r.isodate as string | null,
  timeline(r) {
    const urls = r.action_urls as string[] | null;
    const found = urls && urls.length ? `- URLs in actions: ${urls.join(", ")}` : "";
    const desc = r.description ? String(r.description) : "";
    const data = `iOS Shortcut '${r.shortcut_name ?? ""}': ${desc} ${found}`;
    const out: TimelineEvent[] = [];
    if (r.isodate) out.push({ timestamp: r.isodate as string, module: "Shortcuts", event: "shortcut_created", data });
    if (r.modified_date) out.push({ timestamp: r.modified_date as string, module: "Shortcuts", event: "shortcut_modified", data });
    return out;
  },
});
