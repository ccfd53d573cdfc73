// Hostile tar and gzip input: escaping names, links, huge declared sizes, bombs, truncation, corruption.

import { describe, it, expect } from "vitest";
import { gzipSync } from "node:zlib";
import { gunzip, GzipError } from "../../src/core/formats/gzip.js";
import { readTar, TarError } from "../../src/core/formats/tar.js";
import { paxBody, TAR_END, tarFile, tarHeader, tarPadding } from "../../src/node/generate/tar-writer.js";
import { chunked, collectBytes, readAll } from "./tar-helpers.js";
import { concatBytes } from "../../src/core/util/bytes.js";

const enc = new TextEncoder();
const text = (s: string) => enc.encode(s);

function archive(...parts: Uint8Array[][]): Uint8Array {
  return concatBytes([...parts.flat(), TAR_END]);
}

describe("tar names and links are flagged, never resolved", () => {
  it("flags .. and absolute names from ustar, pax and GNU long-name headers", async () => {
    const longEvil = "a/".repeat(60) + "../../../../etc/cron.d/x";
    const pax = paxBody({ path: "../outside/pax.txt" });
    const gnuLong = text(longEvil + "\0");
    const tar = archive(
      tarFile("../../etc/passwd", text("one")),
      tarFile("/etc/shadow", text("two")),
      tarFile("ok/../../sneaky", text("three")),
      [tarHeader({ name: "PaxHeader/x", flag: "x", size: pax.length }), pax, tarPadding(pax.length)],
      tarFile("innocent.txt", text("four")),
      [tarHeader({ name: "././@LongLink", flag: "L", size: gnuLong.length, magic: "gnu" }), gnuLong, tarPadding(gnuLong.length)],
      [tarHeader({ name: "short", size: 4, magic: "gnu" }), text("five"), tarPadding(4)],
      tarFile("./fine/../ok.txt", text("six")),
      tarFile("..", text("")),
    );
    const entries = await readAll(chunked(tar, 100));
    expect(entries.map((e) => [e.name, e.unsafe, new TextDecoder().decode(e.data)])).toEqual([
      ["../../etc/passwd", ["parent directory (..)"], "one"],
      ["/etc/shadow", ["absolute path"], "two"],
      ["ok/../../sneaky", ["parent directory (..)"], "three"],
      ["../outside/pax.txt", ["parent directory (..)"], "four"],
      [longEvil, ["parent directory (..)"], "five"],
      ["fine/../ok.txt", ["parent directory (..)"], "six"],
      ["..", ["parent directory (..)"], ""],
    ]);
  });

  it("reports symlinks and hardlinks with their targets and no data, even when a size is declared", async () => {
    const tar = archive(
      [tarHeader({ name: "sysdiagnose/logs", flag: "2", linkName: "/private/var/root", size: 0 })],
      [tarHeader({ name: "sysdiagnose/hl", flag: "1", linkName: "../../../etc/passwd", size: 0 })],
      [tarHeader({ name: "sysdiagnose/dir-with-size/", flag: "5", size: 0 })],
      tarFile("sysdiagnose/after.txt", text("after")),
    );
    const entries = await readAll(chunked(tar, 512));
    expect(entries.map((e) => [e.name, e.type, e.linkName, e.unsafe, e.data.length])).toEqual([
      ["sysdiagnose/logs", "symlink", "/private/var/root", ["symlink"], 0],
      ["sysdiagnose/hl", "hardlink", "../../../etc/passwd", ["hardlink"], 0],
      ["sysdiagnose/dir-with-size/", "directory", "", [], 0],
      ["sysdiagnose/after.txt", "file", "", [], 5],
    ]);
  });
});

