// Every artifact module spyscope knows, by platform; check-iocs finds modules by id here.

import type { ArtifactModule } from "./module.js";
import { IOS_BACKUP_MODULES } from "./ios/index.js";

export { IOS_BACKUP_MODULES };

export const ALL_MODULES: ArtifactModule<any>[] = [...IOS_BACKUP_MODULES];

export function moduleById(id: string): ArtifactModule<any> | undefined {
  return ALL_MODULES.find((m) => m.id === id);
}
