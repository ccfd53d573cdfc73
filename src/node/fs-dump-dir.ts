// A folder holding an iOS filesystem extraction, walked read-only without following symbolic links (a link
// in a dump may point anywhere on the examiner's machine). Reads stay confined to the folder (DirectoryEvidence).

import { lstatSync, readdirSync, type Stats } from "node:fs";
import path from "node:path";
import type { FsEntry, FsTreeEvidence } from "../core/formats/ios-fs.js";
import { DirectoryEvidence } from "./evidence-dir.js";
import { EvidenceError } from "../core/evidence/evidence.js";

function typeOf(st: Stats): FsEntry["type"] {
  return st.isFile() ? "file" : st.isDirectory() ? "directory" : st.isSymbolicLink() ? "symlink" : "other";
}

/** Entries handed out between yields to the event loop while walking. */
const BATCH = 2048;

export class FsDumpDirectory extends DirectoryEvidence implements FsTreeEvidence {
  private readonly unreadable: string[] = [];

  static override async open(root: string): Promise<FsDumpDirectory> {
    const base = await DirectoryEvidence.open(root);
    return new FsDumpDirectory(base.label);
  }

  problems(): string[] {
    return this.unreadable;
  }

  /** The folder a dump-relative folder lives in, or null when it leaves the dump or is absent. */
  private async absFolder(rel: string): Promise<string | null> {
    try {
      return await this.resolve(rel);
    } catch (e) {
      if (e instanceof EvidenceError) this.unreadable.push(`${rel}: ${e.message.slice(rel.length + 2)}`);
      return null;
    }
  }

  async entry(rel: string): Promise<FsEntry | null> {
    const clean = rel.replace(/^\/+|\/+$/g, "");
    const slash = clean.lastIndexOf("/");
    const parent = await this.absFolder(slash === -1 ? "" : clean.slice(0, slash)).catch(() => null);
    if (!parent) return null;
    const st = lstatSync(path.join(parent, clean.slice(slash + 1)), { throwIfNoEntry: false });
    if (!st) return null;
    return { path: clean, type: typeOf(st), size: st.size, mtime: st.mtimeMs / 1000 };
  }

  async *walk(dir = ""): AsyncIterable<FsEntry> {
    const start = dir.replace(/^\/+|\/+$/g, "");
    const abs = await this.absFolder(start);
    if (!abs) return;
    // Depth first with an explicit stack: a dump can be deeper than the call stack allows.
    const stack: [abs: string, rel: string][] = [[abs, start]];
    let batch = 0;
    while (stack.length) {
      const [folderAbs, folderRel] = stack.pop()!;
      let names: string[];
      try {
        names = readdirSync(folderAbs).sort();
      } catch (e) {
        // The start folder may simply be absent; anything else below it is a gap.
        if (folderRel !== start || (e as NodeJS.ErrnoException).code !== "ENOENT") {
          this.unreadable.push(`${folderRel || "."}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
        }
        continue;
      }
      const subfolders: [string, string][] = [];
      for (const name of names) {
        const a = path.join(folderAbs, name);
        const r = folderRel ? `${folderRel}/${name}` : name;
        let st: Stats | undefined;
        try {
          st = lstatSync(a, { throwIfNoEntry: false });
        } catch (e) {
          this.unreadable.push(`${r}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
          continue;
        }
        if (!st) continue;
        const e: FsEntry = { path: r, type: typeOf(st), size: st.size, mtime: st.mtimeMs / 1000 };
        yield e;
        if (e.type === "directory") subfolders.push([a, r]);
        if (++batch % BATCH === 0) await new Promise((res) => setImmediate(res));
      }
      // Reverse so that folders come out in name order.
      for (let i = subfolders.length - 1; i >= 0; i--) stack.push(subfolders[i]);
    }
  }
}
