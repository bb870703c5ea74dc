import { Observable } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { bytesPerPixel } from '../../src/images/band-buffer.js';
import type { DecodedWindow } from '../../src/images/decode-png.js';
import { planRegion, type RegionPlan, type WindowRequest } from '../../src/images/region-plan.js';
import { streamRegion } from '../../src/images/stream-region.js';
import { firstDiff, oracle, slide } from './helpers.js';

/** A seeded PRNG (mulberry32), for reproducible delays. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The slide's RGBA pixels for a window (what a server would send, decoded). */
function render(w: WindowRequest): DecodedWindow {
  const data = new Uint8Array(w.width * w.height * 4);
  for (let j = 0; j < w.height; j++) {
    for (let i = 0; i < w.width; i++) {
      data.set([...slide(w.x + i, w.y + j), 255], 4 * (j * w.width + i));
    }
  }
  return { width: w.width, height: w.height, channels: 4, stride: 4 * w.width, offset: 0, data };
}

/** Undoes the Sub filter of PNG rows; returns RGB. */
function unfilter(rows: Uint8Array, width: number): Uint8Array {
  const stride = 1 + 3 * width;
  const n = rows.length / stride;
  const out = new Uint8Array(n * 3 * width);
  for (let r = 0; r < n; r++) {
    expect(rows[r * stride]).toBe(1);
    for (let k = 0; k < 3 * width; k++) {
      const left = k >= 3 ? out[r * 3 * width + k - 3]! : 0;
      out[r * 3 * width + k] = (rows[r * stride + 1 + k]! + left) & 255;
    }
  }
  return out;
}

interface Probe {
  active: number;
  peak: number;
  started: WindowRequest[];
  /** Bands with a window started but not yet written, measured at each window start. */
  peakOpenBands: number;
  written: number;
}

function fakeFetch(
  probe: Probe,
  random: () => number,
  fail?: (w: WindowRequest) => boolean,
  slow?: (w: WindowRequest) => boolean,
): (w: WindowRequest) => Observable<DecodedWindow> {
  return (w) =>
    new Observable<DecodedWindow>((sub) => {
      probe.active++;
      probe.peak = Math.max(probe.peak, probe.active);
      probe.started.push(w);
      probe.peakOpenBands = Math.max(probe.peakOpenBands, w.band + 1 - probe.written);
      const t = setTimeout(
        () => {
          if (fail?.(w)) sub.error(new Error(`window ${w.x},${w.y} failed`));
          else {
            sub.next(render(w));
            sub.complete();
          }
        },
        slow?.(w) ? 60 : Math.floor(random() * 4),
      );
      return () => {
        clearTimeout(t);
        probe.active--;
      };
    });
}

const plan = (s: number, maxWindow: number, width = 200, height = 150): RegionPlan => {
  const canvas = { x: 0, y: 0, width: Math.ceil(width * s), height: Math.ceil(height * s), scale: s };
  return planRegion(canvas, width, height, {
    maxWindow,
    bandBytes: 1 << 30,
    bytesPerPixel: bytesPerPixel(Math.round(1 / s)),
  });
};

const newProbe = (): Probe => ({ active: 0, peak: 0, started: [], peakOpenBands: 0, written: 0 });

