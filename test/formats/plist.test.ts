// Plist reader/writer and NSKeyedArchiver tests against the real MVT iOS-backup fixture and round trips.

import Database from "better-sqlite3";
import { createHash } from "node:crypto";
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import plist from "plist";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ArchivedObject,
  archiveKeyed,
  makeMBFile,
  nsMutableData,
  PlistReal,
  writeBinaryPlist,
  writeXmlPlist,
  xmlPlistString,
  type PlistWritable,
} from "../../src/core/formats/bplist-writer.js";
import { archivedClassName, isKeyedArchive, unarchive } from "../../src/core/formats/nskeyedarchiver.js";
import { parsePlist, PlistError, PlistUid, type PlistValue } from "../../src/core/formats/plist.js";
import { IOS_BACKUP } from "../helpers/scan.js";

const FIXTURE = IOS_BACKUP;
const INFO_PLIST = join(FIXTURE, "Info.plist");
const GLOBAL_PREFS = join(FIXTURE, "0d/0dc926a1810f7aee4e8f38793ed788701f93bf9d");
const MANIFEST_DB = join(FIXTURE, "Manifest.db");
const FIXTURE_FILES = [INFO_PLIST, GLOBAL_PREFS, MANIFEST_DB];

const sha256 = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");
const readFixture = (path: string) => new Uint8Array(readFileSync(path));
const utf8 = (s: string) => new TextEncoder().encode(s);

interface FileRow {
  fileID: string;
  domain: string;
  relativePath: string;
  flags: number;
  file: Uint8Array;
}

let hashesBefore: string[] = [];
let tmp = "";
let rows: FileRow[] = [];

beforeAll(() => {
  hashesBefore = FIXTURE_FILES.map(sha256);
  // Never open the fixture database in place: SQLite may touch -wal/-shm or the header.
  tmp = mkdtempSync(join(tmpdir(), "spyscope-plist-"));
  copyFileSync(MANIFEST_DB, join(tmp, "Manifest.db"));
  const db = new Database(join(tmp, "Manifest.db"), { readonly: true });
  try {
    rows = db.prepare("SELECT fileID, domain, relativePath, flags, file FROM Files").all() as FileRow[];
  } finally {
    db.close();
  }
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  expect(FIXTURE_FILES.map(sha256)).toEqual(hashesBefore);
});

const isDict = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof Uint8Array) && !(v instanceof Date);

describe("parsePlist on the MVT fixture", () => {
  it("reads Info.plist (a binary plist in this fixture)", () => {
    const info = parsePlist(readFixture(INFO_PLIST));
    expect(isDict(info)).toBe(true);
    const d = info as Record<string, PlistValue>;
    expect(d["Product Version"]).toBe("14.3");
    expect(d["Build Version"]).toBe("18C66");
    expect(d["Last Backup Date"]).toBeInstanceOf(Date);
    expect((d["Last Backup Date"] as Date).toISOString()).toBe("2021-12-03T19:33:13.000Z");
    expect(d["Installed Applications"]).toContain("net.whatsapp.WhatsApp");
    expect(d["Product Type"]).toBe("iPhone9,3");
  });

  it("reads Info.plist identically after conversion to XML (both by our writer and the plist package)", () => {
    const info = parsePlist(readFixture(INFO_PLIST));
    expect(parsePlist(writeXmlPlist(info))).toEqual(info);
    const viaPackage = plist.build(info as plist.PlistValue);
    expect(parsePlist(utf8(viaPackage))).toEqual(info);
    // and the plist package agrees with our XML output
    expect(plist.parse(xmlPlistString(info))).toEqual(info);
  });

  it("reads the binary .GlobalPreferences.plist", () => {
    const prefs = parsePlist(readFixture(GLOBAL_PREFS)) as Record<string, PlistValue>;
    expect(prefs.LDMGlobalEnabled).toBe(true);
    expect(prefs.AppleLocale).toBe("en_FR");
    expect(prefs.AppleLanguages).toEqual(["en-FR", "fr-FR"]);
    expect(prefs.AKLastEmailListRequestDateKey).toBeInstanceOf(Date);
  });

  it("returns plain Uint8Array data even when given a Node Buffer, and parses from a subarray", () => {
    const buf = readFileSync(GLOBAL_PREFS);
    const padded = new Uint8Array(buf.length + 7);
    padded.set(buf, 7);
    expect(parsePlist(padded.subarray(7))).toEqual(parsePlist(buf));
    const withData = writeBinaryPlist({ d: Uint8Array.of(1, 2, 3) });
    const parsed = parsePlist(Buffer.from(withData)) as { d: Uint8Array };
    expect(parsed.d.constructor).toBe(Uint8Array);
    expect(Array.from(parsed.d)).toEqual([1, 2, 3]);
  });
});

