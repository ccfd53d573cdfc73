// Exposure at every version boundary of the shipped table, and the table itself: sourced, valid, and in
// agreement with the CISA KEV catalog it names.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { assessExposure, normaliseAppVersion, type ExposureFacts } from "../../src/core/analysis/exposure.js";
import { EXPOSURE_DATA, validateExposureData } from "../../src/core/analysis/exposure-data.js";

const KEV = new URL("../../../shared/data/kev/known_exploited_vulnerabilities.json", import.meta.url).pathname;

function ios(version: string | null, opts: Partial<ExposureFacts> & { model?: string } = {}): ExposureFacts {
  return {
    platform: "ios",
    os: { name: opts.model?.startsWith("iPad") ? "iPadOS" : "iOS", version, build: null, model: opts.model ?? "iPhone14,2" },
    apps: opts.apps ?? [],
    lockdownMode: opts.lockdownMode ?? null,
    sources: [],
  };
}

function android(patch: string | null, apps: ExposureFacts["apps"] = [], advancedProtection: boolean | null = null): ExposureFacts {
  return { platform: "android", os: { name: "Android", version: "14", securityPatch: patch }, apps, advancedProtection, sources: [] };
}

/** Fixed version each CVE needs for this product version; absent = not exposed. */
function exposures(facts: ExposureFacts, product: string): Map<string, string> {
  const p = assessExposure(facts).products.find((x) => x.product === product);
  if (!p) throw new Error(`${product} not assessed`);
  return new Map(p.findings.map((f) => [f.cve, f.fixedIn]));
}

const iosExp = (v: string, model?: string) => exposures(ios(v, { model }), "ios");
const app = (product: string, id: string, version: string, platform: "ios" | "android") =>
  exposures(platform === "ios" ? ios("26.1", { apps: [{ id, version }] }) : android("2026-10-05", [{ id, version }]), product);

describe("WhatsApp CVE-2019-3568 boundaries (the advisory's versions)", () => {
  it("WhatsApp for iOS: 2.19.50 exposed, 2.19.51 not", () => {
    expect(app("whatsapp-ios", "net.whatsapp.WhatsApp", "2.19.50", "ios").get("CVE-2019-3568")).toBe("2.19.51");
    expect(app("whatsapp-ios", "net.whatsapp.WhatsApp", "2.19.51", "ios").has("CVE-2019-3568")).toBe(false);
  });
  it("WhatsApp Business for iOS: 2.19.50 exposed, 2.19.51 not", () => {
    expect(app("whatsapp-business-ios", "net.whatsapp.WhatsAppSMB", "2.19.50", "ios").get("CVE-2019-3568")).toBe("2.19.51");
    expect(app("whatsapp-business-ios", "net.whatsapp.WhatsAppSMB", "2.19.51", "ios").size).toBe(0);
  });
  it("WhatsApp for Android: 2.19.133 exposed, 2.19.134 not (numeric, not text, comparison)", () => {
    expect(app("whatsapp-android", "com.whatsapp", "2.19.133", "android").get("CVE-2019-3568")).toBe("2.19.134");
    expect(app("whatsapp-android", "com.whatsapp", "2.19.134", "android").size).toBe(0);
    expect(app("whatsapp-android", "com.whatsapp", "2.19.99", "android").get("CVE-2019-3568")).toBe("2.19.134");
  });
  it("WhatsApp Business for Android: 2.19.43 exposed, 2.19.44 not", () => {
    expect(app("whatsapp-business-android", "com.whatsapp.w4b", "2.19.43", "android").get("CVE-2019-3568")).toBe("2.19.44");
    expect(app("whatsapp-business-android", "com.whatsapp.w4b", "2.19.44", "android").size).toBe(0);
  });
});

