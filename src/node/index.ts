// Node adapters and commands of spyscope.

export * from "./evidence-dir.js";
export * from "./sqlite.js";
export * from "./output.js";
export * from "./iocs.js";
export * from "./run-check.js";
export * from "./check-backup.js";
export * from "./check-iocs.js";
export * from "./backup-crypto.js";
export * from "./backup-key.js";
export * from "./decrypt-backup.js";
export * from "./file-source.js";
export * from "./check-bugreport.js";
export * from "./file-hash.js";
export * from "./exposure.js";
export * from "./temp-dirs.js";
export * from "./short-urls.js";
