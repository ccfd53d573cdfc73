// Timeline runs are sorted and written to their chunk files by a background thread, so the scan thread fills
// the next run meanwhile (TimelineSorter in output.ts keeps two runs and waits only when both are busy).
// A run's memory is moved to the thread with its job (transferred ArrayBuffers: no copy) and moved back with
// the result; shared counters say when a job is queued and when it is done, so the scan thread hands over and
// collects synchronously. (SharedArrayBuffers would save the trip back, but V8 copies within shared memory
// element by element: staging the sorted lines cost a third more on either thread.)
// The sort itself (writeRunSorted and the functions it calls) is one implementation for both threads: the
// scan thread calls it when the thread is off (SPYSCOPE_SORT_THREAD=0) and for runs that never spill, and the
// thread runs the same functions from their source text.

import { errorText } from "../core/util/errors.js";
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from "node:worker_threads";
// Every wait re-checks the counters at least this often, as the write thread's do: a lost wake-up costs a pause.
// A thread that finishes nothing for the stall limit is given up with an error, as the write thread is.
import { STALL_MS, WAIT_MS, waitForProgress } from "./write-thread.js";

/** A run of timeline lines: line i is buf[starts[i], starts[i + 1] - 1) followed by a newline, keyed[i] says
 *  whether it starts with a `"YYYY-MM-DD HH:MM:SS.ffffff"` timestamp, read as ymd / hms / us integers. */
export interface LineRunView {
  buf: Buffer;
  bytes: number;
  lines: number;
  starts: Uint32Array;
  ymd: Uint32Array;
  hms: Uint32Array;
  us: Uint32Array;
  keyed: Uint8Array;
}

// writeRunSorted, sortedOrder, radixPass and compareBytes are also the sorter thread's source text (String(f)):
// they may only use each other, their arguments and globals (Buffer, typed arrays) — no imports, no
// module-level constants.

/** Index arrays reused from run to run (grown as needed), so sorting allocates nothing per run. */
export interface SortScratch {
  ints: Uint32Array;
}

/** Write the lines in order through `write`, staged in the run's own spare bytes after `bytes` (the caller
 *  leaves at least 1 MiB): copyWithin inside one buffer costs a fraction of copying between buffers. */
export function writeRunSorted(run: LineRunView, write: (bytes: Uint8Array) => void, scratch: SortScratch): void {
  const { starts, buf } = run;
  const order = sortedOrder(run, scratch);
  const base = run.bytes;
  let stage = base;
  for (const i of order) {
    const s = starts[i];
    const e = starts[i + 1];
    if (e - s > buf.length - stage) {
      write(buf.subarray(base, stage));
      stage = base;
      if (e - s > buf.length - stage) {
        write(buf.subarray(s, e));
        continue;
      }
    }
    buf.copyWithin(stage, s, e);
    stage += e - s;
  }
  write(buf.subarray(base, stage));
}

/** Line indices in string order: timestamped lines by radix sort (ties by text), the rest by text, merged. */
function sortedOrder(run: LineRunView, scratch: SortScratch): Uint32Array {
  // Length of the quoted timestamp that starts a keyed line.
  const keyLen = 28;
  const digits = 1 << 16;
  const { lines: n, ymd, hms, us, keyed, starts, buf } = run;
  const cmp = (from: number) => (a: number, b: number) => compareBytes(buf, starts[a], starts[a + 1] - 1, buf, starts[b], starts[b + 1] - 1, from);
  let withKey = 0;
  for (let i = 0; i < n; i++) withKey += keyed[i];
  // Keyed lines, the radix sort's second array, the merged order and the digit counts, in one array.
  if (scratch.ints.length < withKey * 2 + n + digits) scratch.ints = new Uint32Array(Math.max(withKey * 2 + n + digits, scratch.ints.length * 2));
  const ints = scratch.ints;
  let order = ints.subarray(0, withKey);
  let spare = ints.subarray(withKey, withKey * 2);
  const count = ints.subarray(withKey * 2, withKey * 2 + digits);
  const rest: number[] = [];
  for (let i = 0, k = 0; i < n; i++) {
    if (keyed[i]) order[k++] = i;
    else rest.push(i);
  }
  // Least significant digit first: 16-bit digits of the microseconds, then the time, then the date.
  const passes: [Uint32Array, number][] = [[us, 0], [us, 16], [hms, 0], [hms, 16], [ymd, 0], [ymd, 16]];
  for (const [key, shift] of passes) {
    if (radixPass(order, spare, key, shift, count)) [order, spare] = [spare, order];
  }
  const byText = cmp(keyLen);
  for (let i = 0; i < withKey; ) {
    const first = order[i];
    let j = i + 1;
    while (j < withKey && ymd[order[j]] === ymd[first] && hms[order[j]] === hms[first] && us[order[j]] === us[first]) j++;
    if (j - i > 1) order.subarray(i, j).sort(byText);
    i = j;
  }
  if (!rest.length) return order;
  const full = cmp(0);
  rest.sort(full);
  const out = ints.subarray(withKey * 2 + digits, withKey * 2 + digits + n);
  let a = 0;
  let b = 0;
  for (let k = 0; k < n; k++) {
    out[k] = b >= rest.length || (a < withKey && full(order[a], rest[b]) <= 0) ? order[a++] : rest[b++];
  }
  return out;
}