describe("WhatsApp CVE-2025-55177 (affected from 2.22.25.2)", () => {
  it("WhatsApp for iOS: 2.25.21.72 exposed, 2.25.21.73 not, before 2.22.25.2 not affected", () => {
    expect(app("whatsapp-ios", "net.whatsapp.WhatsApp", "2.25.21.72", "ios").get("CVE-2025-55177")).toBe("2.25.21.73");
    expect(app("whatsapp-ios", "net.whatsapp.WhatsApp", "2.25.21.73", "ios").size).toBe(0);
    expect(app("whatsapp-ios", "net.whatsapp.WhatsApp", "2.22.25.2", "ios").has("CVE-2025-55177")).toBe(true);
    expect(app("whatsapp-ios", "net.whatsapp.WhatsApp", "2.22.25.1", "ios").size).toBe(0);
  });
  it("WhatsApp Business for iOS: 2.25.21.77 exposed, 2.25.21.78 not", () => {
    expect(app("whatsapp-business-ios", "net.whatsapp.WhatsAppSMB", "2.25.21.77", "ios").get("CVE-2025-55177")).toBe("2.25.21.78");
    expect(app("whatsapp-business-ios", "net.whatsapp.WhatsAppSMB", "2.25.21.78", "ios").size).toBe(0);
  });
  it("reads the App Store short form without the leading 2.", () => {
    expect(normaliseAppVersion("whatsapp-ios", "25.21.72")).toBe("2.25.21.72");
    expect(normaliseAppVersion("whatsapp-ios", "2.19.50")).toBe("2.19.50");
    const p = assessExposure(ios("26.1", { apps: [{ id: "net.whatsapp.WhatsApp", version: "25.21.72" }] })).products[1];
    expect(p).toMatchObject({ version: "25.21.72", comparedVersion: "2.25.21.72", status: "exposed" });
    expect(p.findings.map((f) => f.cve)).toEqual(["CVE-2025-55177"]);
  });
});

