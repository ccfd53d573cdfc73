// Synthetic WebKit ResourceLoadStatistics observations.db for Safari and one third-party browser (WebKit's
// schema with mostRecentUserInteractionTime); when planting, a planted domain is an observed domain.

import type Database from "better-sqlite3";
import type { GeneratedFile, GenContext } from "./types.js";

export const OBSERVATIONS_SCHEMA = `
CREATE TABLE ObservedDomains (domainID INTEGER PRIMARY KEY, registrableDomain TEXT NOT NULL UNIQUE ON CONFLICT FAIL, lastSeen REAL NOT NULL, hadUserInteraction INTEGER NOT NULL, mostRecentUserInteractionTime REAL NOT NULL, grandfathered INTEGER NOT NULL, isPrevalent INTEGER NOT NULL, isVeryPrevalent INTEGER NOT NULL, dataRecordsRemoved INTEGER NOT NULL,timesAccessedAsFirstPartyDueToUserInteraction INTEGER NOT NULL, timesAccessedAsFirstPartyDueToStorageAccessAPI INTEGER NOT NULL,isScheduledForAllButCookieDataRemoval INTEGER NOT NULL);
CREATE TABLE TopLevelDomains (topLevelDomainID INTEGER PRIMARY KEY, CONSTRAINT fkDomainID FOREIGN KEY(topLevelDomainID) REFERENCES ObservedDomains(domainID) ON DELETE CASCADE);
CREATE TABLE TopFrameUniqueRedirectsTo (sourceDomainID INTEGER NOT NULL, toDomainID INTEGER NOT NULL, FOREIGN KEY(sourceDomainID) REFERENCES ObservedDomains(domainID) ON DELETE CASCADE, FOREIGN KEY(toDomainID) REFERENCES ObservedDomains(domainID) ON DELETE CASCADE);
CREATE TABLE TopFrameUniqueRedirectsFrom (targetDomainID INTEGER NOT NULL, fromDomainID INTEGER NOT NULL, FOREIGN KEY(targetDomainID) REFERENCES ObservedDomains(domainID) ON DELETE CASCADE, FOREIGN KEY(fromDomainID) REFERENCES ObservedDomains(domainID) ON DELETE CASCADE);
CREATE TABLE SubresourceUnderTopFrameDomains (subresourceDomainID INTEGER NOT NULL, lastUpdated REAL NOT NULL, topFrameDomainID INTEGER NOT NULL, FOREIGN KEY(subresourceDomainID) REFERENCES ObservedDomains(domainID) ON DELETE CASCADE, FOREIGN KEY(topFrameDomainID) REFERENCES ObservedDomains(domainID) ON DELETE CASCADE);
`;

const TLDS = ["com", "net", "org", "io", "co.uk", "de"];

function observations(plantIndex: number) {
  return (db: Database.Database, g: GenContext): void => {
    db.exec(OBSERVATIONS_SCHEMA);
    const ins = db.prepare(
      `INSERT INTO ObservedDomains (registrableDomain, lastSeen, hadUserInteraction, mostRecentUserInteractionTime, grandfathered,
         isPrevalent, isVeryPrevalent, dataRecordsRemoved, timesAccessedAsFirstPartyDueToUserInteraction,
         timesAccessedAsFirstPartyDueToStorageAccessAPI, isScheduledForAllButCookieDataRemoval) VALUES (?, ?, ?, ?, 0, ?, 0, 0, 0, 0, 0)`,
    );
    const n = Math.max(5, Math.round(g.rows / 100));
    const seen = new Set<string>();
    db.transaction(() => {
      for (let i = 0; i < n; i++) {
        let d = `${g.rng.hex(6)}.${g.rng.pick(TLDS)}`;
        if (i === 0 && plantIndex >= 0 && g.plant && g.plant.domains.length > plantIndex) d = g.plant.domains[plantIndex];
        if (seen.has(d)) continue;
        seen.add(d);
        const last = Math.floor(g.now - g.rng.next() * 90 * 86400);
        const inter = g.rng.next() < 0.3;
        ins.run(d, last, inter ? 1 : 0, inter ? last - g.rng.next() * 3600 : -1, g.rng.next() < 0.1 ? 1 : 0);
      }
    })();
  };
}

const PATH = "Library/WebKit/WebsiteData/ResourceLoadStatistics/observations.db";

export const files: GeneratedFile[] = [
  { modules: ["webkit_resource_load_statistics"], domain: "AppDomain-com.apple.mobilesafari", relativePath: PATH, sqlite: observations(-1) },
  { modules: ["webkit_resource_load_statistics"], domain: "AppDomain-com.google.chrome.ios", relativePath: PATH, sqlite: observations(0) },
];