/** One stable counting-sort pass of `src` into `dst` on a 16-bit digit of `key[src[i]]`; false (nothing
 *  written) when every element has the same digit. */
function radixPass(src: Uint32Array, dst: Uint32Array, key: Uint32Array, shift: number, count: Uint32Array): boolean {
  const n = src.length;
  if (n < 2) return false;
  count.fill(0);
  for (let i = 0; i < n; i++) count[(key[src[i]] >>> shift) & 0xffff]++;
  if (count[(key[src[0]] >>> shift) & 0xffff] === n) return false;
  let sum = 0;
  for (let d = 0; d < count.length; d++) {
    const c = count[d];
    count[d] = sum;
    sum += c;
  }
  for (let i = 0; i < n; i++) {
    const j = src[i];
    dst[count[(key[j] >>> shift) & 0xffff]++] = j;
  }
  return true;
}

/** Compare two UTF-8 lines from byte `from` on, in JavaScript string order (UTF-16 code units). */
export function compareBytes(a: Buffer, as: number, ae: number, b: Buffer, bs: number, be: number, from: number): number {
  const la = ae - as;
  const lb = be - bs;
  const n = la < lb ? la : lb;
  for (let i = from; i < n; i++) {
    const ca = a[as + i];
    const cb = b[bs + i];
    if (ca !== cb) {
      // UTF-8 byte order is code point order; strings compare UTF-16 code units, which differs when a
      // character above U+FFFF meets one in U+E000–U+FFFF: decode and compare as strings there.
      if (ca >= 0x80 && cb >= 0x80) {
        const x = a.toString("utf8", as, ae);
        const y = b.toString("utf8", bs, be);
        return x < y ? -1 : x > y ? 1 : 0;
      }
      return ca - cb;
    }
  }
  return la - lb;
}

/** The functions above as text; the thread builds them with `new Function` and takes writeRunSorted. */
const SORT_FUNCTIONS = `${[compareBytes, radixPass, sortedOrder, writeRunSorted].map(String).join("\n")}\nreturn ${writeRunSorted.name};`;

/** Whether spills go to the sorter thread: on unless SPYSCOPE_SORT_THREAD=0. */
export function sortThreadEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.SPYSCOPE_SORT_THREAD !== "0";
}

/** A run's memory, moved to the thread with its job and back with the result. */
export interface RunBuffers {
  buf: ArrayBuffer;
  starts: ArrayBuffer;
  ymd: ArrayBuffer;
  hms: ArrayBuffer;
  us: ArrayBuffer;
  keyed: ArrayBuffer;
}

/** A run handed to the thread: its memory, its extent and the chunk file to write. */
export interface SortJob extends RunBuffers {
  file: string;
  bytes: number;
  lines: number;
}

/** A finished job: the run's memory back (null if the thread stopped), and the error if it failed. */
export interface SortResult {
  buffers: RunBuffers | null;
  message?: string;
}

const transferList = (b: RunBuffers): ArrayBuffer[] => [b.buf, b.starts, b.ymd, b.hms, b.us, b.keyed];

// Control words: jobs submitted, jobs finished (written or failed), 1 once the thread has stopped.
const SUBMITTED = 0;
const DONE = 1;
const STOPPED = 2;

/** The thread's loop (plain CommonJS from a string, whatever bundler built the caller). Each job's result,
 *  with the run's memory, is posted before the job counts as done; anything going wrong outside a job stops
 *  the thread with STOPPED set. */
