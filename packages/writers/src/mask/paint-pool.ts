import { Worker } from 'node:worker_threads';
import { type PaintJob, paintJobTransfer } from './paint-job.js';
import type { FromPaintWorker, ToPaintWorker } from './paint-worker.js';

/**
 * Receives the painted bands of a job in order: `buf` holds rows [rowStart, rowEnd) laid out
 * as PNG rows. The returned promise resolves once `buf` may be reused (zlib consumed it).
 */
export type BandSink = (
  buf: Uint8Array,
  rowStart: number,
  rowEnd: number,
  contested: number,
) => Promise<void>;

interface Job {
  id: number;
  job: PaintJob;
  bandBytes: number;
  sink: BandSink;
  writes: Promise<void>[];
  settled: boolean;
  resolve: (painted: boolean) => void;
  reject: (e: unknown) => void;
}

interface Slot {
  worker: Worker;
  /** The worker reported it is running (its modules loaded). */
  ready: boolean;
  job: Job | undefined;
}

/**
 * Worker threads that paint masks (`paint-worker.ts`): each job is painted band by band in a
 * worker while the calling thread goes on with other work; bands come back in order through
 * transferred buffers, so the output is byte for byte what painting in the calling thread
 * gives. A failing job (an error in the worker or in the sink) rejects and its worker is
 * terminated (a fresh one takes its place), so nothing keeps painting for a failed file.
 * A worker that cannot start (no compiled worker module, odd `execArgv`) makes the pool
 * unusable: jobs then resolve `false` before any band, and the caller paints them itself.
 * Idle workers do not keep the process alive; {@link close} terminates them. @internal
 */
export class PaintPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;
  private broken = false;

  private constructor(
    private readonly url: URL,
    private readonly size: number,
  ) {}

  /**
   * A pool of `size` workers, or `undefined` when there is no compiled worker to run (the
   * writers running from their TypeScript sources, as in tests): then paint in the caller.
   */
  static create(size: number, url: URL | undefined = defaultWorkerUrl()): PaintPool | undefined {
    return size >= 1 && url !== undefined ? new PaintPool(url, size) : undefined;
  }

  /**
   * Paints `job` in a worker; resolves `true` once every band went through `sink` and it
   * resolved, or `false`, with no band delivered, when no worker can run (paint it yourself).
   */
  paint(job: PaintJob, bandBytes: number, sink: BandSink): Promise<boolean> {
    if (this.closed) return Promise.reject(new Error('paint pool is closed'));
    if (this.broken) return Promise.resolve(false);
    return new Promise<boolean>((resolve, reject) => {
      this.queue.push({
        id: this.nextId++,
        job,
        bandBytes,
        sink,
        writes: [],
        settled: false,
        resolve,
        reject,
      });
      this.dispatch();
    });
  }

  /** Terminates the workers (jobs still running are rejected). */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) this.settle(job, undefined, false);
    const slots = this.slots.splice(0);
    for (const s of slots) if (s.job) this.settle(s.job, new Error('paint pool closed'));
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const slot = this.slots.find((s) => s.ready && s.job === undefined);
      if (slot === undefined && this.slots.length < this.size) this.spawn();
      if (slot === undefined) return; // dispatched again when a worker is ready or free
      const job = this.queue.shift()!;
      slot.job = job;
      slot.worker.ref(); // a job in flight keeps the process alive
      const message: ToPaintWorker = { type: 'paint', id: job.id, job: job.job, bandBytes: job.bandBytes };
      slot.worker.postMessage(message, paintJobTransfer(job.job));
    }
  }

  private spawn(): void {
    // No inherited node options: the worker is plain compiled JavaScript and needs none.
    const worker = new Worker(this.url, { execArgv: [] });
    worker.unref();
    const slot: Slot = { worker, ready: false, job: undefined };
    this.slots.push(slot);
    worker.on('message', (m: FromPaintWorker) => this.onMessage(slot, m));
    worker.on('error', (e) => this.retire(slot, e));
    worker.on('exit', (code) => this.retire(slot, new Error(`paint worker exited with code ${code}`)));
  }

  private onMessage(slot: Slot, m: FromPaintWorker): void {
    if (m.type === 'ready') {
      slot.ready = true;
      this.dispatch();
      return;
    }
    const job = slot.job;
    if (job === undefined || job.id !== m.id || job.settled) return;
    if (m.type === 'band') {
      const buf = new Uint8Array(m.buffer, 0, (m.rowEnd - m.rowStart) * (job.job.width + 1));
      let written: Promise<void>;
      try {
        written = job.sink(buf, m.rowStart, m.rowEnd, m.contested);
      } catch (e) {
        written = Promise.reject(e);
      }
      job.writes.push(written);
      written.then(
        () => {
          // The buffer is the worker's: it goes back even after the job (the next one reuses it).
          if (this.slots.includes(slot)) {
            const back: ToPaintWorker = { type: 'buffer', buffer: m.buffer };
            slot.worker.postMessage(back, [m.buffer]);
          }
        },
        (e: unknown) => this.retire(slot, e),
      );
    } else if (m.type === 'done') {
      Promise.all(job.writes).then(
        () => {
          this.settle(job, undefined, true);
          this.release(slot);
        },
        (e: unknown) => this.retire(slot, e),
      );
    } else {
      const error = new Error(`mask painting failed: ${m.message}`);
      error.name = m.name;
      if (m.code !== undefined) Object.assign(error, { code: m.code });
      this.retire(slot, error);
    }
  }

  /** The worker is done with its job: ready for the next one. */
  private release(slot: Slot): void {
    slot.job = undefined;
    slot.worker.unref();
    this.dispatch();
  }

  /** Fails the slot's job, if any, and replaces the worker (it may still be painting it). */
  private retire(slot: Slot, error: unknown): void {
    const i = this.slots.indexOf(slot);
    if (i < 0) return;
    this.slots.splice(i, 1);
    if (slot.job) this.settle(slot.job, error);
    if (!slot.ready) {
      // It never started: no worker will; every waiting job is painted by its caller.
      this.broken = true;
      for (const job of this.queue.splice(0)) this.settle(job, undefined, false);
    }
    slot.worker.removeAllListeners();
    slot.worker.on('error', () => {}); // errors after retirement are of no interest
    slot.worker.terminate().catch(() => {});
    if (!this.closed) this.dispatch();
  }

  private settle(job: Job, error?: unknown, painted = false): void {
    if (job.settled) return;
    job.settled = true;
    for (const w of job.writes) w.catch(() => {}); // failures after the first are not reported
    if (error === undefined) job.resolve(painted);
    else job.reject(error);
  }
}

/** The compiled worker next to this module; none when running from the TypeScript sources. */
function defaultWorkerUrl(): URL | undefined {
  return import.meta.url.endsWith('.ts') ? undefined : new URL('./paint-worker.js', import.meta.url);
}
