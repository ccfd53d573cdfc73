import { defineConfig } from "tsup";

export default defineConfig({
  entry: {
    "core/index": "src/core/index.ts",
    "node/index": "src/node/index.ts",
    "cli/main": "src/cli/main.ts",
    "node/scan-worker": "src/node/scan-worker.ts",
    "bench/check-backup": "bench/check-backup.ts",
    "bench/indicators": "bench/indicators.ts",
    "bench/check-fs": "bench/check-fs.ts",
    "bench/check-androidqf": "bench/check-androidqf.ts",
    "bench/decrypt-backup": "bench/decrypt-backup.ts",
    "bench/check-android": "bench/check-android.ts",
    "bench/check-sysdiagnose": "bench/check-sysdiagnose.ts",
    "bench/check-bugreport": "bench/check-bugreport.ts",
  },
  format: ["esm"],
  target: "node20",
  platform: "node",
  dts: false,
  sourcemap: true,
  clean: true,
  splitting: true,
  shims: false,
  banner: ({ format }) => (format === "esm" ? {} : {}),
});
