// Loads the fixture's test STIX2 bundle with the project's IndicatorSet when that module exists
// (it is written concurrently); null otherwise so indicator assertions are skipped.

import type { Matcher } from "../../src/core/types.js";
import { TEST_STIX } from "./scan.js";

export async function loadTestIndicators(): Promise<Matcher | null> {
  let mod: any;
  try {
    const p = "../../src/core/indicators/index.js";
    mod = await import(/* @vite-ignore */ p);
  } catch {
    return null;
  }
  const Set = mod?.IndicatorSet;
  if (!Set) return null;
  const { readFileSync } = await import("node:fs");
  const text = readFileSync(TEST_STIX, "utf8");
  const name = "test_indicators.stix2";
  for (const attempt of [
    () => Set.fromStix2?.(text, name),
    () => Set.fromStix?.(text, name),
    () => Set.parse?.(text, name),
    () => {
      const s = new Set();
      if (typeof s.addStix2 === "function") s.addStix2(text, name);
      else if (typeof s.loadStix2 === "function") s.loadStix2(text, name);
      else if (typeof s.add === "function") s.add(text, name);
      else return null;
      return s;
    },
  ]) {
    try {
      const v = await attempt();
      if (v && typeof v.match === "function" && v.size > 0) return v as Matcher;
    } catch {
      /* try the next API shape */
    }
  }
  return null;
}
