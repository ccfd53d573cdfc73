import { describe, expect, it } from "vitest";
import { extractUrls } from "../../src/core/util/urls.js";

describe("extractUrls", () => {
  it("finds links in message text as MVT does", () => {
    expect(extractUrls("Please click here https://badbadbad.example.org/")).toEqual(["https://badbadbad.example.org/"]);
    expect(extractUrls("Check https://example.org/news")).toEqual(["https://example.org/news"]);
  });
  it("finds www. and bare host/path links and trims trailing punctuation", () => {
    expect(extractUrls("see www.example.com/a, then (http://x.example.net/p?q=1).")).toEqual([
      "www.example.com/a",
      "http://x.example.net/p?q=1",
    ]);
    expect(extractUrls("go to free247downloads.com/abc now")).toEqual(["free247downloads.com/abc"]);
  });
  it("returns nothing for text without links or non-strings", () => {
    expect(extractUrls("hello there")).toEqual([]);
    expect(extractUrls(null)).toEqual([]);
    expect(extractUrls(42)).toEqual([]);
  });
});
