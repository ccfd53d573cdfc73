// Output bytes are written to disk by one background thread, so the kernel's share of writing a multi-gigabyte
// output folder (a fifth of a large scan's time) runs on the second core while the scan goes on. Writers fill
// 1 MiB slots of one shared buffer and queue them; the thread writes queued slots in order and hands them back.
// The scan only waits when every slot is queued (the disk is behind) or when a file is closed and read back;
// a file closed with `defer` is closed by the thread after its last bytes, and its errors surface at settle().

import { closeSync, openSync } from "node:fs";
import { isMainThread, Worker } from "node:worker_threads";

export const SLOT_BYTES = 1 << 20;
const SLOTS = 16;

// Per slot: file descriptor, byte count, file serial number, 1 to close the file after the bytes.
const META = 4;

// Control words: slots queued so far, slots written so far.
const QUEUED = 0;
const WRITTEN = 1;
/** Every wait re-checks the counters at least this often, so a lost wake-up would cost a pause, not a hang.
 *  (A profiled run once hung with both threads waiting; profiling worker threads with --cpu-prof is known to
 *  hang Node, nodejs/node#56947, and plain runs never have.) */
const WAIT_MS = 250;

/** The writer thread's loop (plain CommonJS: it runs from a string, whatever bundler built the caller). */
const THREAD_SOURCE = `
const { workerData } = require("node:worker_threads");
const { writeSync, closeSync } = require("node:fs");
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
  const fd = meta[slot * ${META}];
  const len = meta[slot * ${META} + 1];
  const closeAfter = meta[slot * ${META} + 3] === 1;
  failed[slot] = 0;
  let open = true;
  try {
    const view = new Uint8Array(data.buffer, slot * SLOT, len);
    let done = 0;
    while (done < len) done += writeSync(fd, view, done, len - done);
    if (closeAfter) {
      open = false;
      closeSync(fd);
    }
  } catch (e) {
    if (closeAfter && open) try { closeSync(fd); } catch {}
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
  /** The first write error of each file (by serial number) not yet reported. */
  private failures = new Map<number, string>();
  /** Files closed with `defer` whose outcome has not been reported: serial number → path. */
  private deferred = new Map<number, string>();
  private serial = 0;
  private queue = new Int32Array(new SharedArrayBuffer(SLOTS * 4));
  private meta = new Int32Array(new SharedArrayBuffer(SLOTS * META * 4));
  private data = new Uint8Array(new SharedArrayBuffer(SLOTS * SLOT_BYTES));
  private error = new Uint8Array(new SharedArrayBuffer(1024));
  private free: number[] = [];
  /** Queued slots not yet handed back, oldest first. */
  private pending: number[] = [];
  private queued = 0;
  private reclaimed = 0;
  private worker: Worker;

  constructor() {
    for (let i = SLOTS - 1; i >= 0; i--) this.free.push(i);
    const { ctrl, queue, meta, failed, data, error } = this;
    // It closes descriptors other threads opened (deferred closes): without fd tracking, or Node would warn.
    this.worker = new Worker(THREAD_SOURCE, { eval: true, workerData: { ctrl, queue, meta, failed, data, error }, trackUnmanagedFds: false });
    // The thread never keeps the process alive: files are drained before they are read or reported, and
    // whatever is still queued when the process exits is written first.
    this.worker.unref();
    process.on("exit", () => this.drain());
  }

  nextSerial(): number {
    return ++this.serial;
  }

  /** A free slot as a Buffer over the shared memory, waiting for the thread when all are queued. */
  acquire(): { slot: number; buf: Buffer } {
    this.reclaim();
    while (!this.free.length) {
      Atomics.wait(this.ctrl, WRITTEN, this.reclaimed, WAIT_MS);
      this.reclaim();
    }
    const slot = this.free.pop()!;
    return { slot, buf: Buffer.from(this.data.buffer, slot * SLOT_BYTES, SLOT_BYTES) };
  }

  /** Hand a slot back unwritten. */
  release(slot: number): void {
    this.free.push(slot);
  }

  /** Queue the first `length` bytes of `slot` for `fd` (file `serial`), closing it afterwards if `close`. */
  submit(slot: number, fd: number, length: number, serial: number, close = false): void {
    this.meta[slot * META] = fd;
    this.meta[slot * META + 1] = length;
    this.meta[slot * META + 2] = serial;
    this.meta[slot * META + 3] = close ? 1 : 0;
    this.queue[this.queued % SLOTS] = slot;
    this.pending.push(slot);
    this.queued++;
    Atomics.store(this.ctrl, QUEUED, this.queued);
    Atomics.notify(this.ctrl, QUEUED);
  }

  /** Wait until everything queued is on disk (in the kernel's hands). */
  drain(): void {
    while (Atomics.load(this.ctrl, WRITTEN) < this.queued) Atomics.wait(this.ctrl, WRITTEN, Atomics.load(this.ctrl, WRITTEN), WAIT_MS);
    this.reclaim();
  }

  /** The first write error of file `serial` (forgotten with `forget`: the file is being closed). */
  takeFailure(serial: number, forget: boolean): string | undefined {
    this.reclaim();
    const msg = this.failures.get(serial);
    if (forget) this.failures.delete(serial);
    return msg;
  }

  defer(serial: number, file: string): void {
    this.deferred.set(serial, file);
  }

  /** Wait for every queued byte and deferred close; the first failure among deferred files, if any. */
  settle(): { file: string; message: string } | undefined {
    this.drain();
    let first: { file: string; message: string } | undefined;
    for (const [serial, file] of this.deferred) {
      const message = this.failures.get(serial);
      this.failures.delete(serial);
      if (message !== undefined) first ??= { file, message };
    }
    this.deferred.clear();
    return first;
  }

  private reclaim(): void {
    const written = Atomics.load(this.ctrl, WRITTEN);
    while (this.reclaimed < written) {
      const slot = this.pending.shift()!;
      if (this.failed[slot]) {
        const serial = this.meta[slot * META + 2];
        if (!this.failures.has(serial)) {
          const len = new DataView(this.error.buffer).getUint32(0);
          this.failures.set(serial, Buffer.from(this.error.buffer, 4, len).toString("utf8"));
        }
      }
      this.free.push(slot);
      this.reclaimed++;
    }
  }
}

let shared: WriteThread | null = null;
const thread = (): WriteThread => (shared ??= new WriteThread());

/** Wait until every file written through the thread is on disk and closed; throws the first write error
 *  of a file closed with `defer`, naming it. */
export function settleWrites(): void {
  if (!shared) return;
  const failure = shared.settle();
  if (failure) throw new Error(`writing ${failure.file} failed: ${failure.message}`);
}

/** A file written through the background thread: bytes go into a shared slot, full slots are queued. */
export class ThreadedFile {
  private fd: number;
  private slot: number;
  private serial: number;
  buf: Buffer;
  off = 0;
  constructor(readonly file: string) {
    this.fd = openSync(file, "w");
    this.serial = thread().nextSerial();
    ({ slot: this.slot, buf: this.buf } = thread().acquire());
  }

  /** Queue the filled part of the slot and take a fresh one. */
  flush(): void {
    if (!this.off) return;
    const t = thread();
    this.throwIfFailed(false);
    t.submit(this.slot, this.fd, this.off, this.serial);
    ({ slot: this.slot, buf: this.buf } = t.acquire());
    this.off = 0;
  }

  private throwIfFailed(closing: boolean): void {
    const msg = thread().takeFailure(this.serial, closing);
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

  /** Close the file once its bytes are written. With `defer` the thread closes it and the caller goes on at
   *  once (the file must not be read before settleWrites(), which also reports its errors). Only the main
   *  thread defers: a worker thread's descriptors are closed again by Node when it exits (trackUnmanagedFds),
   *  which would hit whatever file reused the number after the write thread closed it. */
  close(defer = false): void {
    const t = thread();
    if (defer && isMainThread) {
      this.throwIfFailed(false);
      t.defer(this.serial, this.file);
      t.submit(this.slot, this.fd, this.off, this.serial, true);
      this.off = 0;
      return;
    }
    try {
      if (this.off) t.submit(this.slot, this.fd, this.off, this.serial);
      else t.release(this.slot);
      this.off = 0;
      t.drain();
      this.throwIfFailed(true);
    } finally {
      closeSync(this.fd);
    }
  }
}
