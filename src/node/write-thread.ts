// Output bytes are written to disk by one background thread, so the kernel's share of writing a multi-gigabyte
// output folder (a fifth of a large scan's time) runs on the second core while the scan goes on. Writers fill
// 1 MiB slots of one shared buffer and queue them; the thread writes queued slots in order and hands them back.
// The scan only waits when every slot is queued (the disk is behind) or when a file is closed.

import { closeSync, openSync } from "node:fs";
import { Worker } from "node:worker_threads";

export const SLOT_BYTES = 1 << 20;
const SLOTS = 16;

// Control words: slots queued so far, slots written so far.
const QUEUED = 0;
const WRITTEN = 1;
/** Every wait re-checks the counters at least this often, so a lost wake-up would cost a pause, not a hang.
 *  (A profiled run once hung with both threads waiting; profiling worker threads with --cpu-prof is known to
 *  hang Node, nodejs/node#56947, and plain runs never have.) */
export const WAIT_MS = 250;
/** With nothing written for this long a background thread is taken to be stuck (a hung disk) or dead (killed
 *  outright: its 'exit' event needs the event loop the waiting scan thread blocks), and the wait fails with an
 *  error instead of lasting for ever. One slot or timeline run takes about a second. */
export const STALL_MS = 10 * 60_000;
/** Wait until `ready()`, re-checking at least every WAIT_MS and watching the counter `ctrl[index]` that a
 *  background thread advances; `check()` runs each turn (it throws to end the wait). False when the counter
 *  has not moved for `stallMs`: the thread is stuck or dead. */
export function waitForProgress(ctrl: Int32Array, index: number, ready: () => boolean, stallMs: number, check: () => void): boolean {
  let last = -1;
  let since = 0;
  while (!ready()) {
    check();
    const n = Atomics.load(ctrl, index);
    if (n !== last) {
      last = n;
      since = Date.now();
    } else if (Date.now() - since >= stallMs) {
      return false;
    }
    Atomics.wait(ctrl, index, n, Math.min(WAIT_MS, stallMs));
  }
  return true;
}

/** The stall limit of the write thread's waits (a test sets SPYSCOPE_TEST_WRITE_STALL_MS). */
const writeStallMs = (): number => Number(process.env.SPYSCOPE_TEST_WRITE_STALL_MS) || STALL_MS;

/** The writer thread's loop (plain CommonJS: it runs from a string, whatever bundler built the caller). */
const THREAD_SOURCE = `
const { workerData } = require("node:worker_threads");
const { writeSync } = require("node:fs");
const { ctrl, queue, meta, failed, data, error } = workerData;
const SLOT = ${SLOT_BYTES};
let written = 0;
for (;;) {
  const queued = Atomics.load(ctrl, ${QUEUED});
  if (queued === written) {
    Atomics.wait(ctrl, ${QUEUED}, queued, ${WAIT_MS});
    continue;
  }
  const slot = queue[written % queue.length];
  const fd = meta[slot * 2];
  const len = meta[slot * 2 + 1];
  failed[slot] = 0;
  try {
    const view = new Uint8Array(data.buffer, slot * SLOT, len);
    let done = 0;
    while (done < len) done += writeSync(fd, view, done, len - done);
  } catch (e) {
    const msg = new TextEncoder().encode(String(e && e.message ? e.message : e)).subarray(0, error.length - 4);
    new DataView(error.buffer).setUint32(0, msg.length);
    error.set(msg, 4);
    failed[slot] = 1;
  }
  written++;
  Atomics.store(ctrl, ${WRITTEN}, written);
  Atomics.notify(ctrl, ${WRITTEN});
}
`;

class WriteThread {
  private ctrl = new Int32Array(new SharedArrayBuffer(2 * 4));
  /** Per slot: whether its last write failed. */
  private failed = new Int32Array(new SharedArrayBuffer(SLOTS * 4));
  /** The first write error of each open file descriptor. */
  private failures = new Map<number, string>();
  private queue = new Int32Array(new SharedArrayBuffer(SLOTS * 4));
  private meta = new Int32Array(new SharedArrayBuffer(SLOTS * 2 * 4));
  private data = new Uint8Array(new SharedArrayBuffer(SLOTS * SLOT_BYTES));
  private error = new Uint8Array(new SharedArrayBuffer(1024));
  private free: number[] = [];
  /** Queued slots not yet handed back, oldest first. */
  private pending: number[] = [];
  private queued = 0;
  private reclaimed = 0;
  private worker: Worker;
  /** Why the thread was given up (nothing written for the stall limit); every later call throws it. */
  stuck: string | null = null;

  constructor() {
    for (let i = SLOTS - 1; i >= 0; i--) this.free.push(i);
    const { ctrl, queue, meta, failed, data, error } = this;
    this.worker = new Worker(THREAD_SOURCE, { eval: true, workerData: { ctrl, queue, meta, failed, data, error } });
    // The thread never keeps the process alive: every file is drained before it is closed.
    this.worker.unref();
  }

