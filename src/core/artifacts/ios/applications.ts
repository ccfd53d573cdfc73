// Applications from the backup's Info.plist: each "Applications" entry's iTunesMetadata (store, version,
// purchase date, the app that installed it).

import { artifact, event } from "../module.js";
import type { Observable, RecordData } from "../../types.js";
import { parsePlist, isPlistDict } from "../../formats/plist.js";
import { isoFromUnix } from "../../util/time.js";
import { errorText } from "../../util/errors.js";

/** Installers MVT accepts as legitimate (App Store, its product page extension, MDM). */
export const TRUSTED_INSTALLERS = ["com.apple.AppStore", "com.apple.AppStore.ProductPageExtension", "com.apple.dmd", "dmd"];

const s = (v: unknown) => (v === null || v === undefined ? "" : String(v));

/** "2021-05-04T10:11:12Z" → MVT time (read as UTC). */
function purchaseIso(v: unknown): string | null {
  if (v instanceof Date) return isoFromUnix(v.getTime() / 1000);
  if (typeof v !== "string") return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/.exec(v);
  if (!m) return null;
  return isoFromUnix(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) / 1000);
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await (globalThis as any).crypto.subtle.digest("SHA-256", bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export const applications = artifact({
  id: "applications",
  platform: "ios",
  timelineName: "Applications",
  description: "Installed applications and their store metadata (Info.plist Applications / iTunesMetadata)",
  // A filesystem dump has no Info.plist: each app bundle keeps its own iTunesMetadata.plist (MVT's FS path).
  sources: [{ rootPath: "Info.plist", fsPath: "private/var/containers/Bundle/Application/*/iTunesMetadata.plist" }],
  async *records(ctx) {
    for await (const { file, value } of ctx.plists()) {
      if (!isPlistDict(value)) continue;
      if (file.path.endsWith("/iTunesMetadata.plist")) {
        const entry: RecordData = { ...value, file_path: file.path };
        const dl = entry["com.apple.iTunesStore.downloadInfo"];
        if (isPlistDict(dl) && dl.purchaseDate) {
          const iso = purchaseIso(dl.purchaseDate);
          if (iso) entry.isodate = iso;
        }
        yield entry;
        continue;
      }
      const apps = value.Applications;
      if (!isPlistDict(apps)) continue;
      for (const [name, appData] of Object.entries(apps)) {
        const entry: RecordData = { name };
        const app = isPlistDict(appData) ? appData : {};
        const meta = app.iTunesMetadata;
        if (meta instanceof Uint8Array) {
          try {
            const parsed = parsePlist(meta);
            if (isPlistDict(parsed)) Object.assign(entry, parsed);
          } catch (e) {
            ctx.gap(`${file.path}:Applications/${name}/iTunesMetadata`, errorText(e));
          }
        }
        const dl = entry["com.apple.iTunesStore.downloadInfo"];
        if (isPlistDict(dl) && dl.purchaseDate) {
          const iso = purchaseIso(dl.purchaseDate);
          if (iso) entry.isodate = iso;
        }
        if (app.PlaceholderIcon instanceof Uint8Array) entry.icon_sha256 = await sha256Hex(app.PlaceholderIcon);
        yield entry;
      }
    }
  },
  *observables(r): Iterable<Observable> {
    const id = r.softwareVersionBundleId;
    if (typeof id === "string" && id) {
      yield { type: "app_id", value: id };
      yield { type: "process", value: id };
    }
  },
  time: (r) => (r.isodate as string | undefined) ?? null,
  timeline: (r) => event("Applications", r.isodate as string | null, "app_installed", `App ${s(r.name)} version ${s(r.bundleShortVersionString)} from ${s(r.artistName)} installed from ${s(r.sourceApp)}`),
  analyzer() {
    return {
      onRecord(r, emit) {
        const id = r.softwareVersionBundleId;
        if (typeof id !== "string" || !id) {
          emit({
            level: "medium",
            heuristic: "applications.no_bundle_id",
            message:
              `Application "${s(r.name)}" has store metadata without a softwareVersionBundleId, which App Store ` +
              `installs always carry. Find the app on the device and remove it if the user does not know it.`,
            record: r,
            eventTime: (r.isodate as string) ?? "",
          });
          return;
        }
        const source = r.sourceApp === undefined ? "com.apple.AppStore" : r.sourceApp;
        if (!TRUSTED_INSTALLERS.includes(String(source))) {
          emit({
            level: "medium",
            heuristic: "applications.not_from_app_store",
            message:
              `Application ${id} ("${s(r.name)}") was installed by ${s(source)}, not from the App Store or MDM. ` +
              `Confirm the user sideloaded it knowingly (TestFlight, enterprise certificate); otherwise remove it ` +
              `and have the device checked.`,
            record: r,
            eventTime: (r.isodate as string) ?? "",
          });
        }
      },
    };
  },
});
