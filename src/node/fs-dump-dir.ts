// A folder holding an iOS filesystem extraction, walked read-only without following symbolic links (a link
// in a dump may point anywhere on the examiner's machine). Reads stay confined to the folder (DirectoryEvidence).

import { lstatSync, readdirSync, type Dirent, type Stats } from "node:fs";
import path from "node:path";
import type { FsEntry, FsTreeEvidence, WalkOptions } from "../core/formats/ios-fs.js";
import { DirectoryEvidence } from "./evidence-dir.js";
import { EvidenceError } from "../core/evidence/evidence.js";

function typeOf(st: Stats | Dirent): FsEntry["type"] {
  return st.isFile() ? "file" : st.isDirectory() ? "directory" : st.isSymbolicLink() ? "symlink" : "other";
}

/** Entries handed out between yields to the event loop while walking. */
const BATCH = 2048;

export class FsDumpDirectory extends DirectoryEvidence implements FsTreeEvidence {
  private readonly unreadable = new Set<string>();

  static override async open(root: string): Promise<FsDumpDirectory> {
    const base = await DirectoryEvidence.open(root);
    return new FsDumpDirectory(base.label);
  }

  problems(): string[] {
    return [...this.unreadable];
  }

  /** The folder a dump-relative folder lives in, or null when it leaves the dump or is absent. */
  private async absFolder(rel: string): Promise<string | null> {
    try {
      return await this.resolve(rel);
    } catch (e) {
      if (e instanceof EvidenceError) this.unreadable.add(`${rel}: ${e.message.slice(rel.length + 2)}`);
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

  async *walk(dir = "", opts: WalkOptions = {}): AsyncIterable<FsEntry> {
    const start = dir.replace(/^\/+|\/+$/g, "");
    const abs = await this.absFolder(start);
    if (!abs) return;
    // Depth first with an explicit stack: a dump can be deeper than the call stack allows.
    const stack: [abs: string, rel: string][] = [[abs, start]];
    let batch = 0;
    while (stack.length) {
      const [folderAbs, folderRel] = stack.pop()!;
      let dirents: Dirent[];
      try {
        dirents = readdirSync(folderAbs, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      } catch (e) {
        // The start folder may simply be absent; anything else below it is a gap.
        if (folderRel !== start || (e as NodeJS.ErrnoException).code !== "ENOENT") {
          this.unreadable.add(`${folderRel || "."}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
        }
        continue;
      }
      const subfolders: [string, string][] = [];
      for (const d of dirents) {
        const name = d.name;
        const a = path.join(folderAbs, name);
        const r = folderRel ? `${folderRel}/${name}` : name;
        if (opts.names && typeOf(d) !== "other") {
          // readdir's own types (never a followed link): no lstat per entry.
          const e: FsEntry = { path: r, type: typeOf(d), size: 0, mtime: null };
          yield e;
          if (e.type === "directory") subfolders.push([a, r]);
          continue;
        }
        let st: Stats | undefined;
        try {
          st = lstatSync(a, { throwIfNoEntry: false });
        } catch (e) {
          this.unreadable.add(`${r}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
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
