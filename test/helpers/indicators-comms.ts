// The fixture's test STIX2 bundle (MVT's test_indicators.stix2) loaded with the project's IndicatorSet, and a
// one-indicator bundle for planted values.

import { readFileSync } from "node:fs";
import { IndicatorSet } from "../../src/core/indicators/indicator-set.js";
import { TEST_STIX } from "./scan.js";

export async function loadTestIndicators(): Promise<IndicatorSet> {
  const set = IndicatorSet.fromStix2(readFileSync(TEST_STIX, "utf8"), "test_indicators.stix2");
  if (set.size === 0) throw new Error(`${TEST_STIX} gave no indicators`);
  return set;
}

/** A STIX2 bundle of one indicator with `pattern`, indicating the malware "Planted". */
export function plantedBundle(pattern: string): object {
  return {
    type: "bundle",
    id: "bundle--1",
    objects: [
      { type: "malware", id: "malware--1", name: "Planted" },
      { type: "indicator", id: "indicator--1", pattern, pattern_type: "stix" },
      { type: "relationship", id: "relationship--1", relationship_type: "indicates", source_ref: "indicator--1", target_ref: "malware--1" },
    ],
  };
}
