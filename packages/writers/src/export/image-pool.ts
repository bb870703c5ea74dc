import { Worker } from 'node:worker_threads';
import { AbortedError, type Annotation } from '@cytorx/core';
import { bufferCount, concat, concatMap, type Observable, Subject, type Subscription } from 'rxjs';
import {
  fromErrorData,
  type ImageJob,
  type ImageJobResult,
  ImageJobRunner,
  type ImageJobSetup,
} from './image-job.js';
import type { FromImageWorker, ToImageWorker } from './image-worker.js';

/** Annotations per message to a worker. */
const CHUNK = 500;
/** Jobs given to a worker at once: one running, one whose annotations arrive meanwhile. */
const WORKER_QUEUE = 2;
/**
 * Young-generation size of each worker's heap (MB). V8's default (16) lets every isolate keep
 * a large nursery; 8 keeps the export's peak RSS about 50 MB lower per worker at no
 * measurable cost in speed (bench/export.mjs).
 */
const WORKER_YOUNG_MB = 8;

/**
 * Runs image jobs in the calling thread and in `workers` worker threads (`image-worker.ts`),
 * each thread running one job at a time (a worker is handed its next job while it runs one, so that job's annotations are there when it is free), jobs started in arrival order. A job's annotations are read
 * from the moment it is submitted, whether or not a thread is free (chunks wait in memory),
 * and streamed to its thread. Same results wherever a job runs: the job code is the same.
 * Without a compiled worker to run (the writers running from their TypeScript sources, as in
 * unit tests), or if no worker can start, every job runs in the calling thread. A worker that
 * dies fails its job and is replaced for the next ones. Idle workers do not keep the process
 * alive. `maskThreads` applies to jobs run in the calling thread. @internal
 */
export class ImagePool {
  private readonly slots: WorkerSlot[] = [];
  private readonly queue: Pending[] = [];
  private readonly url: URL | undefined;
  private local: Promise<ImageJobRunner> | undefined;
  private localBusy = false;
  private nextId = 1;
  private closed = false;
  /** No worker could start: only the calling thread runs jobs. */
  private broken = false;

  constructor(
    private readonly setup: ImageJobSetup,
    /** Worker threads besides the calling thread. */
    readonly workers: number,
    private readonly maskThreads: number,
  ) {
    this.url = import.meta.url.endsWith('.ts') ? undefined : new URL('./image-worker.js', import.meta.url);
    if (this.url === undefined) this.broken = true;
  }

  /**
   * Runs `job` on `annotations` (already reduced by `forFeatures`); rejects with the listing's
   * error, the job's error, or an `AbortedError` when `signal` aborts first (the listing is
   * unsubscribed, the job's files discarded).
   */
  run(job: ImageJob, annotations: Observable<Annotation>, signal: AbortSignal): Promise<ImageJobResult> {
    if (this.closed) return Promise.reject(new AbortedError('image pool is closed'));
    if (signal.aborted) return Promise.reject(abortReason(signal));
    return new Promise<ImageJobResult>((resolve, reject) => {
      const p: Pending = {
        id: this.nextId++,
        job,
        chunks: [],
        ended: false,
        sink: undefined,
        signal,
        onAbort: () => this.cancel(p, abortReason(signal)),
        resolve,
        reject,
        settled: false,
        subscription: undefined,
      };
      signal.addEventListener('abort', p.onAbort, { once: true });
      this.queue.push(p);
      p.subscription = annotations.pipe(bufferCount(CHUNK)).subscribe({
        next: (chunk) => (p.sink ? p.sink.next(chunk) : p.chunks.push(chunk)),
        complete: () => {
          p.ended = true;
          p.sink?.end();
        },
        error: (e: unknown) => this.cancel(p, e),
      });
      this.dispatch();
    });
  }