describe("tar sizes are bounded", () => {
  it("an entry over the per-entry limit refuses its body but the archive goes on", async () => {
    const tar = archive(tarFile("big.log", new Uint8Array(5000).fill(65)), tarFile("small.log", text("small")));
    const seen: string[] = [];
    for await (const e of readTar(chunked(tar, 1024), { maxEntryBytes: 4096 })) {
      if (e.name === "big.log") expect(() => e.body()).toThrow(/5000 bytes exceeds the 4096-byte entry limit/);
      else seen.push(new TextDecoder().decode(await collectBytes(e.body())));
    }
    expect(seen).toEqual(["small"]);
  });

  it("a huge declared size (base-256, 8 TiB) stops at the total limit before any data is read", async () => {
    const tar = concatBytes([tarHeader({ name: "bomb.bin", size: 8 * 1024 ** 4, base256Size: true }), new Uint8Array(4096)]);
    await expect(readAll(chunked(tar, 512))).rejects.toThrow(/more than 68719476736 bytes of data \(archive bomb\?\)/);
  });

  it("a huge declared size within the limits ends in a clear truncation error, not a hang", async () => {
    const tar = concatBytes([tarHeader({ name: "huge.bin", size: 2 * 1024 ** 3 }), new Uint8Array(2048)]);
    const names: string[] = [];
    await expect(
      (async () => {
        for await (const e of readTar(chunked(tar, 512), { maxEntryBytes: 1024 })) names.push(e.name);
      })(),
    ).rejects.toThrow(/truncated in the data of huge.bin/);
    expect(names).toEqual(["huge.bin"]);
  });

  it("pax sizes are checked: non-numeric, beyond 2^53 and over the total limit", async () => {
    for (const [size, msg] of [
      ["12abc", /pax size "12abc" .* is not a number/],
      ["99999999999999999999", /is too large/],
      ["4000000000", /more than 1000000 bytes of data/],
    ] as const) {
      const pax = paxBody({ size });
      const tar = archive([tarHeader({ name: "p", flag: "x", size: pax.length }), pax, tarPadding(pax.length)], tarFile("f", text("x")));
      await expect(readAll(chunked(tar, 512), { maxTotalBytes: 1_000_000 })).rejects.toThrow(msg);
    }
  });

  it("pax sizes override the header size", async () => {
    const pax = paxBody({ size: "700" });
    const data = new Uint8Array(700).fill(7);
    const tar = archive(
      [tarHeader({ name: "p", flag: "x", size: pax.length }), pax, tarPadding(pax.length)],
      [tarHeader({ name: "real.bin", size: 0 }), data, tarPadding(700)],
      tarFile("next", text("n")),
    );
    const entries = await readAll(chunked(tar, 300));
    expect(entries.map((e) => [e.name, e.size, e.data.length])).toEqual([["real.bin", 700, 700], ["next", 1, 1]]);
  });

  it("long-name and pax records are bounded by maxMetaBytes", async () => {
    const name = text("n".repeat(5000));
    const tar = archive([tarHeader({ name: "././@LongLink", flag: "L", size: name.length, magic: "gnu" }), name, tarPadding(name.length)], tarFile("x", text("x")));
    await expect(readAll(chunked(tar, 512), { maxMetaBytes: 4096 })).rejects.toThrow(/GNU long name of 5000 bytes exceeds the 4096-byte limit/);
  });

  it("entry count is bounded", async () => {
    const tar = archive(...Array.from({ length: 20 }, (_, i) => tarFile(`f${i}`, text("x"))));
    await expect(readAll(chunked(tar, 4096), { maxEntries: 10 })).rejects.toThrow(/more than 10 entries/);
  });
});

