// Synthetic Library/Shortcuts/Shortcuts.sqlite (Core Data schema of iOS 14+): a few shortcuts, each with its
// action list (a plist array of WFWorkflowActionIdentifier / WFWorkflowActionParameters) in ZSHORTCUTACTIONS;
// when planting, a shortcut whose "Open URL" action points at a planted domain.

import type { GeneratedFile, GenContext } from "./types.js";
import { xmlPlist } from "./plist-xml.js";

export const SHORTCUTS_SCHEMA = `
CREATE TABLE ZSHORTCUT ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZACTIONCOUNT INTEGER, ZHASOUTPUTFALLBACK INTEGER, ZHASSHORTCUTINPUTVARIABLES INTEGER, ZHIDDEN INTEGER, ZHIDDENFROMLIBRARYANDSYNC INTEGER, ZLASTSYNCEDHASH INTEGER, ZRUNEVENTSCOUNT INTEGER, ZSOURCE INTEGER, ZTOMBSTONED INTEGER, ZACTIONS INTEGER, ZCREATIONDATE TIMESTAMP, ZLASTMIGRATEDCLIENTVERSION VARCHAR, ZMODIFICATIONDATE TIMESTAMP, ZACTIONSDESCRIPTION VARCHAR, ZASSOCIATEDAPPBUNDLEIDENTIFIER VARCHAR, ZGALLERYIDENTIFIER VARCHAR, ZMINIMUMCLIENTVERSION VARCHAR, ZNAME VARCHAR, ZWORKFLOWID VARCHAR, ZWORKFLOWSUBTITLE VARCHAR, ZIMPORTQUESTIONSDATA BLOB, ZINPUTCLASSESDATA BLOB, ZOUTPUTCLASSESDATA BLOB, ZWORKFLOWTYPESDATA BLOB );
CREATE TABLE ZSHORTCUTACTIONS ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZSHORTCUT INTEGER, ZDATA BLOB );
CREATE TABLE ZSHORTCUTICON ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZBACKGROUNDCOLORVALUE INTEGER, ZGLYPHCHARACTER INTEGER, ZSHORTCUT INTEGER, ZCUSTOMIMAGEDATA BLOB );
CREATE TABLE Z_PRIMARYKEY (Z_ENT INTEGER PRIMARY KEY, Z_NAME VARCHAR, Z_SUPER INTEGER, Z_MAX INTEGER);
CREATE TABLE Z_METADATA (Z_VERSION INTEGER PRIMARY KEY, Z_UUID VARCHAR(255), Z_PLIST BLOB);
CREATE INDEX ZSHORTCUTACTIONS_ZSHORTCUT_INDEX ON ZSHORTCUTACTIONS (ZSHORTCUT);
`;

type Action = { WFWorkflowActionIdentifier: string; WFWorkflowActionParameters: Record<string, unknown> };

const TEMPLATES: { name: string; description: string; actions: (g: GenContext) => Action[] }[] = [
  {
    name: "Morning News",
    description: "Open URLs",
    actions: () => [{ WFWorkflowActionIdentifier: "is.workflow.actions.openurl", WFWorkflowActionParameters: { WFInput: "https://www.bbc.com/news" } }],
  },
  {
    name: "Home ETA",
    description: "Get Travel Time, Send Message",
    actions: (g) => [
      { WFWorkflowActionIdentifier: "is.workflow.actions.gettraveltime", WFWorkflowActionParameters: { WFDestination: "Home" } },
      { WFWorkflowActionIdentifier: "is.workflow.actions.sendmessage", WFWorkflowActionParameters: { WFSendMessageContent: `On my way ${g.rng.int(1, 9)}` } },
    ],
  },
  {
    name: "Low Power",
    description: "Set Low Power Mode",
    actions: () => [{ WFWorkflowActionIdentifier: "is.workflow.actions.lowpowermode.set", WFWorkflowActionParameters: { OnValue: true } }],
  },
];

export function generateShortcuts(db: import("better-sqlite3").Database, g: GenContext): void {
  db.exec(SHORTCUTS_SCHEMA);
  const n = Math.max(3, Math.round(g.rows / 1000));
  const insShortcut = db.prepare(
    `INSERT INTO ZSHORTCUT (Z_PK, Z_ENT, Z_OPT, ZACTIONCOUNT, ZHIDDEN, ZRUNEVENTSCOUNT, ZTOMBSTONED, ZCREATIONDATE, ZMODIFICATIONDATE,
       ZACTIONSDESCRIPTION, ZNAME, ZWORKFLOWID, ZMINIMUMCLIENTVERSION) VALUES (?, 4, 1, ?, 0, ?, 0, ?, ?, ?, ?, ?, '900')`,
  );
  const insActions = db.prepare("INSERT INTO ZSHORTCUTACTIONS (Z_PK, Z_ENT, Z_OPT, ZSHORTCUT, ZDATA) VALUES (?, 5, 1, ?, ?)");
  const list = Array.from({ length: n }, (_, i) => TEMPLATES[i % TEMPLATES.length]);
  if (g.plant?.domains.length) {
    const domain = g.plant.domains[0];
    list.push({
      name: "Update Settings",
      description: "Open URLs",
      actions: () => [{ WFWorkflowActionIdentifier: "is.workflow.actions.openurl", WFWorkflowActionParameters: { WFInput: `https://${domain}/cfg/${g.rng.hex(6)}` } }],
    });
  }
  db.transaction(() => {
    list.forEach((t, i) => {
      const created = g.now - 978307200 - g.rng.int(86400, 90 * 86400);
      const actions = t.actions(g);
      insShortcut.run(i + 1, actions.length, g.rng.int(0, 40), created, created + g.rng.int(0, 86400), t.description,
        i < TEMPLATES.length ? t.name : `${t.name} ${i + 1}`, g.rng.uuid());
      insActions.run(i + 1, i + 1, Buffer.from(xmlPlist(actions)));
    });
    db.prepare("INSERT INTO Z_PRIMARYKEY VALUES (4, 'Shortcut', 0, ?), (5, 'ShortcutActions', 0, ?)").run(list.length, list.length);
  })();
}

export const files: GeneratedFile[] = [
  { modules: ["shortcuts"], domain: "HomeDomain", relativePath: "Library/Shortcuts/Shortcuts.sqlite", sqlite: generateShortcuts },
];
