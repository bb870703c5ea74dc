import { AbortedError } from '@cytorx/core';
import { concat, concatMap, defer, from, mergeMap, type Observable, type Subscription } from 'rxjs';
import { BandBuffer } from './band-buffer.js';
import type { DecodedWindow } from './decode-png.js';
import type { RegionPlan, WindowRequest } from './region-plan.js';

/** Options of {@link streamRegion}. */
export interface StreamRegionOptions {
  /** Downloads and decodes one window; cold, unsubscribing aborts it. */
  fetch: (window: WindowRequest) => Observable<DecodedWindow>;
  /** Receives each band's PNG rows, top to bottom; the next band waits for the promise. */
  onBand: (rows: Uint8Array) => Promise<void>;
  /** Windows downloaded at the same time. */
  concurrency: number;
  /** Aborting it unsubscribes (cancelling downloads in flight) and rejects with `AbortedError`. */
  signal: AbortSignal;
  /** Called after each window is added (for counters and clipped-answer warnings). */
  onWindow?: (window: WindowRequest, decoded: DecodedWindow) => void;
}

/**
 * Fills the canvas of `plan` band by band: windows are downloaded `concurrency` at a time in
 * band order, decoded, added to their band, and each band is handed to `onBand` as soon as it
 * and every band above it are complete. Windows of band `k` start only once band
 * `k - lookahead` is written (`lookahead` = 2, or enough bands to keep `concurrency` windows
 * busy when bands hold fewer windows), so memory holds a few bands and `concurrency` decoded
 * windows, never the whole region. The first failure (download, decode, `onBand`) unsubscribes the
 * rest and rejects.
 */
export function streamRegion(plan: RegionPlan, options: StreamRegionOptions): Promise<void> {
  const { fetch, onBand, concurrency, signal, onWindow } = options;
  const nBands = plan.bands.length;
  const buffers: (BandBuffer | undefined)[] = new Array(nBands);
  const remaining = plan.bands.map((b) => b.windows);
  const written: Deferred[] = plan.bands.map(() => deferred());
  let next = 0; // first band not yet handed downstream
  let perBand = Number.POSITIVE_INFINITY;
  for (const b of plan.bands) if (b.windows > 0) perBand = Math.min(perBand, b.windows);
  const lookahead = Number.isFinite(perBand) ? Math.max(2, Math.ceil(concurrency / perBand) + 1) : 2;

  const bandOf = (k: number): BandBuffer => {
    let buf = buffers[k];
    if (buf === undefined) {
      buf = new BandBuffer(plan, plan.bands[k]!);
      buffers[k] = buf;
    }
    return buf;
  };
  /** Bands now complete and next in order. */
  const ready = (): number[] => {
    const out: number[] = [];
    while (next < nBands && remaining[next] === 0) out.push(next++);
    return out;
  };
  const gate = (band: number): Promise<void> =>
    band - lookahead >= 0 ? written[band - lookahead]!.promise : Promise.resolve();

  const windows$ = from(plan.windows).pipe(
    mergeMap(
      (w) =>
        from(gate(w.band)).pipe(
          concatMap(() => fetch(w)),
          concatMap((decoded) => {
            bandOf(w.band).add(w, decoded);
            onWindow?.(w, decoded);
            remaining[w.band]!--;
            return ready();
          }),
        ),
      concurrency,
    ),
  );
  // Bands without windows (the canvas is outside the image) are ready before any download.
  const pipeline$ = concat(
    defer(() => ready()),
    windows$,
  ).pipe(
    concatMap((k) =>
      defer(async () => {
        const rows = bandOf(k).rows();
        buffers[k] = undefined;
        await onBand(rows);
        written[k]!.resolve();
      }),
    ),
  );

  return new Promise<void>((resolve, reject) => {
    let sub: Subscription | undefined;
    const onAbort = () => {
      sub?.unsubscribe();
      reject(new AbortedError('images writer aborted'));
    };
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    sub = pipeline$.subscribe({
      error: (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
      complete: () => {
        signal.removeEventListener('abort', onAbort);
        if (next < nBands) reject(new Error(`images writer: ${nBands - next} bands never completed`));
        else resolve();
      },
    });
  });
}

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
