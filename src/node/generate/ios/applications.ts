// Synthetic "Applications" dictionary of the backup's Info.plist: per app its iTunesMetadata (a plist in a
// data value) and a placeholder icon. Info.plist is a root file, not a Manifest.db entry, so `files` is empty and
// the backup driver merges `infoPlistApplications(g)` into the Info.plist it writes. When planting, an app
// sideloaded with a planted process name as bundle id.

import type { GeneratedFile, GenContext } from "./types.js";
import { xmlPlist } from "./plist-xml.js";

const APPS: [string, string, string, string][] = [
  ["net.whatsapp.WhatsApp", "WhatsApp Messenger", "WhatsApp Inc.", "23.10.77"],
  ["com.google.chrome.ios", "Google Chrome", "Google LLC", "118.0.5993.92"],
  ["org.mozilla.ios.Firefox", "Firefox Web Browser", "Mozilla", "119.0"],
  ["ph.telegra.Telegraph", "Telegram Messenger", "Telegram FZ-LLC", "10.2.1"],
  ["org.whispersystems.signal", "Signal - Private Messenger", "Signal Messenger, LLC", "6.42"],
];

function purchase(g: GenContext): string {
  return new Date((g.now - g.rng.int(86400, 400 * 86400)) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function metadata(g: GenContext, id: string, name: string, artist: string, version: string, sourceApp?: string) {
  return {
    artistName: artist,
    bundleShortVersionString: version,
    bundleVersion: version,
    itemId: g.rng.int(280000000, 1600000000),
    itemName: name,
    kind: "software",
    softwareVersionBundleId: id,
    ...(sourceApp ? { sourceApp } : {}),
    "com.apple.iTunesStore.downloadInfo": { accountInfo: { AppleID: "user@example.com" }, purchaseDate: purchase(g) },
  };
}

export function infoPlistApplications(g: GenContext): Record<string, unknown> {
  const apps: Record<string, unknown> = {};
  for (const [id, name, artist, version] of APPS) {
    apps[id] = {
      iTunesMetadata: xmlPlist(metadata(g, id, name, artist, version, g.rng.next() < 0.5 ? "com.apple.AppStore" : undefined)),
      PlaceholderIcon: Uint8Array.from([0x89, 0x50, 0x4e, 0x47, g.rng.int(0, 255)]),
      ApplicationSINF: Uint8Array.from([0, 0, 0, 1]),
    };
  }
  if (g.plant?.processes.length) {
    // MVT checks the bundle id against process indicators too, so the planted process name is the bundle id.
    const id = g.plant.processes[0];
    apps[id] = { iTunesMetadata: xmlPlist(metadata(g, id, "Device Services", "Services Ltd", "1.0", "com.apple.TestFlight.enterprise")) };
  }
  return apps;
}

export const files: GeneratedFile[] = [];
