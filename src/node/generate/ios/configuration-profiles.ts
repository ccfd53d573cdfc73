// Synthetic installed configuration profile stubs (Library/ConfigurationProfiles/profile-<hash>.stub):
// a Wi-Fi profile, and when planting a profile carrying a com.apple.notificationsettings payload.

import type { GeneratedFile, GenContext } from "./types.js";
import { Real, xmlPlist } from "./plist-xml.js";

export const CONF_PROFILES_DOMAIN = "SysSharedContainerDomain-systemgroup.com.apple.configurationprofiles";

function profile(g: GenContext, name: string, description: string, identifier: string, payloadType: string, extra: Record<string, unknown>) {
  return {
    PayloadDisplayName: name,
    PayloadDescription: description,
    PayloadIdentifier: identifier,
    PayloadOrganization: "Example Org",
    PayloadType: "Configuration",
    PayloadUUID: g.rng.uuid(),
    PayloadVersion: 1,
    PayloadRemovalDisallowed: false,
    PayloadContent: [
      { PayloadType: payloadType, PayloadIdentifier: `${identifier}.p1`, PayloadUUID: g.rng.uuid(), PayloadVersion: 1, PayloadDisplayName: name, ...extra },
    ],
    InstallDate: new Date((g.now - g.rng.int(86400, 60 * 86400)) * 1000),
    InstallOptions: { isInstalledByMDM: false, installDate: new Real(0) },
    IsEncrypted: false,
    SignerCerts: [Uint8Array.from([0x30, 0x82, 0x01, 0x0a, 0x02, 0x82])],
  };
}

export const files: GeneratedFile[] = [
  {
    modules: ["configuration_profiles"],
    domain: CONF_PROFILES_DOMAIN,
    relativePath: "Library/ConfigurationProfiles/profile-4f1a1c0d2e3b4a5968778695a4b3c2d1e0f1a2b3c4d5e6f708192a3b4c5d6e7f.stub",
    bytes: (g) => xmlPlist(profile(g, "Office Wi-Fi", "Wi-Fi settings for the office", "org.example.wifi", "com.apple.wifi.managed", { SSID_STR: "ExampleOffice", HIDDEN_NETWORK: false })),
  },
  {
    modules: ["configuration_profiles"],
    domain: CONF_PROFILES_DOMAIN,
    relativePath: "Library/ConfigurationProfiles/profile-9a8b7c6d5e4f30211203f4e5d6c7b8a99a8b7c6d5e4f30211203f4e5d6c7b8a9.stub",
    bytes: (g) =>
      g.plant
        ? xmlPlist(
            profile(g, "Carrier Update", "Improves network performance", "com.carrier.update", "com.apple.notificationsettings", {
              NotificationSettings: [{ BundleIdentifier: "com.apple.MobileSMS", NotificationsEnabled: false }],
            }),
          )
        : xmlPlist(profile(g, "Mail Account", "Work e-mail", "org.example.mail", "com.apple.mail.managed", { EmailAccountType: "EmailTypeIMAP" })),
  },
];
