// Contract between the synthetic iOS backup generator (generate/ios-backup.ts) and the per-artifact
// generators beside it (one file per database / plist, mirroring src/core/artifacts/ios/).

import type Database from "better-sqlite3";

/** Deterministic PRNG (mulberry32) so a seed always yields the same backup. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 0x9e3779b9;
  }
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
  hex(len: number): string {
    let s = "";
    while (s.length < len) s += Math.floor(this.next() * 16).toString(16);
    return s;
  }
  uuid(): string {
    const h = this.hex(32).toUpperCase();
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
}

/** Public indicator values to plant (taken by the driver from the bundled Pegasus STIX file). */
export interface PlantSet {
  domains: string[];
  processes: string[];
  emails: string[];
  filePaths: string[];
}

export interface GenContext {
  rng: Rng;
  /** Rows to create for the big tables (messages, visits, data-usage rows…); small tables scale down. */
  rows: number;
  /** Values to plant so a scan finds them; null for a backup without planted indicators. */
  plant: PlantSet | null;
  /** Unix seconds the synthetic "backup" was taken; generated times fall in the 90 days before. */
  now: number;
}

/** One file inside the synthetic backup. Exactly one of sqlite / bytes is set. */
export interface GeneratedFile {
  /** Module id(s) this file feeds, e.g. ["sms", "sms_attachments"]. */
  modules: string[];
  domain: string;
  relativePath: string;
  /** Create the real iOS schema and rows in a fresh database (the driver opens and closes it). */
  sqlite?: (db: Database.Database, g: GenContext) => void;
  /** Or the raw file content (plists). */
  bytes?: (g: GenContext) => Uint8Array;
}
