// WebKit website-data folders hold one entry per origin, named like "https_example.com_0": the sites an app's
// web views stored data for. Shared by webkit_indexeddb, webkit_local_storage and webkit_safari_view_service.

import { artifact, event, urlFields } from "../../module.js";
import type { ArtifactModule } from "../../module.js";
import type { RecordData } from "../../../types.js";
import { IosFilesystem } from "../../../formats/ios-fs.js";
import { isoFromUnix } from "../../../util/time.js";

export interface WebkitFolderRecord extends RecordData {
  folder: string;
  url: string;
  isodate: string | null;
}

/** "https_www.example.com_0" → "https://www.example.com" (MVT's reading of the origin folder names). */
export function originUrl(name: string): string {
  return name.replace("http_", "http://").replace("https_", "https://").split("_")[0];
}

export function webkitFolderModule(a: {
  id: string;
  timelineName: string;
  event: string;
  description: string;
  folder: string;
  data: (r: WebkitFolderRecord) => string;
}): ArtifactModule<WebkitFolderRecord> {
  return artifact<WebkitFolderRecord>({
    id: a.id,
    platform: "ios",
    timelineName: a.timelineName,
    description: a.description,
    sources: [{ fsPath: `private/var/mobile/Containers/Data/Application/*/${a.folder}/` }],
    async *records(ctx) {
      const fs = ctx.acquisition instanceof IosFilesystem ? ctx.acquisition : null;
      for await (const dir of ctx.files()) {
        const entry = fs ? await fs.evidence.entry(dir.path) : null;
        const isodate = isoFromUnix(entry?.mtime ?? null);
        for (const name of await ctx.evidence.list(dir.path)) {
          if (!name.startsWith("http")) continue;
          yield { folder: dir.path, url: originUrl(name), isodate };
        }
      }
    },
    observables: urlFields("url"),
    time: (r) => r.isodate,
    timeline: (r) => event(a.timelineName, r.isodate, a.event, a.data(r)),
  });
}
