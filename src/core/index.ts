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
export { webBackupCrypto, type BackupCrypto, type CbcDecryptor } from "./formats/backup-crypto.js";
export { Keybag, UnlockedKeybag, KeybagError, WrongPasswordError, derivedKeyFile, keyFromKeyFile, type DerivedKeyFile } from "./formats/ios-keybag.js";
export { DecryptingBackupEvidence, decryptCbcStream, encryptedFileRecord, type EncryptedFileRecord } from "./formats/ios-decrypt.js";
export * from "./formats/gzip.js";
export * from "./formats/tar.js";
export * from "./formats/byte-source.js";
export * from "./formats/zip.js";
export * from "./util/sha256.js";
export { AndroidBackup, type AndroidBackupOptions } from "./formats/android-backup-acquisition.js";
export { AndroidBackupError, PasswordRequiredError, WrongPasswordError as AndroidBackupWrongPasswordError, openAbStream, readAbHeader, type AbHeader } from "./formats/android-backup.js";
export { IntrusionLogs, type IntrusionEvent } from "./formats/intrusion-logs.js";
