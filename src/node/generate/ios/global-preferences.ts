// Synthetic HomeDomain Library/Preferences/.GlobalPreferences.plist (binary plist as on the device), with
// Lockdown Mode (LDMGlobalEnabled) on or off depending on the seed.

import { writeBinaryPlist, PlistReal } from "../../../core/formats/bplist-writer.js";
import type { GeneratedFile, GenContext } from "./types.js";

export function globalPreferencesPlist(g: GenContext, lockdown?: boolean): Uint8Array {
  const ldm = lockdown ?? g.rng.next() < 0.5;
  return writeBinaryPlist({
    WebKitShowLinkPreviews: false,
    AddingEmojiKeybordHandled: true,
    AKLastEmailListRequestDateKey: new Date((g.now - 86400) * 1000 + 150),
    AKLastIDMSEnvironment: 0,
    AppleLanguagesDidMigrate: "20G75",
    AppleLanguages: ["en-US", "fr-FR"],
    AppleLanguagesSchemaVersion: 3000,
    AKLastLocale: "en_US",
    AppleKeyboardsExpanded: 1,
    AppleKeyboards: ["en_US", "fr_FR", "emoji"],
    PKKeychainVersionKey: 8,
    LDMGlobalEnabled: ldm,
    AppleLocale: "en_US",
    ApplePasscodeKeyboards: ["en_US@sw=QWERTY;hw=Automatic", "emoji@sw=Emoji"],
    NSTextSize: new PlistReal(1),
  });
}

export const files: GeneratedFile[] = [
  {
    modules: ["global_preferences"],
    domain: "HomeDomain",
    relativePath: "Library/Preferences/.GlobalPreferences.plist",
    bytes: (g) => globalPreferencesPlist(g),
  },
];
