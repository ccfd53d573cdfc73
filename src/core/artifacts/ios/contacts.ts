// Address book entries: every non-empty multi-value (phone, e-mail, URL…) with the person it belongs to.

import { artifact } from "../module.js";
import type { Observable, RecordData } from "../../types.js";

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export const contacts = artifact({
  id: "contacts",
  platform: "ios",
  timelineName: "Contacts",
  description: "Address book contacts (Library/AddressBook/AddressBook.sqlitedb)",
  sources: [{ domain: "HomeDomain", path: "Library/AddressBook/AddressBook.sqlitedb" }],
  async *records(ctx) {
    for await (const { file, db } of ctx.databases()) {
      const tables = db.tables();
      if (!tables.has("abperson") || !tables.has("abmultivalue")) {
        ctx.warn(`${file.relativePath}: no ABPerson/ABMultiValue tables, no contacts extracted`);
        continue;
      }
      const pcols = new Set(db.columns("ABPerson").map((c) => c.toLowerCase()));
      const p = (c: string) => (pcols.has(c) ? `person.${c}` : "NULL");
      const rows = db.iterate(
        `SELECT multi.value AS value, ${p("first")} AS first, ${p("middle")} AS middle, ${p("last")} AS last,
                ${p("organization")} AS organization
         FROM ABPerson person, ABMultiValue multi
         WHERE person.rowid = multi.record_id AND multi.value NOT NULL
         ORDER BY person.rowid ASC`,
      );
      for (const row of rows) {
        const r: RecordData = { ...row };
        yield r;
      }
    }
  },
  *observables(r): Iterable<Observable> {
    const v = r.value;
    if (typeof v === "string" && EMAIL_RE.test(v.trim())) yield { type: "email", value: v.trim() };
  },
});
