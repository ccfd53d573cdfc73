// The fixture's test STIX2 bundle (MVT's test_indicators.stix2) loaded with the project's IndicatorSet.

import { readFileSync } from "node:fs";
import { IndicatorSet } from "../../src/core/indicators/indicator-set.js";
import { TEST_STIX } from "./scan.js";

export async function loadTestIndicators(): Promise<IndicatorSet> {
  const set = IndicatorSet.fromStix2(readFileSync(TEST_STIX, "utf8"), "test_indicators.stix2");
  if (set.size === 0) throw new Error(`${TEST_STIX} gave no indicators`);
  return set;
}
