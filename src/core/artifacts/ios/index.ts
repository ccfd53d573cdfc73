// Every iOS backup module, in the order MVT runs them.

import type { ArtifactModule } from "../module.js";
import { backupInfo } from "./backup-info.js";
import { configurationProfiles } from "./configuration-profiles.js";
import { manifest } from "./manifest.js";
import { profileEvents } from "./profile-events.js";
import { calls } from "./calls.js";
import { chromeFavicon } from "./chrome-favicon.js";
import { chromeHistory } from "./chrome-history.js";
import { contacts } from "./contacts.js";
import { firefoxFavicon } from "./firefox-favicon.js";
import { firefoxHistory } from "./firefox-history.js";
import { idStatusCache } from "./id-status-cache.js";
import { interactionC } from "./interaction-c.js";
import { locationdClients } from "./locationd-clients.js";
import { osAnalyticsAdDaily } from "./os-analytics-ad-daily.js";
import { datausage } from "./datausage.js";
import { safariBrowserState } from "./safari-browser-state.js";
import { safariHistory } from "./safari-history.js";
import { tcc } from "./tcc.js";
import { sms } from "./sms.js";
import { smsAttachments } from "./sms-attachments.js";
import { webkitResourceLoadStatistics } from "./webkit-resource-load-statistics.js";
import { webkitSessionResourceLog } from "./webkit-session-resource-log.js";
import { whatsapp } from "./whatsapp.js";
import { whatsappContacts } from "./whatsapp-contacts.js";
import { shortcuts } from "./shortcuts.js";
import { applications } from "./applications.js";
import { calendar } from "./calendar.js";
import { globalPreferences } from "./global-preferences.js";
import { iosExposure } from "./exposure.js";

export const IOS_BACKUP_MODULES: ArtifactModule<any>[] = [
  backupInfo,
  configurationProfiles,
  manifest,
  profileEvents,
  calls,
  chromeFavicon,
  chromeHistory,
  contacts,
  firefoxFavicon,
  firefoxHistory,
  idStatusCache,
  interactionC,
  locationdClients,
  osAnalyticsAdDaily,
  datausage,
  safariBrowserState,
  safariHistory,
  tcc,
  sms,
  smsAttachments,
  webkitResourceLoadStatistics,
  webkitSessionResourceLog,
  whatsapp,
  whatsappContacts,
  shortcuts,
  applications,
  calendar,
  globalPreferences,
  iosExposure,
];
