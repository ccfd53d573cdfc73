// Load time of all bundled indicator sets: `node dist/bench/indicators.js [runs]` once built.
// The first run is what a CLI invocation pays (cold JIT); later runs show the warm cost.

import { loadIndicators } from "../src/node/iocs.js";

async function main(): Promise<void> {
  const runs = Math.max(1, Number(process.argv[2] ?? "5") || 5);
  const times: number[] = [];
  let summary = "";
  for (let i = 0; i < runs; i++) {
    // An empty environment: only the bundled iocs/ folder, not $SPYSCOPE_IOCS nor downloaded updates.
    const loaded = await loadIndicators(undefined, { HOME: "/nonexistent", SPYSCOPE_DATA_DIR: "/nonexistent" });
    times.push(loaded.loadMs);
    summary = `${loaded.set.size} indicators from ${loaded.files.length} files, ${loaded.warnings.length} warnings`;
  }
  const sorted = [...times].sort((a, b) => a - b);
  process.stdout.write(`${summary}\n`);
  process.stdout.write(`first (cold) load: ${times[0].toFixed(1)} ms\n`);
  process.stdout.write(`median of ${runs}: ${sorted[Math.floor(runs / 2)].toFixed(1)} ms, min ${sorted[0].toFixed(1)} ms\n`);
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exitCode = 1;
});