describe("NSKeyedArchiver MBFile blobs from the fixture Manifest.db", () => {
  it("decodes every file blob", () => {
    expect(rows.length).toBe(3721);
    let encrypted = 0;
    for (const row of rows) {
      const archive = parsePlist(row.file);
      expect(isKeyedArchive(archive)).toBe(true);
      const f = unarchive(archive) as Record<string, unknown>;
      expect(isDict(f), row.fileID).toBe(true);
      expect(archivedClassName(f)).toBe("MBFile");
      expect(f.RelativePath, row.fileID).toBe(row.relativePath);
      for (const k of ["LastModified", "LastStatusChange", "Birth", "Mode", "UserID", "GroupID", "Size", "InodeNumber", "ProtectionClass", "Flags"]) {
        expect(typeof f[k], `${row.fileID}.${k}`).toBe("number");
      }
      expect(f).not.toHaveProperty("$class");
      if (f.EncryptionKey !== undefined) {
        expect(f.EncryptionKey).toBeInstanceOf(Uint8Array);
        expect((f.EncryptionKey as Uint8Array).length).toBeGreaterThan(4);
        encrypted++;
      }
      if (f.Target !== undefined) expect(typeof f.Target).toBe("string");
    }
    expect(encrypted).toBeGreaterThan(0);
  });

  it("matches MVT's values for 865e565f7ee3b2842ce05bf30d5cbc3d68352edd", () => {
    const row = rows.find((r) => r.fileID === "865e565f7ee3b2842ce05bf30d5cbc3d68352edd")!;
    const f = unarchive(parsePlist(row.file)) as Record<string, number | string>;
    const utc = (s: number) => new Date(s * 1000).toISOString().replace("T", " ").slice(0, 19);
    expect(utc(f.Birth as number)).toBe("2021-01-15 01:37:49");
    expect(utc(f.LastModified as number)).toBe("2021-01-15 01:37:49");
    expect(utc(f.LastStatusChange as number)).toBe("2021-01-15 01:37:49");
    expect(f.Mode).toBe(0o40755);
    expect(f.UserID).toBe(501);
    expect(f.Size).toBe(0);
    expect(f).toEqual({
      LastModified: 1610674669,
      Flags: 0,
      GroupID: 501,
      LastStatusChange: 1610674669,
      RelativePath: "",
      Birth: 1610674669,
      Size: 0,
      InodeNumber: 184673,
      Mode: 16877,
      UserID: 501,
      ProtectionClass: 0,
    });
  });

  it("makeMBFile reproduces real blobs (same archive structure, same decoded values)", () => {
    const samples = [
      "865e565f7ee3b2842ce05bf30d5cbc3d68352edd", // directory
      "b61844dd930352ebc9be6ed807e26325cc92625d", // symlink with Target
      "e79835db903d8fd76a82abf9dda1294ec027e317", // file with EncryptionKey
      "d18328fc17fb0ad651d3250875b7720394925982", // EncryptionKey + ExtendedAttributes
      "e19efc06fddeecdd2b56c28eb2484bfbe59572d5", // Digest + EncryptionKey
    ];
    for (const id of samples) {
      const row = rows.find((r) => r.fileID === id)!;
      const realArchive = parsePlist(row.file) as Record<string, PlistValue>;
      const real = unarchive(realArchive) as Record<string, any>;
      const blob = makeMBFile({
        relativePath: real.RelativePath,
        mode: real.Mode,
        size: real.Size,
        uid: real.UserID,
        gid: real.GroupID,
        lastModified: real.LastModified,
        lastStatusChange: real.LastStatusChange,
        birth: real.Birth,
        inode: real.InodeNumber,
        protectionClass: real.ProtectionClass,
        flags: real.Flags,
        target: real.Target,
        digest: real.Digest,
        encryptionKey: real.EncryptionKey,
        extendedAttributes: real.ExtendedAttributes,
      });
      const ours = parsePlist(blob) as Record<string, PlistValue>;
      // Same envelope, same $objects layout (root first, class descriptions last); dict key order may differ.
      expect(ours.$version).toBe(100000);
      expect(ours.$archiver).toBe("NSKeyedArchiver");
      expect(ours.$top).toEqual({ root: new PlistUid(1) });
      expect(ours.$objects).toEqual(realArchive.$objects);
      expect(unarchive(ours)).toEqual(real);
    }
  });

  it("makeMBFile applies defaults", () => {
    const f = unarchive(parsePlist(makeMBFile({ relativePath: "Library/SMS/sms.db", mode: 0o100644, lastModified: 1_600_000_000.7, size: 4096 })));
    expect(f).toEqual({
      LastModified: 1600000000,
      Flags: 0,
      GroupID: 501,
      LastStatusChange: 1600000000,
      RelativePath: "Library/SMS/sms.db",
      Birth: 1600000000,
      Size: 4096,
      InodeNumber: 0,
      Mode: 0o100644,
      UserID: 501,
      ProtectionClass: 3,
    });
  });
});

