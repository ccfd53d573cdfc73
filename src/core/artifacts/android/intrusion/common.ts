// Shared helpers of the intrusion-log modules: reading one event type, times of unknown unit, IP fields.

import { ArtifactError } from "../../../analysis/engine.js";
import { IntrusionLogs, type IntrusionEvent } from "../../../formats/intrusion-logs.js";
import type { ModuleContext } from "../../module.js";
import type { Observable } from "../../../types.js";
import { isoFromUnix } from "../../../util/time.js";

export function intrusionEvents(ctx: ModuleContext, type: string): AsyncIterable<IntrusionEvent> {
  const acq = ctx.acquisition;
  if (!(acq instanceof IntrusionLogs)) throw new ArtifactError(`${acq.kind} is not an intrusion-log acquisition`);
  return acq.events(type, ctx);
}

/** Epoch time → UTC ISO, the unit told by magnitude: DNS and connect events carry milliseconds, security
 *  events nanoseconds (SecurityEvent.getTimeNanos); seconds and microseconds are accepted too. */
export function isoFromEpochAny(v: unknown): string | null {
  const n = typeof v === "number" ? v : typeof v === "string" && /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isFinite(n) || n <= 0) return null;
  if (n < 1e11) return isoFromUnix(n);
  if (n < 1e14) return isoFromUnix(n / 1e3);
  if (n < 1e17) return isoFromUnix(n / 1e6);
  return isoFromUnix(n / 1e9);
}

/** Java's InetAddress.toString() is "hostname/address" or "/address": the address after the last "/". */
export function cleanIp(v: unknown): string | null {
  if (typeof v !== "string") return null;
  const ip = v.slice(v.lastIndexOf("/") + 1).trim();
  return ip || null;
}

const UNROUTABLE = new Set(["0.0.0.0", "::", "::1", "127.0.0.1"]);

export function ipObservable(ip: string | null): Observable | null {
  if (!ip || UNROUTABLE.has(ip)) return null;
  return { type: ip.includes(":") ? "ipv6" : "ipv4", value: ip };
}

/** Package-name-looking tokens of free text (an adb shell command names the app it acts on). */
export function packageNames(text: string): string[] {
  return [...new Set(text.match(/\b[a-zA-Z][\w]*(?:\.[a-zA-Z_][\w]*){1,}\b/g) ?? [])];
}
