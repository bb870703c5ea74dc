// Issue 12, point 1: a tile mask is exactly the crop of the untiled mask at the same zoom, for
// every overlap policy. Property: tiles of any size and overlap, at any zoom, reassembled from
// their decoded PNGs, equal the untiled mask (and overlapping tiles agree on shared pixels).
import type { CytomineClient } from '@cytorx/core';
import { type Emulator, startEmulator } from '@cytorx/emulator';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFor, DATASET, grey, readPng, runExport } from './helpers.js';

type Policy = 'smaller-on-top' | 'order' | 'priority';

describe('tiled masks are crops of the untiled mask', () => {
  let emu: Emulator;
  let client: CytomineClient;
  let project: number;
  let image: { id: number; width: number; height: number };
  const untiled = new Map<string, Uint8Array>();

  beforeAll(async () => {
    // Dense, overlapping annotations of several classes on one small image.
    emu = await startEmulator({
      dataset: {
        ...DATASET,
        imagesPerProject: 1,
        annotationsPerImage: 60,
        imageSize: { width: 320, height: 256 },
      },
    });
    client = clientFor(emu);
    project = emu.dataset.projects[0]!.id;
    image = emu.dataset.images.find((im) => im.project === project)!;
  });
  afterAll(async () => {
    await client?.close();
    await emu?.close();
  });

  /** The untiled mask's pixels (one export per zoom and policy). */
  async function whole(zoom: number, overlap: Policy): Promise<{ px: Uint8Array; w: number; h: number }> {
    const w = Math.ceil(image.width / 2 ** zoom);
    const h = Math.ceil(image.height / 2 ** zoom);
    const key = `${zoom}/${overlap}`;
    if (!untiled.has(key)) {
      const { out } = await runExport(client, { project, formats: ['mask'], zoom, overlap });
      const png = await readPng(out, `masks/${image.id}_mask.png`);
      expect([png.width, png.height]).toEqual([w, h]);
      const px = new Uint8Array(w * h);
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) px[y * w + x] = grey(png, x, y);
      untiled.set(key, px);
    }
    return { px: untiled.get(key)!, w, h };
  }

  it('property: any tile size, overlap and zoom, every policy: reassembled tiles = untiled mask', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 2 }),
        fc.integer({ min: 17, max: 200 }),
        fc.double({ min: 0, max: 0.9, noNaN: true }),
        fc.constantFrom<Policy>('smaller-on-top', 'order', 'priority'),
        async (zoom, size, overlapFraction, policy) => {
          const overlap = Math.floor(size * overlapFraction);
          const { px, w, h } = await whole(zoom, policy);
          const { out, events } = await runExport(client, {
            project,
            formats: ['mask'],
            zoom,
            overlap: policy,
            tile: { size, overlap },
          });
          const tiles = events.flatMap((e) => (e.type === 'file' && e.writer === 'mask' ? [e.path] : []));
          const seen = new Uint8Array(w * h);
          const wrong: string[] = [];
          for (const rel of tiles) {
            const [x0, y0] = /(\d+)_(\d+)\.png$/.exec(rel)!.slice(1).map(Number) as [number, number];
            const png = await readPng(out, rel);
            for (let y = 0; y < png.height; y++) {
              for (let x = 0; x < png.width; x++) {
                const i = (y0 + y) * w + (x0 + x);
                if (grey(png, x, y) !== px[i]) wrong.push(`${rel} (${x}, ${y})`);
                seen[i] = 1;
              }
            }
          }
          expect(wrong.slice(0, 5), `${wrong.length} pixels differ`).toEqual([]);
          expect(seen.every((s) => s === 1)).toBe(true); // the tiles cover the canvas
        },
      ),
      { numRuns: 12, seed: 12, endOnFailure: true },
    );
  });
});