describe("iOS boundaries, per release line", () => {
  it("BLASTPASS CVE-2023-41064: 16.6 exposed, 16.6.1 not; 15.7.8 exposed, 15.7.9 not; 17.0 not", () => {
    expect(iosExp("16.6").get("CVE-2023-41064")).toBe("16.6.1");
    expect(iosExp("16.6.1").has("CVE-2023-41064")).toBe(false);
    expect(iosExp("15.7.8").get("CVE-2023-41064")).toBe("15.7.9");
    expect(iosExp("15.7.9").has("CVE-2023-41064")).toBe(false);
    expect(iosExp("17.0").has("CVE-2023-41064")).toBe(false);
  });
  it("BLASTPASS CVE-2023-41061 was fixed for the 16 line only", () => {
    expect(iosExp("16.6").get("CVE-2023-41061")).toBe("16.6.1");
    expect(iosExp("16.6.1").has("CVE-2023-41061")).toBe(false);
    const f = assessExposure(ios("15.7.9")).products[0].findings.find((x) => x.cve === "CVE-2023-41061")!;
    expect(f).toMatchObject({ basis: "no-fix-for-branch", fixedIn: "16.6.1" });
    expect(f.advice).toMatch(/No fix was released for iOS 15\.x/);
  });
  it("FORCEDENTRY CVE-2021-30860: 14.7.1 exposed, 14.8 not; 12.5.4 exposed, 12.5.5 not; 13.x has no fix", () => {
    expect(iosExp("14.7.1").get("CVE-2021-30860")).toBe("14.8");
    expect(iosExp("14.8").has("CVE-2021-30860")).toBe(false);
    expect(iosExp("12.5.4").get("CVE-2021-30860")).toBe("12.5.5");
    expect(iosExp("12.5.5").has("CVE-2021-30860")).toBe(false);
    expect(iosExp("13.7").get("CVE-2021-30860")).toBe("14.8");
    expect(iosExp("15.0").has("CVE-2021-30860")).toBe(false);
  });
  it("Predator 2023 CVE-2023-41991/41992/41993: 16.6.1 exposed (16.7), 16.7 not; 17.0 exposed (17.0.1), 17.0.1 not", () => {
    for (const cve of ["CVE-2023-41991", "CVE-2023-41992", "CVE-2023-41993"]) {
      expect(iosExp("16.6.1").get(cve), cve).toBe("16.7");
      expect(iosExp("16.7").has(cve), cve).toBe(false);
      expect(iosExp("17.0").get(cve), cve).toBe("17.0.1");
      expect(iosExp("17.0.1").has(cve), cve).toBe(false);
    }
  });
  it("Operation Triangulation: each CVE at its own fix on each line", () => {
    expect(iosExp("16.5").get("CVE-2023-32434")).toBe("16.5.1");
    expect(iosExp("16.5.1").has("CVE-2023-32434")).toBe(false);
    expect(iosExp("15.7.6").get("CVE-2023-32434")).toBe("15.7.7");
    expect(iosExp("15.7.7").has("CVE-2023-32434")).toBe(false);
    expect(iosExp("16.3.1").get("CVE-2023-32435")).toBe("16.4");
    expect(iosExp("16.4").has("CVE-2023-32435")).toBe(false);
    expect(iosExp("16.5.1").get("CVE-2023-38606")).toBe("16.6");
    expect(iosExp("16.6").has("CVE-2023-38606")).toBe(false);
    expect(iosExp("15.7.7").get("CVE-2023-38606")).toBe("15.7.8");
    expect(iosExp("15.7.8").has("CVE-2023-38606")).toBe(false);
    expect(iosExp("16.2").get("CVE-2023-41990")).toBe("16.3");
    expect(iosExp("16.3").has("CVE-2023-41990")).toBe(false);
    expect(iosExp("15.7.7").get("CVE-2023-41990")).toBe("15.7.8");
  });
  it("Graphite CVE-2025-43200: 18.3 exposed, 18.3.1 not; 16.7.10/16.7.11; iPadOS 17.7.4/17.7.5; an iPhone on 17 needs 18.3.1", () => {
    expect(iosExp("18.3").get("CVE-2025-43200")).toBe("18.3.1");
    expect(iosExp("18.3.1").has("CVE-2025-43200")).toBe(false);
    expect(iosExp("16.7.10").get("CVE-2025-43200")).toBe("16.7.11");
    expect(iosExp("16.7.11").has("CVE-2025-43200")).toBe(false);
    expect(iosExp("15.8.3").get("CVE-2025-43200")).toBe("15.8.4");
    expect(iosExp("17.7.4", "iPad7,5").get("CVE-2025-43200")).toBe("17.7.5");
    expect(iosExp("17.7.5", "iPad7,5").has("CVE-2025-43200")).toBe(false);
    expect(iosExp("17.7.5", "iPhone12,1").get("CVE-2025-43200")).toBe("18.3.1");
  });
  it("CVE-2025-43300: 18.6.1 exposed, 18.6.2 not; iPadOS 17.7.9/17.7.10", () => {
    expect(iosExp("18.6.1").get("CVE-2025-43300")).toBe("18.6.2");
    expect(iosExp("18.6.2").has("CVE-2025-43300")).toBe(false);
    expect(iosExp("17.7.9", "iPad7,5").get("CVE-2025-43300")).toBe("17.7.10");
    expect(iosExp("17.7.10", "iPad7,5").has("CVE-2025-43300")).toBe(false);
    expect(iosExp("26.0").size).toBe(0);
  });
  it("a current iOS is reported as not exposed to the listed bugs, with every CVE it was checked against", () => {
    const [p] = assessExposure(ios("26.1")).products;
    expect(p.status).toBe("not-exposed");
    expect(p.checked).toHaveLength(EXPOSURE_DATA.vulnerabilities.filter((r) => r.product === "ios").length);
    expect(p.updateTo).toBeNull();
  });
  it("an old iOS gets the newest fix it needs as updateTo, and Lockdown Mode advice by its state", () => {
    const off = assessExposure(ios("16.6", { lockdownMode: false })).products[0];
    expect(off.updateTo).toBe("18.6.2");
    expect(off.findings.find((f) => f.cve === "CVE-2023-41064")!.advice).toMatch(/Update iOS to 16\.6\.1 or later.*turn on Lockdown Mode/);
    const on = assessExposure(ios("16.6", { lockdownMode: true })).products[0];
    expect(on.findings[0].advice).toMatch(/Lockdown Mode is on/);
    const old = assessExposure(ios("14.3")).products[0];
    expect(old.findings[0].advice).toMatch(/Lockdown Mode needs iOS 16/);
  });
});

describe("Android security patch levels", () => {
  it("2025-02-01 exposed to CVE-2024-53104, 2025-02-05 not; 2025-04-05 closes the Cellebrite chain", () => {
    const feb1 = exposures(android("2025-02-01"), "android");
    expect(feb1.get("CVE-2024-53104")).toBe("2025-02-05");
    expect(feb1.get("CVE-2024-53197")).toBe("2025-04-05");
    const feb5 = exposures(android("2025-02-05"), "android");
    expect(feb5.has("CVE-2024-53104")).toBe(false);
    expect(feb5.get("CVE-2024-50302")).toBe("2025-03-05");
    expect(exposures(android("2025-04-05"), "android").size).toBe(0);
  });
  it("advises Advanced Protection unless it is on", () => {
    const f = assessExposure(android("2025-01-05")).products[0].findings[0];
    expect(f.advice).toMatch(/security patch level of 2025-0\d-05 or later.*Advanced Protection/);
    expect(assessExposure(android("2025-01-05", [], true)).products[0].findings[0].advice).toMatch(/Advanced Protection is on/);
  });
  it("an unknown or malformed patch level is reported as unknown, never as not exposed", () => {
    expect(assessExposure(android(null)).products[0]).toMatchObject({ status: "unknown-version", version: null });
    expect(assessExposure(android("June 2025")).products[0]).toMatchObject({ status: "unknown-version", note: 'unreadable version "June 2025"' });
  });
});

