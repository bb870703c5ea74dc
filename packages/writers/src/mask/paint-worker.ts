import { parentPort } from 'node:worker_threads';
import { BandCompositor } from './composite.js';
import { type PaintJob, unpackPaintJob } from './paint-job.js';

/** Main thread → worker. @internal */
export type ToPaintWorker =
  | { type: 'paint'; id: number; job: PaintJob; bandBytes: number }
  /** A band buffer the main thread is done with (zlib consumed it). */
  | { type: 'buffer'; buffer: ArrayBuffer };

/** Worker → main thread. @internal */
export type FromPaintWorker =
  /** The worker runs (first message). */
  | { type: 'ready' }
  | {
      type: 'band';
      id: number;
      band: number;
      rowStart: number;
      rowEnd: number;
      contested: number;
      buffer: ArrayBuffer;
    }
  | { type: 'done'; id: number }
  | { type: 'error'; id: number; message: string; name: string; code?: string };

/** Band buffers in circulation: the worker paints one while the main thread writes the others. */
const BUFFERS = 3;

// The worker of `PaintPool`: paints one job at a time, band after band, each into one of its
// band buffers, which goes to the main thread (transferred, not copied) and comes back once
// written. The buffers live as long as the worker, so jobs allocate none.
const port = parentPort;
if (port) {
  const compositor = new BandCompositor();
  let size = 0;
  let made = 0;
  let free: ArrayBuffer[] = [];
  let waiting: (() => void) | undefined;
  const nextBuffer = async (): Promise<ArrayBuffer> => {
    for (;;) {
      const b = free.pop();
      if (b !== undefined) return b;
      if (made < BUFFERS) {
        made++;
        return new ArrayBuffer(size);
      }
      await new Promise<void>((resolve) => (waiting = resolve));
    }
  };

  const paint = async (id: number, job: PaintJob, bandBytes: number): Promise<void> => {
    if (bandBytes > size) {
      // Larger bands: new buffers; the smaller ones are dropped as they come back.
      size = bandBytes;
      made = 0;
      free = [];
    }
    const { width, height, rowsPerBand, imageId } = job;
    const { buckets } = unpackPaintJob(job);
    const stride = width + 1;
    for (let b = 0; b < buckets.length; b++) {
      const rowStart = b * rowsPerBand;
      const rowEnd = Math.min(height, rowStart + rowsPerBand);
      const buffer = await nextBuffer();
      const buf = new Uint8Array(buffer, 0, (rowEnd - rowStart) * stride);
      buf.fill(0);
      const contested = compositor.paint(buckets[b]!, width, height, rowStart, rowEnd, buf, imageId);
      buckets[b] = [];
      const message: FromPaintWorker = { type: 'band', id, band: b, rowStart, rowEnd, contested, buffer };
      port.postMessage(message, [buffer]);
    }
  };

  port.postMessage({ type: 'ready' } satisfies FromPaintWorker);
  port.on('message', (m: ToPaintWorker) => {
    if (m.type === 'buffer') {
      if (m.buffer.byteLength >= size) free.push(m.buffer);
      waiting?.();
      waiting = undefined;
      return;
    }
    paint(m.id, m.job, m.bandBytes).then(
      () => port.postMessage({ type: 'done', id: m.id } satisfies FromPaintWorker),
      (e: unknown) => {
        const error = e instanceof Error ? e : new Error(String(e));
        const code = (error as { code?: unknown }).code;
        port.postMessage({
          type: 'error',
          id: m.id,
          message: error.message,
          name: error.name,
          ...(typeof code === 'string' ? { code } : {}),
        } satisfies FromPaintWorker);
      },
    );
  });
}
