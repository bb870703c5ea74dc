import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BandCompositor, type PaintItem } from '../../src/mask/composite.js';
import { bandBuckets, packPaintJob } from '../../src/mask/paint-job.js';
import { PaintPool } from '../../src/mask/paint-pool.js';

// The worker runs compiled JavaScript: these tests use the built one (`tsc -b`, which `pnpm test`
// runs first); the pool code under test is the source.
const WORKER = new URL('../../dist/mask/paint-worker.js', import.meta.url);
const built = existsSync(fileURLToPath(WORKER));

const W = 97;
const H = 61;
const ROWS = 16;

/** Overlapping stars of 3 classes, deterministic. */
function items(n: number): PaintItem[] {
  const out: PaintItem[] = [];
  for (let i = 0; i < n; i++) {
    const cx = (i * 37) % W;
    const cy = (i * 23) % H;
    const r = 5 + (i % 11);
    const ring: number[] = [];
    for (let k = 0; k < 9; k++) {
      const a = (2 * Math.PI * k) / 9;
      const rr = k % 2 === 0 ? r : r * 0.55;
      ring.push(cx + rr * Math.cos(a), cy + rr * Math.sin(a));
    }
    out.push({
      geometry: { type: 'Polygon', coordinates: [] },
      rings: [ring],
      value: 1 + (i % 3),
      id: i,
      annotationId: 1000 + i,
      order: i,
      area: 0,
      rowMin: Math.max(0, Math.floor(cy - r) - 1),
      rowMax: Math.min(H, Math.ceil(cy + r) + 1),
    });
  }
  return out;
}

function paintedHere(list: PaintItem[]): { bytes: number[]; contested: number } {
  const compositor = new BandCompositor();
  const buckets = bandBuckets(list, H, ROWS);
  const bytes: number[] = [];
  let contested = 0;
  buckets.forEach((bucket, b) => {
    const r0 = b * ROWS;
    const r1 = Math.min(H, r0 + ROWS);
    const buf = new Uint8Array((r1 - r0) * (W + 1));
    contested += compositor.paint(bucket, W, H, r0, r1, buf, 1);
    bytes.push(...buf);
  });
  return { bytes, contested };
}

const job = (list: PaintItem[]) => packPaintJob(list, { width: W, height: H, rowsPerBand: ROWS, imageId: 1 });

describe.skipIf(!built)('PaintPool (worker threads painting masks)', () => {
  it('paints in a worker exactly what the calling thread paints, bands in order', async () => {
    const pool = PaintPool.create(1, WORKER)!;
    try {
      for (const n of [40, 0, 25]) {
        const list = items(n);
        const want = paintedHere(list);
        const bytes: number[] = [];
        const starts: number[] = [];
        let contested = 0;
        const painted = await pool.paint(job(list), ROWS * (W + 1), async (buf, r0, r1, c) => {
          expect(buf.length).toBe((r1 - r0) * (W + 1));
          starts.push(r0);
          bytes.push(...buf);
          contested += c;
        });
        expect(painted).toBe(true);
        expect(starts).toEqual(Array.from({ length: Math.ceil(H / ROWS) }, (_, b) => b * ROWS));
        expect(contested).toBe(want.contested);
        expect(bytes).toEqual(want.bytes);
      }
    } finally {
      await pool.close();
    }
  });

  it('rejects with the sink`s error, and the next job runs on a fresh worker', async () => {
    const pool = PaintPool.create(1, WORKER)!;
    try {
      let calls = 0;
      await expect(
        pool.paint(job(items(30)), ROWS * (W + 1), async () => {
          if (++calls === 2) throw new Error('disk full');
        }),
      ).rejects.toThrow('disk full');
      const bytes: number[] = [];
      await expect(
        pool.paint(job(items(30)), ROWS * (W + 1), async (buf) => {
          bytes.push(...buf);
        }),
      ).resolves.toBe(true);
      expect(bytes).toEqual(paintedHere(items(30)).bytes);
    } finally {
      await pool.close();
    }
  });

  it('paints nothing and says so when its worker cannot start (the caller paints instead)', async () => {
    const pool = PaintPool.create(1, new URL('./no-such-worker.js', WORKER))!;
    try {
      let bands = 0;
      const sink = async () => {
        bands++;
      };
      await expect(pool.paint(job(items(5)), ROWS * (W + 1), sink)).resolves.toBe(false);
      await expect(pool.paint(job(items(5)), ROWS * (W + 1), sink)).resolves.toBe(false);
      expect(bands).toBe(0);
    } finally {
      await pool.close();
    }
  });
});

describe('PaintPool.create', () => {
  it('gives no pool for 0 threads, or when running from the TypeScript sources', () => {
    expect(PaintPool.create(0, WORKER)).toBeUndefined();
    expect(PaintPool.create(1)).toBeUndefined(); // these tests run the sources: no compiled worker
  });
});
