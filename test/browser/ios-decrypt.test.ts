// The core's encrypted-backup path in a real browser: the core is bundled with esbuild for the browser, loaded
// in headless Chromium (playwright-core), and decrypts and scans a generated encrypted backup there with the
// page's WebCrypto and sql.js. The result must equal a Node scan of the unencrypted twin.

import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { createHash } from "node:crypto";
import { builtinModules, createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { build, type Plugin } from "esbuild";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scan } from "../../src/core/analysis/engine.js";
import { IOS_BACKUP_MODULES } from "../../src/core/artifacts/ios/index.js";
import { IosBackup } from "../../src/core/formats/ios-backup.js";
import { IndicatorSet } from "../../src/core/indicators/index.js";
import { toJson } from "../../src/core/report/json.js";
import { DirectoryEvidence } from "../../src/node/evidence-dir.js";
import { encryptBackup } from "../../src/node/generate/encrypt-backup.js";
import { BUNDLED_PEGASUS_STIX, fileId, generateIosBackup, projectRoot } from "../../src/node/generate/ios-backup.js";
import { NodeSqliteOpener } from "../../src/node/sqlite.js";

const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"];
const PASSWORD = "browser-side secret";
const SMS_ID = fileId("HomeDomain", "Library/SMS/sms.db");
const SMS_PATH = `${SMS_ID.slice(0, 2)}/${SMS_ID}`;
const NODE_BUILTINS = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`SKIPPED test/browser/ios-decrypt.test.ts: ${CHROMIUM} is not installed (CI installs it; apt-get install chromium)`);

function filesOf(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const name of readdirSync(path.join(dir, rel))) {
      const r = rel ? `${rel}/${name}` : name;
      if (statSync(path.join(dir, r)).isDirectory()) walk(r);
      else out[r] = readFileSync(path.join(dir, r)).toString("base64");
    }
  };
  walk("");
  return out;
}

describe.skipIf(!haveChromium)("encrypted iOS backup in Chromium (WebCrypto + sql.js)", () => {
  let base: string;
  let browser: Browser;
  let bundle: string;
  let plainDir: string;
  let encDir: string;

  beforeAll(async () => {
    base = mkdtempSync(path.join(os.tmpdir(), "spyscope-browser-enc-"));
    plainDir = (await generateIosBackup({ dir: path.join(base, "plain"), rows: 120, seed: 5, plant: true })).dir;
    encDir = (await encryptBackup({ source: plainDir, dest: path.join(base, "enc"), password: PASSWORD, iterations: 50, dpIterations: 50 })).dest;
    const offenders: string[] = [];
    const noNode: Plugin = {
      name: "no-node",
      setup(b) {
        b.onResolve({ filter: /.*/ }, (args) => {
          if (NODE_BUILTINS.has(args.path) || args.path.startsWith("node:")) offenders.push(`${args.path} (imported by ${args.importer})`);
          return undefined;
        });
      },
    };
    const result = await build({
      entryPoints: [path.join(projectRoot(), "test/browser/ios-decrypt.entry.ts")],
      bundle: true,
      platform: "browser",
      format: "iife",
      write: false,
      logLevel: "silent",
      plugins: [noNode],
    });
    expect(offenders).toEqual([]);
    bundle = result.outputFiles[0].text;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
  });

  afterAll(async () => {
    await browser?.close();
    rmSync(base, { recursive: true, force: true });
  });

  it("decrypts and scans the encrypted backup in the page exactly like Node scans its unencrypted twin", async () => {
    const stix = readFileSync(path.join(projectRoot(), BUNDLED_PEGASUS_STIX), "utf8");
    const sqlDist = path.dirname(createRequire(import.meta.url).resolve("sql.js/dist/sql-wasm-browser.js"));

    // Node: the unencrypted twin.
    const evidence = await DirectoryEvidence.open(plainDir);
    const sqlite = new NodeSqliteOpener();
    const backup = await IosBackup.open(evidence, sqlite);
    const detections: string[] = [];
    const summary = await scan({
      acquisition: backup,
      modules: IOS_BACKUP_MODULES,
      matcher: IndicatorSet.fromStix2(stix, "pegasus.stix2"),
      sqlite,
      sink: { detection: (d) => detections.push(`${d.level}|${d.module}|${d.message}|${toJson(d.record)}`) },
    });
    backup.close();
    sqlite.dispose();

    // Chromium: the encrypted one, served from memory (no network; http://localhost is a secure context).
    const page = await browser.newPage();
    await page.route("http://localhost/**", (route) => route.fulfill({ status: 200, contentType: "text/html", body: "<!doctype html><title>spyscope</title>" }));
    await page.goto("http://localhost/");
    await page.addScriptTag({ content: readFileSync(path.join(sqlDist, "sql-wasm-browser.js"), "utf8") });
    await page.addScriptTag({ content: bundle });
    const input = {
      files: filesOf(encDir),
      wasm: readFileSync(path.join(sqlDist, "sql-wasm-browser.wasm")).toString("base64"),
      password: PASSWORD,
      stix,
      smsPath: SMS_PATH,
    };
    const r = await page.evaluate((i) => (globalThis as any).runInBrowser(i), input);
    await page.close();

    expect(r.secure).toBe(true);
    expect(r.wrongPassword).toMatch(/^WrongPasswordError: wrong backup password/);
    expect(r.smsSha256).toBe(createHash("sha256").update(readFileSync(path.join(plainDir, SMS_PATH))).digest("hex"));
    expect(r.counts).toEqual(Object.fromEntries(summary.coverage.map((c) => [c.module, c.records])));
    expect(r.failed).toEqual(summary.coverage.filter((c) => c.status === "failed").map((c) => c.module));
    expect(detections.filter((d) => d.startsWith("critical")).length).toBeGreaterThan(3);
    expect(r.detections).toEqual(detections.sort());
  });
});
