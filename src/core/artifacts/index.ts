// Every artifact module spyscope knows, by platform; check-iocs finds modules by id here.

import type { ArtifactModule } from "./module.js";
import { IOS_BACKUP_MODULES } from "./ios/index.js";
import { ANDROID_BACKUP_MODULES } from "./android/backup/index.js";
import { INTRUSION_LOG_MODULES } from "./android/intrusion/index.js";
import { IOS_FS_ONLY_MODULES } from "./ios/fs/index.js";
import { SYSDIAGNOSE_MODULES } from "./sysdiagnose/index.js";
import { ANDROID_BUGREPORT_MODULES } from "./android/bugreport/index.js";
import { ANDROIDQF_MODULES } from "./android/androidqf/index.js";
import { androidExposure } from "./android/exposure.js";
import type { Platform } from "../types.js";

export { IOS_BACKUP_MODULES, ANDROID_BACKUP_MODULES, INTRUSION_LOG_MODULES, ANDROID_BUGREPORT_MODULES, ANDROIDQF_MODULES };

/** Ids are output file stems: unique within a platform. iOS and Android both have "sms" (MVT's stem on
 *  both); check-iocs tells them apart with ArtifactModule.claims. */
export const ALL_MODULES: ArtifactModule<any>[] = [...IOS_BACKUP_MODULES, ...IOS_FS_ONLY_MODULES, ...SYSDIAGNOSE_MODULES, ...ANDROID_BACKUP_MODULES, ...INTRUSION_LOG_MODULES, ...ANDROID_BUGREPORT_MODULES, ...ANDROIDQF_MODULES, androidExposure];

export function moduleById(id: string, platform?: Platform): ArtifactModule<any> | undefined {
  return ALL_MODULES.find((m) => m.id === id && (!platform || m.platform === platform));
}
