// Modules of `check-fs`: the filesystem-only ones (MVT's FS_MODULES, in its order), then every backup module
// that names its files by domain (they resolve through the domain → folder mapping of formats/ios-fs.ts).

import type { ArtifactModule } from "../../module.js";
import { IOS_BACKUP_MODULES } from "../index.js";
import { analytics } from "./analytics.js";
import { analyticsIosVersions } from "./analytics-ios-versions.js";
import { cacheFiles } from "./cache-files.js";
import { filesystem } from "./filesystem.js";
import { iosVersionHistory } from "./ios-version-history.js";
import { netusage } from "./netusage.js";
import { safariFavicon } from "./safari-favicon.js";
import { shutdownLogFs } from "./shutdown-log.js";
import { webkitIndexedDB } from "./webkit-indexeddb.js";
import { webkitLocalStorage } from "./webkit-local-storage.js";
import { webkitSafariViewService } from "./webkit-safari-view-service.js";

/** The filesystem-only modules that no other acquisition has (registered in ALL_MODULES). */
export const IOS_FS_ONLY_MODULES: ArtifactModule<any>[] = [
  cacheFiles,
  filesystem,
  netusage,
  analytics,
  analyticsIosVersions,
  safariFavicon,
  iosVersionHistory,
  webkitIndexedDB,
  webkitLocalStorage,
  webkitSafariViewService,
];

/** A backup module runs on a dump unless all it reads are files at the root of a backup folder. */
const readsDomainFiles = (m: ArtifactModule<any>) => m.sources.some((s) => s.rootPath === undefined || s.fsPath !== undefined);

/** shutdown_log is the sysdiagnose module (registered there) pointed at the dump's copy of the log. */
export const IOS_FS_MODULES: ArtifactModule<any>[] = [
  cacheFiles,
  filesystem,
  netusage,
  analytics,
  analyticsIosVersions,
  safariFavicon,
  shutdownLogFs,
  iosVersionHistory,
  webkitIndexedDB,
  webkitLocalStorage,
  webkitSafariViewService,
  ...IOS_BACKUP_MODULES.filter(readsDomainFiles),
];
