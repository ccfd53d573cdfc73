// Private temporary folders (decrypted database copies among them) do not outlive an interrupted run: a
// child process holding one is sent SIGINT or SIGTERM and must remove it before it dies of that signal.

import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const NODE_INDEX = path.resolve("dist/node/index.js");

/** Start a process that makes a temporary folder, writes a file in it, prints the folder and waits. */
function holder(): Promise<{ child: ReturnType<typeof spawn>; dir: string }> {
  const script = `
    import { makeTempDir } from ${JSON.stringify(NODE_INDEX)};
    import { writeFileSync } from "node:fs";
    const dir = makeTempDir("spyscope-test-held-");
    writeFileSync(dir + "/sms.db", "decrypted bytes");
    console.log(dir);
    setInterval(() => {}, 1000);
  `;
  const child = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    child.stdout!.once("data", (d) => resolve({ child, dir: String(d).trim() }));
    child.once("error", reject);
  });
}

describe("temporary folders", () => {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    it(`are removed when the process gets ${signal}, which then ends it`, async () => {
      const { child, dir } = await holder();
      expect(readFileSync(path.join(dir, "sms.db"), "utf8")).toBe("decrypted bytes");
      const ended = new Promise<NodeJS.Signals | null>((resolve) => child.once("exit", (_code, sig) => resolve(sig)));
      child.kill(signal);
      expect(await ended).toBe(signal);
      expect(existsSync(dir)).toBe(false);
    });
  }

  it("are removed when the process exits before the scan cleaned up", async () => {
    const script = `
      import { makeTempDir } from ${JSON.stringify(NODE_INDEX)};
      console.log(makeTempDir("spyscope-test-exit-"));
      process.exit(3);
    `;
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout!.on("data", (d) => (out += d));
    const code = await new Promise<number | null>((resolve) => child.once("exit", (c) => resolve(c)));
    expect(code).toBe(3);
    expect(out.trim()).toMatch(/spyscope-test-exit-/);
    expect(existsSync(out.trim())).toBe(false);
  });
});
