// The browser-safe core of spyscope: no node:* imports anywhere below src/core.

export * from "./types.js";
export * from "./artifacts/module.js";
export * from "./artifacts/index.js";
export * from "./analysis/engine.js";
export * from "./evidence/evidence.js";
export * from "./formats/sqlite.js";
export * from "./formats/ios-backup.js";
export * from "./formats/plist.js";
export * from "./indicators/index.js";
export * from "./report/json.js";
export * from "./report/alerts.js";
export * from "./util/time.js";
export * from "./util/urls.js";
export * from "./formats/sqljs.js";
export * from "./formats/wal.js";
