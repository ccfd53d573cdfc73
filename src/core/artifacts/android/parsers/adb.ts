// `dumpsys adb`: the ADB debugging manager's state, above all the host keys the phone trusts for USB/Wi-Fi
// debugging ("user_keys=" lines, and the keystore as XML or binary ABX with last connection times).

import { md5Hex } from "../../../util/md5.js";

export interface AdbKey {
  user: string;
  /** MD5 of the decoded key, "AA:BB:…" as Android shows it. */
  fingerprint: string;
  key: string;
  /** Last connection, ms since 1970 (XML keystores only). */
  last_connected?: number;
}

export interface AdbState {
  connected_to_adb: string | null;
  last_key_received: string | null;
  user_keys: AdbKey[];
  keystore: AdbKey[];
  [k: string]: unknown;
}

function base64Bytes(b64: string): Uint8Array | null {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || b64.length % 4 !== 0) return null;
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** A key line ("<base64> user@host") → key info; null when it is not a key. */
export function adbKeyInfo(line: string): AdbKey | null {
  const t = line.trim();
  const sp = t.indexOf(" ");
  const key = sp >= 0 ? t.slice(0, sp) : t;
  const raw = base64Bytes(key);
  if (!raw) return null;
  const fp = md5Hex(raw).toUpperCase().match(/../g)!.join(":");
  return { user: sp >= 0 ? t.slice(sp + 1) : "", fingerprint: fp, key };
}

/** Parse the lines of an adb section (null when it holds no debugging_manager block). */
export function parseAdbState(lines: string[]): AdbState | null {
  const state: AdbState = { connected_to_adb: null, last_key_received: null, user_keys: [], keystore: [] };
  let seen = false;
  let inUserKeys = false;
  for (const line of lines) {
    const t = line.trim();
    if (t.startsWith("debugging_manager={")) seen = true;
    if (inUserKeys) {
      if (t === "") {
        inUserKeys = false;
        continue;
      }
      const k = adbKeyInfo(t);
      if (k) state.user_keys.push(k);
      continue;
    }
    if (t.startsWith("connected_to_adb=")) state.connected_to_adb = t.slice(17);
    else if (t.startsWith("last_key_received=")) state.last_key_received = t.slice(18);
    else if (t.startsWith("user_keys=")) {
      inUserKeys = true;
      const k = adbKeyInfo(t.slice(10));
      if (k) state.user_keys.push(k);
    }
    for (const m of t.matchAll(/<adbKey key="([^"]+)"(?: lastConnection="(\d+)")?/g)) {
      const k = adbKeyInfo(m[1]);
      if (!k) continue;
      if (m[2]) k.last_connected = Number(m[2]);
      state.keystore.push(k);
    }
    if (t.startsWith("keystore=ABX") || (t.includes("adbKey") && !t.includes("<adbKey"))) {
      // Binary XML: the key attribute is a length-prefixed string; the base64 key and its comment are ASCII.
      for (const m of t.matchAll(/([A-Za-z0-9+/]{40,}={0,2}) ([\x21-\x7e]+@[\x21-\x7e]*?[A-Za-z0-9.-]+)/g)) {
        const k = adbKeyInfo(`${m[1]} ${m[2]}`);
        if (k) state.keystore.push(k);
      }
    }
  }
  return seen ? state : null;
}
