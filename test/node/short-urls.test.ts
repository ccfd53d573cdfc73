// --resolve-short-urls: shortened links are expanded by asking the shortener services (HTTP HEAD, no
// redirect followed), and the destinations matched. Here the "shorteners" are a real HTTP server on
// 127.0.0.1: the fetch handed to the expander sends requests for bit.ly and t.co there, and refuses any other
// host, so a test fails if a destination were ever contacted.

import Database from "better-sqlite3";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCheckBackup } from "../../src/node/check-backup.js";
import { shortUrlExpander } from "../../src/node/short-urls.js";
import { IOS_BACKUP } from "../helpers/scan.js";
import { plantedBundle } from "../helpers/indicators-comms.js";

const SHORTENERS = new Set(["bit.ly", "t.co"]);
let server: http.Server;
let base = "";
const asked: string[] = [];

/** fetch for the expander: shortener hosts go to the local server (host kept in a header), others throw. */
const localFetch: typeof fetch = async (input, init) => {
  const u = new URL(String(input));
  if (!SHORTENERS.has(u.host)) throw new Error(`the test refuses to contact ${u.host}`);
  return fetch(`${base}${u.pathname}`, { ...init, headers: { "x-shortener": u.host } });
};

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const where = `${req.headers["x-shortener"]}${req.url}`;
    asked.push(`${req.method} ${where}`);
    const routes: Record<string, [number, string?]> = {
      "bit.ly/abc": [301, "https://t.co/def"],
      "t.co/def": [302, "https://planted-evil.example/landing?id=7"],
      "bit.ly/rel": [301, "/abc"],
      "bit.ly/loop": [301, "https://bit.ly/loop"],
      "bit.ly/gone": [404],
      "bit.ly/plain": [200],
    };
    const [status, location] = routes[where] ?? [404];
    res.writeHead(status, location ? { location } : {});
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("shortened URLs", () => {
  const expand = shortUrlExpander({ fetch: localFetch, timeoutMs: 5000 });

  it("follow shortener after shortener with HEAD requests, and stop at the first other host", async () => {
    asked.length = 0;
    expect(await expand("https://bit.ly/abc")).toEqual({ url: "https://planted-evil.example/landing?id=7" });
    expect(asked).toEqual(["HEAD bit.ly/abc", "HEAD t.co/def"]);
    expect(await expand("bit.ly/rel")).toEqual({ url: "https://planted-evil.example/landing?id=7" });
  });

  it("give a reason when a link cannot be expanded", async () => {
    expect(await expand("https://bit.ly/gone")).toEqual({ url: null, error: "bit.ly answered 404 without a redirect" });
    expect(await expand("https://bit.ly/plain")).toEqual({ url: null, error: "bit.ly answered 200 without a redirect" });
    expect(await expand("https://bit.ly/loop")).toEqual({ url: null, error: "more than 5 shorteners in a row" });
    expect(await expand("ftp://bit.ly/x")).toEqual({ url: null, error: "not an http(s) URL" });
  });

  it("match where they lead in a scan that asks for it, and are never asked about otherwise", async () => {
    // MVT's fixture with one more message carrying a shortened link, and an indicator for its destination.
    const dir = mkdtempSync(path.join(os.tmpdir(), "spyscope-short-"));
    const backup = path.join(dir, "backup");
    cpSync(IOS_BACKUP, backup, { recursive: true });
    const db = new Database(path.join(backup, "3d", "3d0d7e5fb2ce288813306e4d4636395e047a3d28"));
    // Two links that lead to the same place: one alert for the message, as for any record.
    db.prepare("INSERT INTO message (guid, text, handle_id, service, date, is_from_me) VALUES ('SHORT-1', 'look https://bit.ly/abc or https://bit.ly/rel', 1, 'SMS', 600000000000000000, 0)").run();
    db.close();
    const stix = path.join(dir, "planted.stix2");
    writeFileSync(stix, JSON.stringify(plantedBundle("[domain-name:value = 'planted-evil.example']")));

    asked.length = 0;
    // Without the flag nothing may go out: any fetch fails the run.
    const realFetch = globalThis.fetch;
    let fetched = 0;
    globalThis.fetch = (async () => {
      fetched++;
      throw new Error("no network request may be made without --resolve-short-urls");
    }) as typeof fetch;
    let plain;
    try {
      plain = await runCheckBackup({ target: backup, iocs: [stix], output: path.join(dir, "plain"), modules: ["sms"], quiet: true });
    } finally {
      globalThis.fetch = realFetch;
    }
    expect(fetched).toBe(0);
    expect(plain.summary.counts.critical).toBe(0);
    expect(plain.summary.coverage.flatMap((c) => c.warnings)).toEqual([]);
    expect(plain.info.short_urls_expanded).toBe(false);
    expect(asked).toEqual([]);
    const urls = JSON.parse(readFileSync(path.join(dir, "plain", "urls.json"), "utf8"));
    expect(urls.find((u: any) => u.url === "https://bit.ly/abc").expanded_url).toBeNull();

    const r = await runCheckBackup({
      target: backup,
      iocs: [stix],
      output: path.join(dir, "expanded"),
      modules: ["sms"],
      quiet: true,
      expandShortUrls: shortUrlExpander({ fetch: localFetch }),
    });
    expect(asked).toEqual(["HEAD bit.ly/abc", "HEAD t.co/def", "HEAD bit.ly/rel", "HEAD bit.ly/abc", "HEAD t.co/def"]);
    expect(r.exitCode).toBe(1);
    const alerts = JSON.parse(readFileSync(path.join(dir, "expanded", "alerts.json"), "utf8"));
    expect(alerts).toHaveLength(1);
    expect(alerts[0].module).toBe("sms");
    expect(alerts[0].message).toBe(
      'Found a known suspicious domain https://planted-evil.example/landing?id=7 shortened as https://bit.ly/abc matching indicator "planted-evil.example" from "Planted"',
    );
    expect(alerts[0].event.guid).toBe("SHORT-1");
    expect(alerts[0].event_time).toBe("2020-01-06 10:40:00.000000");
    const expandedUrls = JSON.parse(readFileSync(path.join(dir, "expanded", "urls.json"), "utf8"));
    expect(expandedUrls.find((u: any) => u.url === "https://bit.ly/abc").expanded_url).toBe("https://planted-evil.example/landing?id=7");
    expect(expandedUrls.find((u: any) => u.url === "https://bit.ly/rel").expanded_url).toBe("https://planted-evil.example/landing?id=7");
    expect(JSON.parse(readFileSync(path.join(dir, "expanded", "info.json"), "utf8")).short_urls_expanded).toBe(true);
  });

  it("keep a scan on one thread when the caller gives its own expander (it cannot cross to the worker)", async () => {
    const saved = process.env.SPYSCOPE_THREADS;
    process.env.SPYSCOPE_THREADS = "2"; // would split even this small backup
    try {
      // The built package: its worker thread script exists there (scans from the sources never split).
      const built = (await import(path.resolve("dist/node/index.js"))) as typeof import("../../src/node/index.js");
      const dir = mkdtempSync(path.join(os.tmpdir(), "spyscope-short-threads-"));
      const other = await built.runCheckBackup({ target: IOS_BACKUP, output: path.join(dir, "out2"), quiet: true });
      expect(other.info.scan_threads).toMatchObject({ threads: 2 });
      const r = await built.runCheckBackup({ target: IOS_BACKUP, output: path.join(dir, "out"), quiet: true, expandShortUrls: built.shortUrlExpander({ fetch: localFetch }) });
      expect(r.info.scan_threads).toEqual({ threads: 1 });
    } finally {
      if (saved === undefined) delete process.env.SPYSCOPE_THREADS;
      else process.env.SPYSCOPE_THREADS = saved;
    }
  });
});
