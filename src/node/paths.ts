// Where a path really is: evidence checks compare real paths, so a symbolic link (to the evidence, or in the
// path to it) cannot make an output folder inside the evidence look like it is outside.

import { realpathSync } from "node:fs";
import path from "node:path";

/** The real path of `p`, also when it does not exist yet: its nearest existing ancestor resolved through
 *  symbolic links, with the missing components appended. */
export function realPathOf(p: string): string {
  const missing: string[] = [];
  let at = path.resolve(p);
  for (;;) {
    try {
      return path.join(realpathSync(at), ...missing.reverse());
    } catch {
      const parent = path.dirname(at);
      if (parent === at) return path.resolve(p);
      missing.push(path.basename(at));
      at = parent;
    }
  }
}

/** Whether `child` is `parent` or below it (both absolute, real paths). */
export function isInside(parent: string, child: string): boolean {
  return child === parent || child.startsWith(parent + path.sep);
}
