import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { MessageChannel } from 'node:worker_threads';
import type { Annotation } from '@cytorx/core';
import { bufferCount, map, type Observable } from 'rxjs';
import Tinypool from 'tinypool';
import { fromErrorData } from './error-data.js';
import { forFeatures } from './image-features.js';
import {
  type ImageJob,
  type ImageJobResult,
  type ImageJobRun,
  type ImageJobSetup,
  imageJobRunner,
} from './image-job.js';
import type { JobReply, ToJob } from './job-worker.js';

/** Where an export's image jobs run. @internal */
export interface JobRunner {
  /** Runs one image job on its annotations (rejects with the listing's or the job's error). */
  run(job: ImageJob, annotations: Observable<Annotation>, signal: AbortSignal): Promise<ImageJobResult>;
  /** Releases the threads (idempotent). */
  close(): Promise<void>;
}

/** Annotations per message to a worker. */
const CHUNK = 500;
/**
 * Young-generation size of each worker's heap (MB): V8's default lets every isolate keep a large
 * nursery; 8 MB keeps the peak RSS lower at no measurable cost in speed.
 */
const WORKER_YOUNG_MB = 8;

/**
 * The image jobs' runner: the calling thread runs a job whenever it has none running, and a
 * pool of `workers` worker threads (tinypool) running the same job code (`job-worker`) takes
 * the others. A pool job's annotations are listed in the calling thread (the client keeps
 * retries, auth and its connection pool) and streamed to its worker in chunks, as they
 * arrive, over a `MessagePort` of its own; cancelling the job tells the worker to abort it
 * (its files are discarded). From the TypeScript sources (tests), workers load the sources
 * too, through tsx. @internal
 */
export function jobRunner(setup: ImageJobSetup, workers: number): JobRunner {
  const local = imageJobRunner(setup);
  if (workers === 0) return { run: local, close: async () => undefined };
  let localBusy = false;
  const runLocal: ImageJobRun = (job, annotations, signal) => {
    localBusy = true;
    return local(job, annotations, signal).finally(() => {
      localBusy = false;
    });
  };
  const source = import.meta.url.endsWith('.ts');
  const pool = new Tinypool({
    filename: source ? sourceWorker() : fileURLToPath(new URL('./job-worker.js', import.meta.url)),
    minThreads: 0,
    maxThreads: workers,
    workerData: setup,
    // Not the parent's options: some are refused in workers (--expose-gc), and a test runner's
    // export conditions would point the worker at sources it cannot load.
    execArgv: source ? ['--conditions=@cytorx/source'] : [],
    resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_MB },
  });
  // A worker that cannot start or dies outside a task: fail the jobs waiting on the pool.
  const pending = new Set<(e: unknown) => void>();
  pool.on('error', (e: unknown) => {
    for (const reject of pending) reject(e);
  });
  let closing: Promise<void> | undefined;
  return {
    run: (job, annotations, signal) =>
      localBusy ? runInPool(pool, pending, job, annotations, signal) : runLocal(job, annotations, signal),
    close: () => {
      closing ??= pool.destroy();
      return closing;
    },
  };
}

/**
 * The worker module when the writers run from their TypeScript sources (tests): registers tsx
 * in the worker, then loads `job-worker.ts`. tsx is a development dependency of the workspace.
 */
function sourceWorker(): string {
  const tsx = import.meta.resolve('tsx/esm/api');
  const worker = new URL('./job-worker.ts', import.meta.url).href;
  const code = [
    `import { register } from ${JSON.stringify(tsx)};`,
    'register();',
    `const worker = await import(${JSON.stringify(worker)});`,
    'export default worker.default;',
  ].join('\n');
  return `data:text/javascript,${encodeURIComponent(code)}`;
}

function runInPool(
  pool: Tinypool,
  pending: Set<(e: unknown) => void>,
  job: ImageJob,
  annotations: Observable<Annotation>,
  signal: AbortSignal,
): Promise<ImageJobResult> {
  const { port1, port2 } = new MessageChannel();
  const send = (m: ToJob) => port1.postMessage(m);
  return new Promise<ImageJobResult>((resolve, reject) => {
    const fail = (e: unknown) => {
      send({ type: 'cancel' });
      reject(e);
    };
    pending.add(fail);
    const subscription = annotations.pipe(map(forFeatures), bufferCount(CHUNK)).subscribe({
      next: (chunk) => send({ type: 'annotations', annotations: chunk }),
      error: fail,
      complete: () => send({ type: 'end' }),
    });
    const onAbort = () => {
      subscription.unsubscribe();
      fail(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    (pool.run({ job, port: port2 }, { transferList: [port2] }) as Promise<JobReply>)
      .then((reply) => (reply.ok ? resolve(reply.result) : reject(fromErrorData(reply.error))), reject)
      .finally(() => {
        pending.delete(fail);
        signal.removeEventListener('abort', onAbort);
        subscription.unsubscribe();
        port1.close();
      });
  });
}

/**
 * Worker threads by default, besides the calling thread (which runs jobs too): from 4 cores
 * on, one per core beyond the first, at most `concurrency - 1`; below 4 cores none. On the
 * 2-core bench machine a worker did not pay reliably (0.99x-1.24x against 0.95x-1.17x
 * without, same run) and cost 30-60 MB of RSS (a second V8 heap): writers/README.md,
 * Performance. @internal
 */
export function defaultWorkers(concurrency: number, cores = availableParallelism()): number {
  return cores < 4 ? 0 : Math.max(0, Math.min(cores - 1, concurrency - 1));
}
