// An Android bugreport (the zip `adb bugreport` writes, or its extracted folder) as an Acquisition. The
// dumpstate text is found as MVT finds it: the file main_entry.txt names, else dumpState_*.log, else
// dumpsys.txt. Modules read service sections of it as streams of lines (never the whole text), and the
// files under FS/ (tombstones, file timestamps) through find().

import type { Acquisition, FileRef, FileSpec } from "../artifacts/module.js";
import { dumpsysSection, systemPropertiesSection, textLines } from "../artifacts/android/parsers/lines.js";
import { parseGetpropLine } from "../artifacts/android/parsers/getprop.js";
import type { Evidence } from "../evidence/evidence.js";
import { DeviceClock } from "../util/device-time.js";
import { isoFromUnixMs } from "../util/time.js";

/** Most files listed from a bugreport (real ones hold a few thousand). */
const MAX_LISTED = 500_000;

export class NotABugreportError extends Error {}

/** FileSpec.rootPath that stands for the dumpstate text, wherever the bugreport keeps it. */
export const DUMPSTATE = "<dumpstate>";

function likeRegExp(like: string): RegExp {
  const re = like.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/%/g, ".*").replace(/_/g, ".");
  return new RegExp(`^${re}$`, "s");
}

export class AndroidBugreport implements Acquisition {
  readonly kind = "android_bugreport";
  readonly platform = "android" as const;
  /** Problems met while opening (for info.json). */
  readonly problems: string[] = [];
  /** The device's IANA time zone once deviceClock() has resolved; null when unknown. */
  timezone: string | null = null;
  private clock: Promise<DeviceClock> | null = null;

  private constructor(
    readonly evidence: Evidence,
    /** Path of the dumpstate text inside the evidence; null when none was found. */
    readonly dumpstate: string | null,
    private readonly listing: string[],
  ) {}

  static async open(evidence: Evidence): Promise<AndroidBugreport> {
    const files = await listFiles(evidence);
    const has = new Set(files.listing);
    let dumpstate: string | null = null;
    const problems: string[] = [...files.problems];
    if (has.has("main_entry.txt")) {
      const named = new TextDecoder().decode(await evidence.read("main_entry.txt", { maxBytes: 4096 })).trim();
      if (has.has(named)) dumpstate = named;
      else problems.push(`main_entry.txt names "${named}", which is not in the bugreport`);
    }
    dumpstate ??= files.listing.find((f) => /^dumpState_[^/]*\.log$/.test(f)) ?? (has.has("dumpsys.txt") ? "dumpsys.txt" : null);
    if (!dumpstate && !files.listing.some((f) => f.startsWith("FS/"))) {
      throw new NotABugreportError(
        `${evidence.label} does not look like an Android bugreport: no main_entry.txt, dumpState_*.log, dumpsys.txt or FS/ folder`,
      );
    }
    if (!dumpstate) problems.push("no dumpstate text (main_entry.txt, dumpState_*.log, dumpsys.txt): the dumpsys modules have nothing to read");
    const br = new AndroidBugreport(evidence, dumpstate, files.listing);
    br.problems.push(...problems);
    return br;
  }

  /** Every file of the bugreport, sorted. */
  files(): string[] {
    return this.listing;
  }

  async *find(spec: FileSpec): AsyncIterable<FileRef> {
    if (spec.rootPath === DUMPSTATE) {
      if (this.dumpstate) yield { path: this.dumpstate, relativePath: this.dumpstate };
      return;
    }
    const exact = spec.rootPath ?? spec.path;
    if (exact !== undefined) {
      if (this.listing.includes(exact)) yield { path: exact, relativePath: exact };
      return;
    }
    if (spec.pathLike !== undefined) {
      const re = likeRegExp(spec.pathLike);
      for (const f of this.listing) if (re.test(f)) yield { path: f, relativePath: f };
    }
  }

  /** The dumpstate text as batches of lines (read and decoded as the consumer pulls). */
  lines(): AsyncIterable<string[]> {
    if (!this.dumpstate) throw new Error("the bugreport has no dumpstate text");
    return textLines(this.evidence.stream(this.dumpstate));
  }

  /** Lines of "DUMP OF SERVICE <service>:" up to the dashed separator. */
  section(service: string, seen?: { found: boolean }): AsyncIterable<string[]> {
    return dumpsysSection(this.lines(), service, seen);
  }

  systemProperties(seen?: { found: boolean }): AsyncIterable<string[]> {
    return systemPropertiesSection(this.lines(), seen);
  }

  /** The phone's clock from persist.sys.timezone in the dumpstate's system properties (UTC when unknown). */
  deviceClock(): Promise<DeviceClock> {
    this.clock ??= (async () => {
      let tz: string | null = null;
      if (this.dumpstate) {
        try {
          outer: for await (const batch of this.systemProperties()) {
            for (const l of batch) {
              const p = parseGetpropLine(l);
              if (p?.name === "persist.sys.timezone") {
                tz = p.value;
                break outer;
              }
            }
          }
        } catch (e) {
          this.problems.push(`system properties: ${e instanceof Error ? e.message : String(e)} (time zone unknown)`);
        }
      }
      const clock = new DeviceClock(tz);
      this.timezone = clock.timezone;
      if (tz && !clock.timezone) this.problems.push(`unknown time zone "${tz}" in persist.sys.timezone: local times not converted to UTC`);
      return clock;
    })();
    return this.clock;
  }

  /** A file's modification time as MVT shows it: a zip's stored DOS time (the phone's local time), or a
   *  folder file's mtime in UTC. */
  async modifiedTime(path: string): Promise<string | null> {
    const ev = this.evidence as Evidence & { modified?(p: string): string | null };
    if (typeof ev.modified === "function") {
      const m = ev.modified(path);
      return m ? `${m}.000000` : null;
    }
    const st = await this.evidence.stat(path);
    return st?.mtime !== undefined ? isoFromUnixMs(st.mtime) : null;
  }

  /** True when modified times are the phone's local clock (zip DOS times) rather than UTC. */
  get localFileTimes(): boolean {
    return typeof (this.evidence as { modified?: unknown }).modified === "function";
  }

  info(): Record<string, unknown> {
    return { bugreport: { dumpstate: this.dumpstate, files: this.listing.length, timezone: this.timezone, problems: this.problems } };
  }
}

async function listFiles(evidence: Evidence): Promise<{ listing: string[]; problems: string[] }> {
  const out: string[] = [];
  const problems: string[] = [];
  const pending = [""];
  while (pending.length) {
    const dir = pending.pop()!;
    for (const name of await evidence.list(dir)) {
      const rel = dir ? `${dir}/${name}` : name;
      const st = await evidence.stat(rel);
      if (!st) continue;
      if (st.isDirectory) pending.push(rel);
      else out.push(rel);
      if (out.length >= MAX_LISTED) {
        problems.push(`the bugreport holds more than ${MAX_LISTED} files; only the first ${MAX_LISTED} were considered`);
        return { listing: out.sort(), problems };
      }
    }
  }
  return { listing: out.sort(), problems };
}

/** The bugreport a module runs on. */
export function bugreportOf(acquisition: Acquisition): AndroidBugreport {
  if (acquisition instanceof AndroidBugreport) return acquisition;
  throw new Error(`this module reads Android bugreports, not ${acquisition.kind}`);
}
