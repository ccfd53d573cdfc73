import { readFileSync } from "node:fs";
import { describe, it, expect } from "vitest";
import { feedRelativePath, feedUrl, parseFeedIndex } from "../../src/core/indicators/feed-index.js";

const INDEX = new URL("../../iocs/mvt-indicators/indicators.yaml", import.meta.url).pathname;

describe("indicators.yaml feed index", () => {
  it("reads the public index", () => {
    const index = parseFeedIndex(readFileSync(INDEX, "utf8"));
    expect(index.error).toBeNull();
    expect(index.warnings).toEqual([]);
    expect(index.feeds).toHaveLength(15);
    const pegasus = index.feeds[0];
    expect(pegasus).toEqual({
      name: "NSO Group Pegasus Indicators of Compromise",
      type: "github",
      sources: ["Amnesty International"],
      references: ["https://www.amnesty.org/en/latest/research/2021/07/forensic-methodology-report-how-to-catch-nso-groups-pegasus/"],
      github: { owner: "AmnestyTech", repo: "investigations", branch: "master", path: "2021-07-18_nso/pegasus.stix2" },
    });
    expect(feedUrl(pegasus)).toBe("https://raw.githubusercontent.com/AmnestyTech/investigations/master/2021-07-18_nso/pegasus.stix2");
    expect(feedUrl(pegasus, "http://127.0.0.1:9/raw/")).toBe("http://127.0.0.1:9/raw/AmnestyTech/investigations/master/2021-07-18_nso/pegasus.stix2");
    expect(feedRelativePath(pegasus)).toBe("AmnestyTech/investigations/2021-07-18_nso/pegasus.stix2");
    expect(index.feeds.map((f) => f.github?.repo)).toContain("stalkerware-indicators");
  });

  it("tolerates download entries and skips broken ones with warnings", () => {
    const index = parseFeedIndex(`
indicators:
  - type: download
    name: Direct
    download_url: https://example.org/feeds/direct.stix2
  - name: No type but a URL
    download_url: https://example.org/other.json
  - type: github
    name: Missing repo
    github: { owner: someone, path: a.stix2 }
  - type: ftp
    name: Odd
  - just a string
  - type: download
    name: Not http
    download_url: file:///etc/passwd
`);
    expect(index.error).toBeNull();
    expect(index.feeds.map((f) => [f.type, f.name, f.downloadUrl])).toEqual([
      ["download", "Direct", "https://example.org/feeds/direct.stix2"],
      ["download", "No type but a URL", "https://example.org/other.json"],
    ]);
    expect(index.warnings).toHaveLength(4);
    expect(feedUrl(index.feeds[0])).toBe("https://example.org/feeds/direct.stix2");
    expect(feedRelativePath(index.feeds[0])).toBe("download/example.org/feeds/direct.stix2");
  });

  it("refuses paths that would leave the destination folder", () => {
    const index = parseFeedIndex(`
indicators:
  - type: github
    name: Escape
    github: { owner: "..", repo: x, branch: main, path: "../../etc/cron.d/x" }
  - type: download
    name: Escape too
    download_url: "https://example.org/a/..%2f..%2fx"
`);
    expect(index.feeds.map(feedRelativePath)).toEqual([null, null]);
  });

  it("reports unusable documents instead of throwing", () => {
    expect(parseFeedIndex("indicators: [").error).toMatch(/invalid YAML/);
    expect(parseFeedIndex("something: else").error).toMatch(/no `indicators` list/);
    expect(parseFeedIndex("").error).toMatch(/no `indicators` list/);
  });
});
