import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, readFileSync, readdirSync, existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, it, expect } from "vitest";
import { updateIndicators } from "../../src/node/iocs-update.js";
import { loadIndicators } from "../../src/node/iocs.js";

const INDEX_PATH = "/mvt-project/mvt-indicators/main/indicators.yaml";
const ONE = "/owner/feeds/main/one/one.stix2";
const TWO = "/owner/feeds/main/two/two.stix2";

const INDEX = `
indicators:
  - type: github
    name: Feed One
    sources: [Test]
    github: { owner: owner, repo: feeds, branch: main, path: one/one.stix2 }
  - type: github
    name: Feed Two
    github:
      owner: owner
      repo: feeds
      branch: main
      path: two/two.stix2
`;

function bundle(name: string, domains: string[]): string {
  const objects: object[] = [{ type: "malware", id: "malware--1", name }];
  domains.forEach((d, n) => {
    objects.push({ type: "indicator", id: `indicator--${n}`, pattern: `[domain-name:value='${d}']`, pattern_type: "stix" });
    objects.push({ type: "relationship", relationship_type: "indicates", source_ref: `indicator--${n}`, target_ref: "malware--1" });
  });
  return JSON.stringify({ type: "bundle", id: "bundle--1", objects });
}

/** What the local server answers, by path; anything else is a 404. */
const routes = new Map<string, { status: number; body: string }>();
const requests: string[] = [];
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(req.url ?? "");
    const route = routes.get(req.url ?? "");
    res.writeHead(route?.status ?? 404, { "content-type": "text/plain" });
    res.end(route?.body ?? "Not Found");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

beforeEach(() => {
  routes.clear();
  requests.length = 0;
  routes.set(INDEX_PATH, { status: 200, body: INDEX });
  routes.set(ONE, { status: 200, body: bundle("One", ["one.example", "uno.example"]) });
  routes.set(TWO, { status: 200, body: bundle("Two", ["two.example"]) });
});

const tmp = () => mkdtempSync(path.join(os.tmpdir(), "spyscope-update-"));
const oneFile = (dest: string) => path.join(dest, "owner", "feeds", "one", "one.stix2");
const twoFile = (dest: string) => path.join(dest, "owner", "feeds", "two", "two.stix2");

/** Every file below dir (to catch left-over temp files). */
function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name)))
    .sort();
}