describe('streamRegion', () => {
  it.each([
    [1, 16],
    [1 / 4, 16],
    [1 / 32, 16],
  ])(
    'scale %s, maxWindow %s: bands in order, out-of-order windows, bounded concurrency and lookahead',
    async (s, mw) => {
      const p = plan(s, mw);
      const probe = newProbe();
      const rows: Uint8Array[] = [];
      await streamRegion(p, {
        // The first window is slow: later bands must wait for it instead of piling up.
        fetch: fakeFetch(probe, rng(3), undefined, (w) => w.x === 0 && w.y === 0),
        onBand: async (r) => {
          rows.push(r.slice());
          probe.written++;
        },
        concurrency: 3,
        signal: new AbortController().signal,
      });
      expect(rows.map((r) => r.length / (1 + 3 * p.width))).toEqual(p.bands.map((b) => b.r1 - b.r0));
      expect(probe.started).toHaveLength(p.windows.length);
      expect(probe.peak).toBeLessThanOrEqual(3);
      expect(probe.peakOpenBands).toBeLessThanOrEqual(2);
      expect(probe.active).toBe(0);
      const canvas = { x: 0, y: 0, width: p.width, height: p.height, scale: s };
      const rgb = unfilter(Buffer.concat(rows), p.width);
      expect(firstDiff(rgb, oracle(canvas, 200, 150), p.width)).toBeUndefined();
    },
  );

  it('keeps `concurrency` downloads busy when bands hold one window each (narrow region)', async () => {
    const p = plan(1, 16, 16, 150); // 10 bands of one 16x16 window
    expect(p.bands.every((b) => b.windows === 1)).toBe(true);
    const probe = newProbe();
    await streamRegion(p, {
      fetch: fakeFetch(probe, rng(4), undefined, (w) => w.y === 0),
      onBand: async () => {
        probe.written++;
      },
      concurrency: 4,
      signal: new AbortController().signal,
    });
    expect(probe.peak).toBe(4);
    expect(probe.peakOpenBands).toBeLessThanOrEqual(5);
  });

  it('plans windows inside the image, block-aligned, at most maxWindow a side, covering the region once', () => {
    for (const [s, mw] of [
      [1, 64],
      [1 / 4, 40],
      [1 / 8, 20],
      [1 / 64, 48],
    ] as const) {
      const p = plan(s, mw, 300, 200);
      const block = Math.round(1 / s);
      const covered = new Uint8Array(300 * 200);
      for (const w of p.windows) {
        expect(w.width).toBeLessThanOrEqual(mw);
        expect(w.height).toBeLessThanOrEqual(mw);
        expect(w.x + w.width).toBeLessThanOrEqual(300);
        expect(w.y + w.height).toBeLessThanOrEqual(200);
        if (block <= mw) expect(w.x % block).toBe(0);
        const band = p.bands[w.band]!;
        expect(w.y).toBeGreaterThanOrEqual(band.r0 * block);
        expect(w.y + w.height).toBeLessThanOrEqual(band.r1 * block);
        for (let j = w.y; j < w.y + w.height; j++)
          for (let i = w.x; i < w.x + w.width; i++) covered[j * 300 + i]!++;
      }
      expect(covered.every((c) => c === 1)).toBe(true);
    }
  });

  it('sizes bands to the byte budget (wide full-resolution canvases)', () => {
    const canvas = { x: 0, y: 0, width: 10_000, height: 3000, scale: 1 };
    const p = planRegion(canvas, 10_000, 3000, { maxWindow: 2048, bandBytes: 32 << 20, bytesPerPixel: 3 });
    expect(p.bands[0]!.r1 - p.bands[0]!.r0).toBe(Math.floor((32 << 20) / 30_000));
    expect(p.bands.at(-1)!.r1).toBe(3000);
  });

  it('rejects on the first failed window and unsubscribes the others', async () => {
    const p = plan(1, 16);
    const probe = newProbe();
    const err = await streamRegion(p, {
      fetch: fakeFetch(probe, rng(5), (w) => w.band === 2 && w.x === 32),
      onBand: async () => {
        probe.written++;
      },
      concurrency: 4,
      signal: new AbortController().signal,
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((err as Error).message).toBe('window 32,32 failed');
    expect(probe.active).toBe(0);
    expect(probe.started.length).toBeLessThan(p.windows.length);
  });

  it('rejects when onBand fails', async () => {
    const probe = newProbe();
    await expect(
      streamRegion(plan(1, 16), {
        fetch: fakeFetch(probe, rng(6)),
        onBand: async () => {
          throw new Error('disk full');
        },
        concurrency: 2,
        signal: new AbortController().signal,
      }),
    ).rejects.toThrow('disk full');
    await new Promise((r) => setTimeout(r, 10));
    expect(probe.active).toBe(0);
  });

  it('on abort rejects with AbortedError and cancels every download in flight', async () => {
    const probe = newProbe();
    const controller = new AbortController();
    const done = streamRegion(plan(1, 16), {
      fetch: (w) =>
        new Observable<DecodedWindow>(() => {
          probe.active++;
          probe.started.push(w);
          return () => {
            probe.active--;
          };
        }),
      onBand: async () => {},
      concurrency: 4,
      signal: controller.signal,
    });
    await new Promise((r) => setTimeout(r, 5));
    expect(probe.active).toBe(4);
    controller.abort();
    await expect(done).rejects.toMatchObject({ code: 'CYTORX_ABORTED' });
    expect(probe.active).toBe(0);
  });
});