  /** Stops the workers (running jobs are abandoned) and frees the calling thread's writers. */
  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) this.settle(p, new AbortedError('image pool closed'));
    const slots = this.slots.splice(0);
    await Promise.all(
      slots.map(async (s) => {
        for (const p of s.jobs) this.settle(p, new AbortedError('image pool closed'));
        s.worker.removeAllListeners();
        s.worker.on('error', () => {});
        await s.worker.terminate().catch(() => {});
      }),
    );
    const local = this.local;
    this.local = undefined;
    if (local) await (await local).close();
  }

  private dispatch(): void {
    while (this.queue.length > 0 && !this.closed) {
      if (!this.localBusy) {
        this.runLocally(this.queue.shift()!);
        continue;
      }
      if (this.broken) return;
      // A free worker, else a new one, else a worker with one job running: its next job's
      // annotations are then already there when it finishes (this thread may be busy).
      let slot = this.slots.find((s) => s.jobs.length === 0);
      if (slot === undefined && this.slots.length >= this.workers) {
        slot = this.slots.find((s) => s.jobs.length < WORKER_QUEUE);
        if (slot === undefined) return;
      }
      if (slot === undefined) {
        if (this.slots.length >= this.workers) return;
        slot = this.spawn();
        if (slot === undefined) return; // no worker can start: the calling thread takes the jobs
      }
      const p = this.queue.shift()!;
      slot.jobs.push(p);
      slot.worker.ref();
      if (slot.ready) this.send(slot, p);
    }
  }

  /** Runs `p` in the calling thread: its buffered chunks, then the rest as it comes. */
  private runLocally(p: Pending): void {
    this.localBusy = true;
    this.local ??= ImageJobRunner.create(this.setup, this.maskThreads);
    const controller = new AbortController();
    p.stop = () => controller.abort(abortReason(p.signal));
    this.local
      .then((runner) => {
        // Chunks keep going to p.chunks until here, where the job subscribes to them.
        const rest = new Subject<Annotation[]>();
        const annotations = concat(p.chunks.splice(0), rest).pipe(concatMap((chunk) => chunk));
        p.sink = { next: (c) => rest.next(c), end: () => rest.complete() };
        if (p.ended) rest.complete();
        return runner.run(p.job, annotations, controller.signal);
      })
      .then(
        (r) => this.settle(p, undefined, r),
        (e: unknown) => this.settle(p, e),
      )
      .finally(() => {
        this.localBusy = false;
        this.dispatch();
      });
  }

  /** Hands `p` to a started worker: the job, its buffered chunks, then the rest as it comes. */
  private send(slot: WorkerSlot, p: Pending): void {
    const post = (m: ToImageWorker) => slot.worker.postMessage(m);
    post({ type: 'job', id: p.id, job: p.job });
    for (const annotations of p.chunks.splice(0)) post({ type: 'annotations', id: p.id, annotations });
    if (p.ended) post({ type: 'end', id: p.id });
    else {
      p.sink = {
        next: (annotations) => post({ type: 'annotations', id: p.id, annotations }),
        end: () => post({ type: 'end', id: p.id }),
      };
    }
    p.stop = () => post({ type: 'cancel', id: p.id });
  }

  /** A new worker, or undefined (and the pool broken) when none can be made. */
  private spawn(): WorkerSlot | undefined {
    const options = {
      workerData: { setup: this.setup },
      resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_MB },
    };
    const execArgv = workerExecArgv(process.execArgv);
    let worker: Worker;
    try {
      // Inherited options are filtered by Node itself (V8 flags such as --expose-gc are
      // ignored); an explicit list with such a flag throws, so one is passed only when needed.
      worker = new Worker(
        this.url!,
        execArgv.length === process.execArgv.length ? options : { ...options, execArgv },
      );
    } catch {
      try {
        worker = new Worker(this.url!, { ...options, execArgv: [] });
      } catch {
        this.broken = true;
        return undefined;
      }
    }
    const slot: WorkerSlot = { worker, ready: false, jobs: [] };
    this.slots.push(slot);
    worker.on('message', (m: FromImageWorker) => this.onMessage(slot, m));
    worker.on('error', (e) => this.retire(slot, e));
    worker.on('exit', (code) => this.retire(slot, new Error(`image worker exited (code ${code})`)));
    return slot;
  }

  private onMessage(slot: WorkerSlot, m: FromImageWorker): void {
    if (m.type === 'ready') {
      slot.ready = true;
      for (const p of slot.jobs) this.send(slot, p);
      return;
    }
    if (m.type !== 'result' && m.type !== 'error') return;
    const i = slot.jobs.findIndex((j) => j.id === m.id);
    if (i < 0) return;
    const [p] = slot.jobs.splice(i, 1) as [Pending];
    if (slot.jobs.length === 0) slot.worker.unref();
    if (m.type === 'result') this.settle(p, undefined, m.result);
    else this.settle(p, fromErrorData(m.error));
    this.dispatch();
  }

  /**
   * `p` fails with `error` (its signal aborted, or its listing failed): the listing stops, the
   * job leaves the queue or is cancelled where it runs (its thread is free once that thread
   * answers).
   */
  private cancel(p: Pending, error: unknown): void {
    const i = this.queue.indexOf(p);
    if (i >= 0) this.queue.splice(i, 1);
    const waiting = this.slots.find((s) => !s.ready && s.jobs.includes(p));
    if (waiting !== undefined) {
      // Not sent yet: the starting worker has room for the next job.
      waiting.jobs.splice(waiting.jobs.indexOf(p), 1);
      if (waiting.jobs.length === 0) waiting.worker.unref();
    }
    p.stop?.();
    this.settle(p, error);
    if (waiting !== undefined) this.dispatch();
  }

  /** The worker died: its job fails, and the next job gets a fresh worker. */
  private retire(slot: WorkerSlot, error: unknown): void {
    const i = this.slots.indexOf(slot);
    if (i < 0) return;
    this.slots.splice(i, 1);
    slot.worker.removeAllListeners();
    slot.worker.on('error', () => {});
    slot.worker.terminate().catch(() => {});
    const jobs = slot.jobs.splice(0);
    if (!slot.ready) {
      // It never started (no usable worker module): the calling thread runs every job.
      this.broken = true;
      this.queue.unshift(...jobs.filter((p) => !p.settled));
    } else for (const p of jobs) this.settle(p, error);
    if (!this.closed) this.dispatch();
  }

  private settle(p: Pending, error: unknown, result?: ImageJobResult): void {
    if (p.settled) return;
    p.settled = true;
    p.signal.removeEventListener('abort', p.onAbort);
    p.subscription?.unsubscribe();
    p.chunks = [];
    if (error === undefined) p.resolve(result!);
    else p.reject(error);
  }
}

