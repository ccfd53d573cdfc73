// Every per-artifact generator file of the synthetic iOS backup (one per database / plist). Keep in sync
// with the files beside it: each exports `files: GeneratedFile[]`.

import type { GeneratedFile } from "./types.js";
import * as applications from "./applications.js";
import * as calendar from "./calendar.js";
import * as calls from "./calls.js";
import * as chromeFavicon from "./chrome-favicon.js";
import * as chromeHistory from "./chrome-history.js";
import * as configurationProfiles from "./configuration-profiles.js";
import * as contacts from "./contacts.js";
import * as datausage from "./datausage.js";
import * as firefoxFavicon from "./firefox-favicon.js";
import * as firefoxHistory from "./firefox-history.js";
import * as globalPreferences from "./global-preferences.js";
import * as idStatusCache from "./id-status-cache.js";
import * as interactionC from "./interaction-c.js";
import * as locationdClients from "./locationd-clients.js";
import * as osAnalyticsAdDaily from "./os-analytics-ad-daily.js";
import * as profileEvents from "./profile-events.js";
import * as safariBrowserState from "./safari-browser-state.js";
import * as safariHistory from "./safari-history.js";
import * as shortcuts from "./shortcuts.js";
import * as sms from "./sms.js";
import * as tcc from "./tcc.js";
import * as webkitResourceLoadStatistics from "./webkit-resource-load-statistics.js";
import * as webkitSessionResourceLog from "./webkit-session-resource-log.js";
import * as whatsappContacts from "./whatsapp-contacts.js";
import * as whatsapp from "./whatsapp.js";

/** Generator modules by file name (without .ts). */
export const GENERATOR_MODULES: Record<string, { files: GeneratedFile[] }> = {
  "applications": applications,
  "calendar": calendar,
  "calls": calls,
  "chrome-favicon": chromeFavicon,
  "chrome-history": chromeHistory,
  "configuration-profiles": configurationProfiles,
  "contacts": contacts,
  "datausage": datausage,
  "firefox-favicon": firefoxFavicon,
  "firefox-history": firefoxHistory,
  "global-preferences": globalPreferences,
  "id-status-cache": idStatusCache,
  "interaction-c": interactionC,
  "locationd-clients": locationdClients,
  "os-analytics-ad-daily": osAnalyticsAdDaily,
  "profile-events": profileEvents,
  "safari-browser-state": safariBrowserState,
  "safari-history": safariHistory,
  "shortcuts": shortcuts,
  "sms": sms,
  "tcc": tcc,
  "webkit-resource-load-statistics": webkitResourceLoadStatistics,
  "webkit-session-resource-log": webkitSessionResourceLog,
  "whatsapp-contacts": whatsappContacts,
  "whatsapp": whatsapp,
};

/** All generated files, in a stable order (by generator file name, then declaration order). */
export const ALL_GENERATED_FILES: GeneratedFile[] = Object.keys(GENERATOR_MODULES)
  .sort()
  .flatMap((k) => GENERATOR_MODULES[k].files);

export { infoPlistApplications } from "./applications.js";
export * from "./types.js";