  /** A free slot as a Buffer over the shared memory, waiting for the thread when all are queued. */
  acquire(): { slot: number; buf: Buffer } {
    this.waitUntil(() => {
      this.reclaim();
      return this.free.length > 0;
    });
    const slot = this.free.pop()!;
    return { slot, buf: Buffer.from(this.data.buffer, slot * SLOT_BYTES, SLOT_BYTES) };
  }

  /** Hand a slot back unwritten. */
  release(slot: number): void {
    this.free.push(slot);
  }

  /** Queue the first `length` bytes of `slot` for `fd`. */
  submit(slot: number, fd: number, length: number): void {
    if (this.stuck) throw new Error(this.stuck);
    this.meta[slot * 2] = fd;
    this.meta[slot * 2 + 1] = length;
    this.queue[this.queued % SLOTS] = slot;
    this.pending.push(slot);
    this.queued++;
    Atomics.store(this.ctrl, QUEUED, this.queued);
    Atomics.notify(this.ctrl, QUEUED);
  }

  /** Wait until everything queued is on disk (in the kernel's hands). */
  drain(): void {
    this.waitUntil(() => Atomics.load(this.ctrl, WRITTEN) >= this.queued);
    this.reclaim();
  }

  /** Wait until `ready()` holds, re-checked at least every WAIT_MS; throws (and gives the thread up) when
   *  nothing is written for the stall limit. */
  private waitUntil(ready: () => boolean): void {
    const limit = writeStallMs();
    const check = () => {
      if (this.stuck) throw new Error(this.stuck);
    };
    if (waitForProgress(this.ctrl, WRITTEN, ready, limit, check)) return;
    this.stuck = `the output write thread wrote nothing for ${limit / 1000} s (a hung disk?)`;
    // It stops once its current write returns; its files are left open, as it may still be writing to them.
    void this.worker.terminate();
    throw new Error(this.stuck);
  }

  /** The first write error of `fd` since the last call (which forgets it: the descriptor is being closed). */
  takeFailure(fd: number, forget: boolean): string | undefined {
    this.reclaim();
    const msg = this.failures.get(fd);
    if (forget) this.failures.delete(fd);
    return msg;
  }

  private reclaim(): void {
    const written = Atomics.load(this.ctrl, WRITTEN);
    while (this.reclaimed < written) {
      const slot = this.pending.shift()!;
      if (this.failed[slot]) {
        const fd = this.meta[slot * 2];
        if (!this.failures.has(fd)) {
          const len = new DataView(this.error.buffer).getUint32(0);
          this.failures.set(fd, Buffer.from(this.error.buffer, 4, len).toString("utf8"));
        }
      }
      this.free.push(slot);
      this.reclaimed++;
    }
  }
}

let shared: WriteThread | null = null;
/** The write thread for new files: a fresh one after a stuck one (whose files keep failing). */
const thread = (): WriteThread => (shared && !shared.stuck ? shared : (shared = new WriteThread()));

/** A file written through the background thread: bytes go into a shared slot, full slots are queued. */
export class ThreadedFile {
  private fd: number;
  private slot: number;
  /** The thread this file's slots belong to. */
  private t = thread();
  buf: Buffer;
  off = 0;
  constructor(readonly file: string) {
    this.fd = openSync(file, "w");
    try {
      ({ slot: this.slot, buf: this.buf } = this.t.acquire());
    } catch (e) {
      closeSync(this.fd); // no slot of this file ever reached the thread
      throw e;
    }
  }

  /** Queue the filled part of the slot and take a fresh one. */
  flush(): void {
    if (!this.off) return;
    const t = this.t;
    this.throwIfFailed(false);
    t.submit(this.slot, this.fd, this.off);
    ({ slot: this.slot, buf: this.buf } = t.acquire());
    this.off = 0;
  }

  private throwIfFailed(closing: boolean): void {
    const msg = this.t.takeFailure(this.fd, closing);
    if (msg !== undefined) throw new Error(`writing ${this.file} failed: ${msg}`);
  }

  /** Bytes after what is buffered (copied, so the caller may reuse `b` at once). */
  writeBytes(b: Uint8Array): void {
    let done = 0;
    while (done < b.length) {
      if (this.off === this.buf.length) this.flush();
      const n = Math.min(b.length - done, this.buf.length - this.off);
      this.buf.set(b.subarray(done, done + n), this.off);
      this.off += n;
      done += n;
    }
  }

  close(): void {
    const t = this.t;
    try {
      if (this.off) t.submit(this.slot, this.fd, this.off);
      else t.release(this.slot);
      this.off = 0;
      t.drain();
      this.throwIfFailed(true);
    } finally {
      // A stuck thread may still write to this descriptor when its write returns: closing it could let the
      // number be reused by another file and written over, so it stays open.
      if (!t.stuck) closeSync(this.fd);
    }
  }
}
