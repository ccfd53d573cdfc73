// Modules that run on an Android backup (.ab): `check-android-backup`, and androidqf's backup.ab.

import type { ArtifactModule } from "../../module.js";
import { androidBackupSms } from "./sms.js";

export { androidBackupSms };

export const ANDROID_BACKUP_MODULES: ArtifactModule<any>[] = [androidBackupSms];

/** The backup entries these modules read: what AndroidBackup.open keeps while it streams the backup. */
export const ANDROID_BACKUP_SOURCES = ANDROID_BACKUP_MODULES.flatMap((m) => m.sources);