/** A job between its submission and its result. */
interface Pending {
  id: number;
  job: ImageJob;
  /** Chunks read before the job reached a thread. */
  chunks: Annotation[][];
  /** The listing completed. */
  ended: boolean;
  /** Where chunks go once the job runs. */
  sink: { next: (chunk: Annotation[]) => void; end: () => void } | undefined;
  /** Stops the job where it runs. */
  stop?: () => void;
  signal: AbortSignal;
  onAbort: () => void;
  resolve: (r: ImageJobResult) => void;
  reject: (e: unknown) => void;
  settled: boolean;
  subscription: Subscription | undefined;
}

interface WorkerSlot {
  worker: Worker;
  ready: boolean;
  /** Sent or to be sent, in order; the first one runs. */
  jobs: Pending[];
}

function abortReason(signal: AbortSignal): unknown {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new AbortedError('image job aborted', { cause: reason });
}

/**
 * The parent's Node options minus export conditions (`--conditions`/`-C`): the worker is
 * compiled JavaScript and must resolve the packages' compiled entry points, even when the
 * parent resolves them otherwise (a test runner's source condition, say). @internal
 */
export function workerExecArgv(execArgv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const a = execArgv[i]!;
    if (a === '--conditions' || a === '-C') i++;
    else if (!a.startsWith('--conditions=') && !a.startsWith('-C=')) out.push(a);
  }
  return out;
}