describe("updateIndicators", () => {
  it("downloads the index and every feed from one base URL", async () => {
    const dest = tmp();
    const report = await updateIndicators({ baseUrl, destDir: dest });
    expect(report.error).toBeNull();
    expect(report.ok).toBe(true);
    expect(report.indexUrl).toBe(`${baseUrl}${INDEX_PATH}`);
    expect(report.feeds.map((f) => [f.name, f.status, f.indicators, f.url])).toEqual([
      ["Feed One", "updated", 2, `${baseUrl}${ONE}`],
      ["Feed Two", "updated", 1, `${baseUrl}${TWO}`],
    ]);
    expect(requests).toEqual([INDEX_PATH, ONE, TWO]);
    expect(readFileSync(oneFile(dest), "utf8")).toBe(routes.get(ONE)!.body);
    expect(listFiles(dest)).toEqual(["indicators.yaml", "owner/feeds/one/one.stix2", "owner/feeds/two/two.stix2"]);

    const again = await updateIndicators({ baseUrl, destDir: dest });
    expect(again.feeds.map((f) => f.status)).toEqual(["unchanged", "unchanged"]);

    routes.set(ONE, { status: 200, body: bundle("One", ["one.example", "uno.example", "eins.example"]) });
    const changed = await updateIndicators({ baseUrl, destDir: dest });
    expect(changed.feeds.map((f) => [f.status, f.indicators])).toEqual([["updated", 3], ["unchanged", 1]]);

    // The loader uses what was downloaded (with $SPYSCOPE_DATA_DIR pointing at its parent).
    const loaded = await loadIndicators([dest], {});
    expect(loaded.set.match({ type: "domain", value: "www.eins.example" })[0]?.indicator.collection).toBe("One");
  });

  it("keeps the previous file when a download is not valid JSON or has no indicators", async () => {
    const dest = tmp();
    await updateIndicators({ baseUrl, destDir: dest });
    const before = [readFileSync(oneFile(dest), "utf8"), readFileSync(twoFile(dest), "utf8")];
    routes.set(ONE, { status: 200, body: '{"type": "bundle", "objects": [' });
    routes.set(TWO, { status: 200, body: bundle("Two", []) });
    const report = await updateIndicators({ baseUrl, destDir: dest });
    expect(report.ok).toBe(false);
    expect(report.feeds.map((f) => [f.status, f.ok, f.previousKept])).toEqual([
      ["failed", false, true],
      ["failed", false, true],
    ]);
    expect(report.feeds[0].error).toMatch(/not valid JSON/);
    expect(report.feeds[1].error).toMatch(/no usable indicator/);
    expect([readFileSync(oneFile(dest), "utf8"), readFileSync(twoFile(dest), "utf8")]).toEqual(before);
    expect(listFiles(dest)).toEqual(["indicators.yaml", "owner/feeds/one/one.stix2", "owner/feeds/two/two.stix2"]);
  });

  it("keeps the previous file on a server error, and reports a missing first download", async () => {
    const dest = tmp();
    await updateIndicators({ baseUrl, destDir: dest });
    const before = readFileSync(oneFile(dest), "utf8");
    routes.delete(ONE);
    routes.set(TWO, { status: 500, body: "oops" });
    const report = await updateIndicators({ baseUrl, destDir: dest });
    expect(report.feeds.map((f) => [f.status, f.error, f.previousKept])).toEqual([
      ["failed", "HTTP 404 Not Found", true],
      ["failed", "HTTP 500 Internal Server Error", true],
    ]);
    expect(readFileSync(oneFile(dest), "utf8")).toBe(before);

    const fresh = tmp();
    const first = await updateIndicators({ baseUrl, destDir: fresh });
    expect(first.feeds.map((f) => [f.status, f.previousKept])).toEqual([["failed", false], ["failed", false]]);
    expect(existsSync(oneFile(fresh))).toBe(false);
  });

  it("touches nothing when the index cannot be fetched or read", async () => {
    const dest = tmp();
    routes.delete(INDEX_PATH);
    const missing = await updateIndicators({ baseUrl, destDir: dest });
    expect(missing.ok).toBe(false);
    expect(missing.error).toMatch(/index not downloaded: HTTP 404/);
    expect(missing.feeds).toEqual([]);
    routes.set(INDEX_PATH, { status: 200, body: "indicators: [" });
    expect((await updateIndicators({ baseUrl, destDir: dest })).error).toMatch(/index not usable: invalid YAML/);
    expect(listFiles(dest)).toEqual([]);
    const unreachable = await updateIndicators({ baseUrl: "http://127.0.0.1:1", destDir: dest, timeoutMs: 5000 });
    expect(unreachable.error).toMatch(/index not downloaded/);
  });

  it("accepts separate index and raw-content URLs and an injected fetch", async () => {
    const dest = tmp();
    const seen: string[] = [];
    const fetchImpl: typeof fetch = (input, init) => {
      seen.push(String(input));
      return fetch(input, init);
    };
    const report = await updateIndicators({ indexUrl: `${baseUrl}${INDEX_PATH}`, rawBase: `${baseUrl}/`, destDir: dest, fetchImpl });
    expect(report.ok).toBe(true);
    expect(seen).toEqual([`${baseUrl}${INDEX_PATH}`, `${baseUrl}${ONE}`, `${baseUrl}${TWO}`]);
  });

  it("defaults to the data folder from the environment", async () => {
    const data = tmp();
    const report = await updateIndicators({ baseUrl, env: { SPYSCOPE_DATA_DIR: data } });
    expect(report.destDir).toBe(path.join(data, "indicators"));
    expect(existsSync(oneFile(report.destDir))).toBe(true);
    const loaded = await loadIndicators(undefined, { SPYSCOPE_DATA_DIR: data });
    expect(loaded.files.map((f) => path.basename(f.path))).toEqual(expect.arrayContaining(["one.stix2", "two.stix2", "pegasus.stix2"]));
  });
});
