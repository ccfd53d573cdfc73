// Package names and installer ids that Android heuristics look for (MVT's lists, mvt/android/utils.py).

export const ROOT_PACKAGES = new Set([
  "com.noshufou.android.su",
  "com.noshufou.android.su.elite",
  "eu.chainfire.supersu",
  "com.koushikdutta.superuser",
  "com.thirdparty.superuser",
  "com.yellowes.su",
  "com.koushikdutta.rommanager",
  "com.koushikdutta.rommanager.license",
  "com.dimonvideo.luckypatcher",
  "com.chelpus.lackypatch",
  "com.ramdroid.appquarantine",
  "com.ramdroid.appquarantinepro",
  "com.devadvance.rootcloak",
  "com.devadvance.rootcloakplus",
  "de.robv.android.xposed.installer",
  "com.saurik.substrate",
  "com.zachspong.temprootremovejb",
  "com.amphoras.hidemyroot",
  "com.amphoras.hidemyrootadfree",
  "com.formyhm.hiderootPremium",
  "com.formyhm.hideroot",
  "me.phh.superuser",
  "eu.chainfire.supersu.pro",
  "com.kingouser.com",
  "com.topjohnwu.magisk",
]);

/** Packages whose disabling turns off Play Protect or vendor security agents. */
export const SECURITY_PACKAGES = new Set([
  "com.policydm",
  "com.samsung.android.app.omcagent",
  "com.samsung.android.securitylogagent",
  "com.sec.android.soagent",
]);

/** Google Play services: delivers system updates (MVT's list) and runs Play Protect. */
export const PLAY_PROTECT = "com.google.android.gms";
/** How an alert names it. */
export const PLAY_PROTECT_NOTE = " (Google Play services, which runs Play Protect)";

/** Packages that deliver system (OTA) updates. */
export const SYSTEM_UPDATE_PACKAGES = new Set([
  "com.android.updater",
  "com.google.android.gms",
  "com.huawei.android.hwouc",
  "com.lge.lgdmsclient",
  "com.motorola.ccc.ota",
  "com.oneplus.opbackup",
  "com.oppo.ota",
  "com.transsion.systemupdate",
  "com.wssyncmldm",
]);

export const PLAY_STORE_INSTALLERS = new Set(["com.android.vending"]);
export const THIRD_PARTY_STORE_INSTALLERS = new Set(["com.aurora.store", "org.fdroid.fdroid"]);
/** The system package installer: what installs an APK opened from a browser download or a file manager. */
export const BROWSER_INSTALLERS = new Set(["com.google.android.packageinstaller", "com.android.packageinstaller"]);