const THREAD_SOURCE = `
const { workerData, receiveMessageOnPort } = require("node:worker_threads");
const { openSync, writeSync, closeSync } = require("node:fs");
const { ctrl, port, functions } = workerData;
const text = (e) => String(e && e.message ? e.message : e);
function writeChunk(sort, scratch, job) {
  const run = {
    buf: Buffer.from(job.buf), bytes: job.bytes, lines: job.lines, starts: new Uint32Array(job.starts),
    ymd: new Uint32Array(job.ymd), hms: new Uint32Array(job.hms), us: new Uint32Array(job.us), keyed: new Uint8Array(job.keyed),
  };
  const fd = openSync(job.file, "w");
  let ok = false;
  try {
    sort(run, (b) => {
      let done = 0;
      while (done < b.length) done += writeSync(fd, b, done, b.length - done);
    }, scratch);
    ok = true;
  } finally {
    try { closeSync(fd); } catch (e) { if (ok) throw e; }
  }
}
try {
  const sort = new Function(functions)();
  const scratch = { ints: new Uint32Array(0) };
  let done = 0;
  for (;;) {
    const submitted = Atomics.load(ctrl, ${SUBMITTED});
    if (submitted === done) {
      Atomics.wait(ctrl, ${SUBMITTED}, submitted, ${WAIT_MS});
      continue;
    }
    // Posted before it was counted, so it is there.
    const job = receiveMessageOnPort(port).message;
    let message;
    try {
      writeChunk(sort, scratch, job);
    } catch (e) {
      message = text(e);
    }
    const { buf, starts, ymd, hms, us, keyed } = job;
    const buffers = { buf, starts, ymd, hms, us, keyed };
    port.postMessage({ job: done + 1, message, buffers }, [buf, starts, ymd, hms, us, keyed]);
    done++;
    Atomics.store(ctrl, ${DONE}, done);
    Atomics.notify(ctrl, ${DONE});
  }
} catch (e) {
  port.postMessage({ job: 0, message: text(e), buffers: null });
  Atomics.store(ctrl, ${STOPPED}, 1);
  Atomics.notify(ctrl, ${DONE});
}
`;

export class SortThread {
  private ctrl = new Int32Array(new SharedArrayBuffer(3 * 4));
  private port: MessagePort;
  private worker: Worker;
  private submitted = 0;
  /** Results of finished jobs not yet taken, by job number (0: why the thread stopped). */
  private results = new Map<number, SortResult>();

  constructor(private stallMs = STALL_MS) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(THREAD_SOURCE, {
      eval: true,
      workerData: { ctrl: this.ctrl, port: port2, functions: SORT_FUNCTIONS },
      transferList: [port2],
    });
    // If the thread dies outside its own catch (it could not start, ran out of memory), it is marked stopped
    // once the scan thread next yields to the event loop, so later waits throw instead of the process failing
    // on an unhandled 'error' event.
    this.worker.on("error", (e) => this.stop(errorText(e)));
    this.worker.on("exit", (code) => this.stop(`it exited (code ${code})`));
    // Nothing waits on the thread through the event loop: runs are collected synchronously, and chunk files
    // are temporary, so an exiting process need not wait for them.
    this.worker.unref();
    this.port.unref();
  }

  /** Hand a run over (its buffers are detached here until the result brings them back); returns its job number. */
  submit(job: SortJob): number {
    this.port.postMessage(job, transferList(job));
    this.submitted++;
    Atomics.store(this.ctrl, SUBMITTED, this.submitted);
    Atomics.notify(this.ctrl, SUBMITTED);
    return this.submitted;
  }

  get stopped(): boolean {
    return Atomics.load(this.ctrl, STOPPED) === 1;
  }

  finished(job: number): boolean {
    return Atomics.load(this.ctrl, DONE) >= job;
  }

  /** Wait until job `job` is finished and take its result. Throws if the thread stopped. */
  wait(job: number): SortResult {
    const finished = () => Atomics.load(this.ctrl, DONE) >= job;
    const check = () => {
      if (this.stopped) this.throwStopped();
    };
    if (!waitForProgress(this.ctrl, DONE, finished, this.stallMs, check)) {
      this.stop(`no timeline run finished for ${this.stallMs / 1000} s`);
      void this.worker.terminate();
      this.throwStopped();
    }
    this.takeMessages();
    const result = this.results.get(job)!;
    this.results.delete(job);
    return result;
  }

  private throwStopped(): never {
    this.takeMessages();
    throw new Error(`the timeline sorter thread stopped: ${this.results.get(0)?.message ?? "unknown error"}`);
  }

  private stop(message: string): void {
    if (this.stopped) return;
    this.results.set(0, { buffers: null, message });
    Atomics.store(this.ctrl, STOPPED, 1);
  }

  private takeMessages(): void {
    for (let m = receiveMessageOnPort(this.port); m; m = receiveMessageOnPort(this.port)) {
      const { job, ...result } = m.message as SortResult & { job: number };
      if (!this.results.has(job)) this.results.set(job, result);
    }
  }
}

let shared: SortThread | null = null;

/** This thread's sorter thread, started on first use and again if it stopped (the jobs it had fail). */
export function sortThread(): SortThread {
  if (!shared || shared.stopped) shared = new SortThread();
  return shared;
}
