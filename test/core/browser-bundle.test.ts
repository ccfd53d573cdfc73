// The core must bundle for the browser: any node:* or Node built-in import below src/core fails this test.

import { build, type Plugin } from "esbuild";
import { builtinModules } from "node:module";
import { describe, expect, it } from "vitest";

const NODE_BUILTINS = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

describe("src/core in a browser bundle", () => {
  it("bundles with platform=browser and imports nothing Node-only", async () => {
    const offenders: string[] = [];
    const guard: Plugin = {
      name: "no-node",
      setup(b) {
        b.onResolve({ filter: /.*/ }, (args) => {
          if (NODE_BUILTINS.has(args.path) || args.path.startsWith("node:")) {
            offenders.push(`${args.path} (imported by ${args.importer})`);
            return { path: args.path, external: true };
          }
          if (args.path === "better-sqlite3") offenders.push(`better-sqlite3 (imported by ${args.importer})`);
          return undefined;
        });
      },
    };
    const result = await build({
      entryPoints: ["src/core/index.ts"],
      bundle: true,
      platform: "browser",
      format: "esm",
      write: false,
      logLevel: "silent",
      plugins: [guard],
    });
    expect(offenders).toEqual([]);
    expect(result.errors).toEqual([]);
    const size = result.outputFiles[0].contents.length;
    expect(size).toBeGreaterThan(10_000);
  });
});