describe("damaged tar", () => {
  const good = archive(tarFile("a.txt", text("alpha")), tarFile("b.txt", new Uint8Array(3000).fill(66)));

  it("truncation anywhere gives a TarError naming where, never a silent short read", async () => {
    for (let cut = 1; cut < good.length - 1024; cut += 37) {
      await expect(readAll(chunked(good.subarray(0, cut), 256)), `cut at ${cut}`).rejects.toThrow(TarError);
    }
    await expect(readAll(chunked(good.subarray(0, 1800), 256))).rejects.toThrow(/truncated in the data of b.txt at byte 1800/);
  });

  it("a missing end-of-archive marker is reported; one zero block then end of data is accepted", async () => {
    await expect(readAll(chunked(good.subarray(0, good.length - 1024), 256))).rejects.toThrow(/without the end-of-archive marker/);
    expect((await readAll(chunked(good.subarray(0, good.length - 512), 256))).map((e) => e.name)).toEqual(["a.txt", "b.txt"]);
  });

  it("a corrupt header checksum and non-tar data are rejected", async () => {
    const bad = good.slice();
    bad[10] ^= 0x01;
    await expect(readAll(chunked(bad, 512))).rejects.toThrow(/header checksum mismatch at byte 0/);
    await expect(readAll(chunked(text("<html>" + " ".repeat(600)), 512))).rejects.toThrow(/no valid tar header at byte 0/);
  });

  it("a body left unread is skipped; reading it after moving on is refused", async () => {
    const bodies: (() => AsyncIterable<Uint8Array>)[] = [];
    const names: string[] = [];
    for await (const e of readTar(chunked(good, 100))) {
      names.push(e.name);
      bodies.push(() => e.body());
    }
    expect(names).toEqual(["a.txt", "b.txt"]);
    expect(() => bodies[0]()).toThrow(/after the reader moved to the next entry/);
  });
});

describe("gzip integrity", () => {
  const payload = concatBytes([archive(tarFile("shutdown.log", text("remaining client pid: 1 (/x)\n".repeat(200))))]);
  const gz = new Uint8Array(gzipSync(payload));

  it("every truncation point is an error (including inside the 8-byte trailer)", async () => {
    for (let cut = 1; cut < gz.length; cut++) {
      await expect(collectBytes(gunzip(chunked(gz.subarray(0, cut), 64), { label: "t.tar.gz" })), `cut ${cut}`).rejects.toThrow(GzipError);
    }
    await expect(collectBytes(gunzip(chunked(gz.subarray(0, gz.length - 3), 64), { label: "t.tar.gz" }))).rejects.toThrow(
      /t.tar.gz: truncated or corrupt gzip data at the end of member 1/,
    );
  });

  it("a flipped byte fails the CRC or the inflater, in the first or a later member", async () => {
    const crcBad = gz.slice();
    crcBad[gz.length - 6] ^= 0xff;
    await expect(collectBytes(gunzip(chunked(crcBad, 64)))).rejects.toThrow(/CRC-32 .* recorded/);
    const two = concatBytes([crcBad, gz]);
    await expect(collectBytes(gunzip(chunked(two, 50)))).rejects.toThrow(/gzip member 1 is corrupt \(CRC-32/);
  });

  it("rejects non-gzip, empty input, and trailing garbage", async () => {
    await expect(collectBytes(gunzip(chunked(payload, 512)))).rejects.toThrow(/not gzip data/);
    await expect(collectBytes(gunzip(chunked(new Uint8Array(0), 512)))).rejects.toThrow(/empty file/);
    await expect(collectBytes(gunzip(chunked(concatBytes([gz, text("junk!junk!")]), 512)))).rejects.toThrow(GzipError);
  });

  it("readTar reads a gzip source to its end, so a CRC error after the end-of-archive marker is not missed", async () => {
    const bad = gz.slice();
    bad[gz.length - 7] ^= 0x01;
    const names: string[] = [];
    await expect(
      (async () => {
        for await (const e of readTar(gunzip(chunked(bad, 64)))) names.push(e.name);
      })(),
    ).rejects.toThrow(/CRC-32 .* recorded/);
    expect(names).toEqual(["shutdown.log"]);
  });

  it("stops a decompression bomb at maxOutputBytes while it streams", async () => {
    const bomb = new Uint8Array(gzipSync(new Uint8Array(64 * 1024 * 1024), { level: 9 }));
    expect(bomb.length).toBeLessThan(100_000);
    let seen = 0;
    await expect(
      (async () => {
        for await (const c of gunzip(chunked(bomb, 16384), { maxOutputBytes: 8 * 1024 * 1024 })) seen += c.length;
      })(),
    ).rejects.toThrow(/expands beyond the 8388608-byte limit/);
    expect(seen).toBeLessThanOrEqual(8 * 1024 * 1024);
  });
});