describe("writer → parser round trips", () => {
  const sample = (): PlistWritable => ({
    null: null,
    t: true,
    f: false,
    zero: 0,
    small: 7,
    byte: 255,
    short: 65535,
    int32: 0xffffffff,
    int53: Number.MAX_SAFE_INTEGER,
    neg: -1,
    negBig: -1234567890123,
    minSafe: Number.MIN_SAFE_INTEGER,
    big: 2n ** 60n,
    u64max: 2n ** 64n - 1n,
    i64min: -(2n ** 63n),
    i128: -(2n ** 100n),
    pi: Math.PI,
    negReal: -0.5,
    tiny: 5e-324,
    inf: Infinity,
    date: new Date("2021-12-03T19:33:13.250Z"),
    oldDate: new Date("1970-01-01T00:00:00Z"),
    data: Uint8Array.of(0, 1, 2, 254, 255),
    emptyData: new Uint8Array(0),
    bigData: new Uint8Array(70_000).map((_, i) => i & 0xff),
    ascii: "hello",
    empty: "",
    utf16: "Grüße, 世界 🚀",
    lone: "\ud800x",
    long: "x".repeat(100_000),
    uid: new PlistUid(3),
    uidBig: new PlistUid(70_000),
    arr: [1, "two", [3, [4, { five: 5 }]], []],
    nested: { a: { b: { c: { d: [true, null, new PlistUid(0)] } } }, empty: {} },
  });

  const normalise = (v: PlistWritable): unknown => {
    if (v instanceof PlistReal) return v.value;
    if (Array.isArray(v)) return v.map(normalise);
    if (v && typeof v === "object" && !(v instanceof Date) && !(v instanceof Uint8Array) && !(v instanceof PlistUid)) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        if (x !== undefined) Object.defineProperty(out, k, { value: normalise(x), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    return v;
  };

  it("binary: every type survives", () => {
    const v = sample();
    // Object literal "__proto__: x" sets the prototype; define it as an own key explicitly instead.
    Object.defineProperty(v, "__proto__", { value: "not a prototype", enumerable: true, writable: true, configurable: true });
    const parsed = parsePlist(writeBinaryPlist(v)) as Record<string, PlistValue>;
    expect(parsed).toStrictEqual(normalise(v));
    expect(typeof parsed.big).toBe("bigint");
    expect(parsed.u64max).toBe(2n ** 64n - 1n);
    expect(parsed.i64min).toBe(-(2n ** 63n));
    expect(parsed.i128).toBe(-(2n ** 100n));
    expect(parsed.int53).toBe(Number.MAX_SAFE_INTEGER);
    expect(parsed.negBig).toBe(-1234567890123);
    expect(parsed.uid).toBeInstanceOf(PlistUid);
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(Object.prototype.hasOwnProperty.call(parsed, "__proto__")).toBe(true);
  });

  it("binary: reals stay reals, -0 and NaN survive, ASCII vs UTF-16 encoding chosen per string", () => {
    const bytes = writeBinaryPlist([new PlistReal(1), -0, NaN, "abc", "é"]);
    const parsed = parsePlist(bytes) as PlistValue[];
    expect(parsed[0]).toBe(1);
    expect(Object.is(parsed[1], -0)).toBe(true);
    expect(Number.isNaN(parsed[2] as number)).toBe(true);
    const hex = Buffer.from(bytes).toString("hex");
    expect(hex).toContain("23" + "3ff0000000000000"); // real 1.0
    expect(hex).toContain("53616263"); // ASCII "abc"
    expect(hex).toContain("6100e9"); // UTF-16BE "é"
  });

  it("binary: dedupes equal scalars and shared containers, uses wide refs when needed", () => {
    const shared = [1, 2, 3];
    const a = parsePlist(writeBinaryPlist({ x: shared, y: shared, s1: "same", s2: "same" })) as Record<string, PlistValue>;
    expect(a.x).toEqual([1, 2, 3]);
    expect(a.y).toEqual([1, 2, 3]);
    const many = Array.from({ length: 70_000 }, (_, i) => `s${i}`);
    expect(parsePlist(writeBinaryPlist(many))).toEqual(many);
    const bytes = writeBinaryPlist(many);
    expect(bytes[bytes.length - 32 + 7]).toBe(4); // 4-byte object refs
  });

  it("binary: rejects cycles and unsupported values", () => {
    const cyclic: PlistWritable[] = [];
    cyclic.push(cyclic);
    expect(() => writeBinaryPlist(cyclic)).toThrow(PlistError);
    expect(() => writeBinaryPlist((() => 1) as unknown as PlistWritable)).toThrow(PlistError);
    expect(() => writeBinaryPlist(new Date(NaN))).toThrow(PlistError);
    expect(() => writeBinaryPlist(2n ** 200n)).toThrow(PlistError);
  });

  it("XML: every XML-representable type survives", () => {
    const v = sample() as Record<string, PlistWritable>;
    delete v.null;
    delete v.inf;
    delete v.lone; // a lone surrogate cannot be encoded as UTF-8
    (v.nested as any).a.b.c.d = [true, new PlistUid(0)];
    v.special = [NaN, -Infinity, new PlistReal(2)];
    v.markup = `<tag attr="x"> & 'quotes' ]]> &amp;`;
    v.date = new Date("2021-12-03T19:33:13Z"); // XML dates have whole seconds
    const xml = writeXmlPlist(v);
    const parsed = parsePlist(xml) as Record<string, PlistValue>;
    const expected = normalise(v) as Record<string, unknown>;
    expect(parsed).toStrictEqual(expected);
    expect(typeof parsed.u64max).toBe("bigint");
  });

  it("XML: Apple-style syntax (DOCTYPE, comments, CDATA, entities, empty elements, hex ints, CF$UID, UTF-16)", () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<!-- a comment -->
<plist version="1.0">
<dict>
	<key>name</key><string>A &amp; B &lt;c&gt; &#233;&#x1F680; <![CDATA[<raw> & stuff]]><!-- gone --></string>
	<key>empty</key><string/>
	<key>emptyArr</key><array/>
	<key>emptyDict</key><dict/>
	<key>hex</key><integer>0x1F</integer>
	<key>neg</key><integer>-42</integer>
	<key>huge</key><integer>18446744073709551615</integer>
	<key>real</key><real>-1.5e3</real>
	<key>date</key><date>2021-01-15T01:37:49Z</date>
	<key>data</key><data>
		AAEC
		/w==
	</data>
	<key>yes</key><true/>
	<key>no</key><false></false>
	<key>uid</key><dict><key>CF$UID</key><integer>12</integer></dict>
</dict>
</plist>`;
    const expected = {
      name: "A & B <c> é🚀 <raw> & stuff",
      empty: "",
      emptyArr: [],
      emptyDict: {},
      hex: 31,
      neg: -42,
      huge: 18446744073709551615n,
      real: -1500,
      date: new Date("2021-01-15T01:37:49Z"),
      data: Uint8Array.of(0, 1, 2, 255),
      yes: true,
      no: false,
      uid: new PlistUid(12),
    };
    expect(parsePlist(utf8(xml))).toStrictEqual(expected);
    // UTF-16 with BOM, both byte orders
    const units = Array.from(xml, (c) => c).join("");
    const be = new Uint8Array(2 + units.length * 2);
    const le = new Uint8Array(2 + units.length * 2);
    be.set([0xfe, 0xff]);
    le.set([0xff, 0xfe]);
    for (let i = 0; i < units.length; i++) {
      const c = units.charCodeAt(i);
      be[2 + 2 * i] = c >> 8;
      be[3 + 2 * i] = c & 0xff;
      le[2 + 2 * i] = c & 0xff;
      le[3 + 2 * i] = c >> 8;
    }
    expect(parsePlist(be)).toStrictEqual(expected);
    expect(parsePlist(le)).toStrictEqual(expected);
    // UTF-8 BOM
    expect(parsePlist(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8(xml)]))).toEqual(expected);
  });

  it("XML: writer skips null dict entries and refuses null elsewhere", () => {
    expect(parsePlist(writeXmlPlist({ a: 1, b: null }))).toEqual({ a: 1 });
    expect(() => writeXmlPlist([null])).toThrow(PlistError);
  });
});

describe("NSKeyedArchiver encode/decode", () => {
  it("archiveKeyed → unarchive covers Foundation classes and custom objects", () => {
    const when = new Date("2021-12-03T19:33:13.500Z");
    const root = new ArchivedObject(["SPYThing", "NSObject"], {
      name: "thing",
      count: 3,
      ratio: new PlistReal(2),
      enabled: true,
      when,
      list: ["a", 1, null, ["nested"]],
      dict: { k: "v", n: 2, d: { deep: Uint8Array.of(9) } },
      blob: Uint8Array.of(1, 2, 3),
      key: nsMutableData(Uint8Array.of(4, 5)),
      missing: null,
      child: new ArchivedObject(["SPYChild", "SPYThing", "NSObject"], { again: "thing" }),
      skipped: undefined,
    });
    const archive = parsePlist(archiveKeyed(root));
    expect(isKeyedArchive(archive)).toBe(true);
    const out = unarchive(archive) as Record<string, any>;
    expect(out).toEqual({
      name: "thing",
      count: 3,
      ratio: 2,
      enabled: true,
      when,
      list: ["a", 1, null, ["nested"]],
      dict: { k: "v", n: 2, d: { deep: Uint8Array.of(9) } },
      blob: Uint8Array.of(1, 2, 3),
      key: Uint8Array.of(4, 5),
      missing: null,
      child: { again: "thing" },
    });
    expect(archivedClassName(out)).toBe("SPYThing");
    expect(archivedClassName(out.child)).toBe("SPYChild");
  });

  it("decodes hand-built archives: NSMutableString, NSSet, NSURL with base, NSUUID, NSNull, $top without root", () => {
    const cls = (name: string, ...chain: string[]) => ({ $classname: name, $classes: [name, ...chain, "NSObject"] });
    const u = (n: number) => new PlistUid(n);
    const archive: PlistValue = {
      $version: 100000,
      $archiver: "NSKeyedArchiver",
      $top: { first: u(1) },
      $objects: [
        "$null",
        { "NS.keys": [u(2), u(3), u(4), u(5), u(6)], "NS.objects": [u(7), u(9), u(11), u(14), u(16)], $class: u(18) },
        "str",
        "set",
        "url",
        "uuid",
        "nil",
        { "NS.string": "mutable", $class: u(8) },
        cls("NSMutableString", "NSString"),
        { "NS.objects": [u(2), u(3)], $class: u(10) },
        cls("NSSet"),
        { "NS.base": u(12), "NS.relative": u(13), $class: u(19) },
        { "NS.base": u(0), "NS.relative": "https://example.com/dir/", $class: u(19) },
        "page?x=1",
        { "NS.uuidbytes": Uint8Array.from({ length: 16 }, (_, i) => i), $class: u(15) },
        cls("NSUUID"),
        { $class: u(17) },
        cls("NSNull"),
        cls("NSMutableDictionary", "NSDictionary"),
        cls("NSURL"),
      ],
    };
    expect(unarchive(archive)).toEqual({
      str: "mutable",
      set: ["str", "set"],
      url: "https://example.com/dir/page?x=1",
      uuid: "00010203-0405-0607-0809-0A0B0C0D0E0F",
      nil: null,
    });
    expect(unarchive(archive, { topKey: "first" })).toEqual(unarchive(archive));
    expect(() => unarchive(archive, { topKey: "nope" })).toThrow(PlistError);
  });

  it("NSDate NS.time is Apple absolute time", () => {
    const archive: PlistValue = {
      $archiver: "NSKeyedArchiver",
      $top: { root: new PlistUid(1) },
      $objects: ["$null", { "NS.time": 632_000_000.25, $class: new PlistUid(2) }, { $classname: "NSDate", $classes: ["NSDate", "NSObject"] }],
    };
    expect(unarchive(archive)).toEqual(new Date((632_000_000.25 + 978_307_200) * 1000));
  });

  it("cycles are errors (or nulls on request); shared objects decode once", () => {
    const u = (n: number) => new PlistUid(n);
    const arrCls = { $classname: "NSArray", $classes: ["NSArray", "NSObject"] };
    const cyclic: PlistValue = {
      $archiver: "NSKeyedArchiver",
      $top: { root: u(1) },
      $objects: ["$null", { "NS.objects": [u(2)], $class: u(3) }, { "NS.objects": [u(1)], $class: u(3) }, arrCls],
    };
    expect(() => unarchive(cyclic)).toThrow(PlistError);
    expect(unarchive(cyclic, { cycles: "null" })).toEqual([[null]]);

    // 40 levels, each holding its child twice: 2^40 paths, but memoisation keeps it linear.
    const objects: PlistValue[] = ["$null", arrCls];
    for (let i = 0; i < 40; i++) objects.push({ "NS.objects": [u(objects.length + 1), u(objects.length + 1)], $class: u(1) });
    objects.push("leaf");
    const dag: PlistValue = { $archiver: "NSKeyedArchiver", $top: { root: u(2) }, $objects: objects };
    const t0 = performance.now();
    unarchive(dag);
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it("shared inline containers (a DAG inside the bplist) are decoded once", () => {
    let inline: PlistWritable = ["leaf"];
    for (let i = 0; i < 60; i++) inline = [inline, inline];
    const archive = {
      $archiver: "NSKeyedArchiver",
      $top: { root: new PlistUid(1) },
      $objects: ["$null", { payload: inline, $class: new PlistUid(2) }, { $classname: "SPYBomb", $classes: ["SPYBomb", "NSObject"] }],
    };
    const parsed = parsePlist(writeBinaryPlist(archive));
    const t0 = performance.now();
    const out = unarchive(parsed) as { payload: unknown[] };
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(Array.isArray(out.payload)).toBe(true);
    // a hand-made cyclic value (the parser never produces one) is still caught
    const loop: PlistValue[] = [];
    loop.push(loop);
    expect(() => unarchive({ $archiver: "NSKeyedArchiver", $top: { root: loop }, $objects: ["$null"] })).toThrow(PlistError);
  });

  it("rejects malformed archives with PlistError", () => {
    const u = (n: number) => new PlistUid(n);
    expect(() => unarchive({ foo: 1 })).toThrow(PlistError);
    expect(isKeyedArchive({ foo: 1 })).toBe(false);
    expect(() => unarchive({ $archiver: "NSKeyedArchiver", $top: {}, $objects: [] })).toThrow(PlistError);
    expect(() => unarchive({ $archiver: "NSKeyedArchiver", $top: { root: u(99) }, $objects: ["$null"] })).toThrow(PlistError);
    expect(() => unarchive({ $archiver: "NSKeyedArchiver", $top: { root: u(1) }, $objects: ["$null", { $class: u(0) }] })).toThrow(PlistError);
    expect(() =>
      unarchive({
        $archiver: "NSKeyedArchiver",
        $top: { root: u(1) },
        $objects: ["$null", { "NS.keys": [u(0)], "NS.objects": [], $class: u(2) }, { $classname: "NSDictionary" }],
      }),
    ).toThrow(PlistError);
  });
});

describe("browser safety", () => {
  it("the plist modules bundle for the browser without Node built-ins or Buffer", async () => {
    const { build } = await import("esbuild");
    const { builtinModules } = await import("node:module");
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    const offenders: string[] = [];
    const result = await build({
      stdin: {
        contents: [
          'export * from "./src/core/formats/plist.js";',
          'export * from "./src/core/formats/nskeyedarchiver.js";',
          'export * from "./src/core/formats/bplist-writer.js";',
        ].join("\n"),
        resolveDir: join(import.meta.dirname, "../.."),
        loader: "ts",
      },
      bundle: true,
      platform: "browser",
      format: "esm",
      write: false,
      logLevel: "silent",
      plugins: [
        {
          name: "no-node",
          setup(b) {
            b.onResolve({ filter: /.*/ }, (args) => {
              if (builtins.has(args.path) || args.path.startsWith("node:")) {
                offenders.push(args.path);
                return { path: args.path, external: true };
              }
              return undefined;
            });
          },
        },
      ],
    });
    expect(offenders).toEqual([]);
    const code = result.outputFiles[0].text;
    expect(code).not.toMatch(/\bBuffer\b/);
    expect(code).not.toMatch(/require\(/);
  });
});