describe("which products are reported", () => {
  it("only apps the table lists, on their own platform, and installed apps without a version as unknown", () => {
    const r = assessExposure(
      ios("18.0", {
        apps: [
          { id: "net.whatsapp.WhatsApp", version: null },
          { id: "com.google.Gmail", version: "6.0" },
          { id: "com.whatsapp", version: "2.19.1" },
        ],
      }),
    );
    expect(r.products.map((p) => [p.product, p.status])).toEqual([
      ["ios", "exposed"],
      ["whatsapp-ios", "unknown-version"],
    ]);
  });
});

describe("the vulnerability table", () => {
  it("has every row the issue asks for", () => {
    const have = new Set(EXPOSURE_DATA.vulnerabilities.map((r) => `${r.product} ${r.cve}`));
    const want = [
      ...["whatsapp-ios", "whatsapp-android", "whatsapp-business-android", "whatsapp-business-ios"].map((p) => `${p} CVE-2019-3568`),
      ...["CVE-2021-30860", "CVE-2023-41064", "CVE-2023-41061", "CVE-2023-41991", "CVE-2023-41992", "CVE-2023-41993"].map((c) => `ios ${c}`),
      ...["CVE-2023-32434", "CVE-2023-32435", "CVE-2023-38606", "CVE-2023-41990", "CVE-2025-43200", "CVE-2025-43300"].map((c) => `ios ${c}`),
      "whatsapp-ios CVE-2025-55177",
    ];
    for (const w of want) expect(have.has(w), w).toBe(true);
  });

  it("every row carries its sources, and every fixed version the advisory that names it", () => {
    for (const r of EXPOSURE_DATA.vulnerabilities) {
      expect(r.sources.length, r.cve).toBeGreaterThan(0);
      for (const s of r.sources) expect(s, r.cve).toMatch(/^https:\/\/\S+$/);
      for (const f of r.fixed) {
        expect(f.advisory, `${r.cve} ${f.version}`).toMatch(/^https:\/\//);
        expect(r.sources, `${r.cve} ${f.version}: advisory listed among the sources`).toContain(f.advisory);
      }
    }
  });

  it("agrees with the CISA KEV catalog it names (listed or not, and the date added)", () => {
    const kev = JSON.parse(readFileSync(KEV, "utf8"));
    expect(kev.catalogVersion).toBe(EXPOSURE_DATA.kevCatalog.catalogVersion);
    const byId = new Map<string, { dateAdded: string }>(kev.vulnerabilities.map((v: any) => [v.cveID, v]));
    for (const r of EXPOSURE_DATA.vulnerabilities) {
      const listed = byId.get(r.cve);
      if (listed) expect(r.kev, r.cve).toEqual({ dateAdded: listed.dateAdded });
      else {
        expect(r.kev, r.cve).toBeNull();
        expect(r.kevNote, `${r.cve}: say why it is not listed`).toBeTruthy();
      }
    }
  });

  it("refuses a table with an unsourced row or an unreadable fixed version", () => {
    const copy = () => structuredClone(EXPOSURE_DATA);
    const unsourced = copy();
    unsourced.vulnerabilities[0].sources = [];
    expect(() => validateExposureData(unsourced)).toThrow(/row 0 .*sources/);
    const badVersion = copy();
    badVersion.vulnerabilities[4].fixed[0].version = "fourteen";
    expect(() => validateExposureData(badVersion)).toThrow(/fixed version fourteen/);
    const badPatch = copy();
    badPatch.vulnerabilities.find((r) => r.product === "android")!.fixed[0].version = "2025-02";
    expect(() => validateExposureData(badPatch)).toThrow(/fixed version 2025-02/);
    const badProduct = copy();
    badProduct.vulnerabilities[0].product = "symbian";
    expect(() => validateExposureData(badProduct)).toThrow(/unknown product/);
  });
});
