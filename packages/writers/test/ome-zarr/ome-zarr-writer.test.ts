import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import { type ImageBatch, isCytorxError, toCytomineSpace } from '@cytorx/core';
import { omeZarrWriter, resolveWriter } from '@cytorx/writers';
import { from, lastValueFrom, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { makeContext, type TestContext } from '../mask/helpers.js';
import {
  blobFeatures,
  CLASSES,
  firstDifference,
  listTree,
  maskPixels,
  nonEmptyChunks,
  readAttrs,
  readFiles,
  readLevel,
  zoomBatch,
} from './helpers.js';

const contexts: TestContext[] = [];
async function context() {
  const c = await makeContext(CLASSES);
  contexts.push(c);
  return c;
}
afterEach(async () => {
  for (const c of contexts.splice(0)) await rm(c.root, { recursive: true, force: true });
});

const W = 700;
const H = 500;
const CS = 64;
const fullBatch = (count = 120, seed = 5): ImageBatch => ({
  image: { id: 12, width: W, height: H },
  canvas: { x: 0, y: 0, width: W, height: H, scale: 1 },
  features: blobFeatures(count, W, H, seed),
});

describe('omeZarrWriter levels', () => {
  it.each(['smaller-on-top', 'order', 'priority'] as const)(
    'level k equals the mask PNG of the batch at zoom k, every level (overlap %s)',
    async (overlap) => {
      const { ctx, root } = await context();
      const batch = fullBatch();
      const writer = omeZarrWriter({ chunkSize: CS, overlap });
      await writer.write(batch, ctx);
      const summary = await writer.close(ctx);
      const details = summary.details as { images: Record<string, { levels: number[][] }> };
      // 700x500 -> 350x250 -> 175x125 -> 88x63 (fits in one 64 px chunk? no: 88) -> 44x32
      expect(details.images['12']!.levels).toEqual([
        [500, 700],
        [250, 350],
        [125, 175],
        [63, 88],
        [32, 44],
      ]);
      for (let k = 0; k < 5; k++) {
        const level = await readLevel(root, 'labels/12.zarr', k);
        const zoomed = await zoomBatch(batch, k);
        expect(level.shape).toEqual([zoomed.canvas.height, zoomed.canvas.width]);
        const png = await maskPixels(zoomed, CLASSES, { overlap });
        expect(firstDifference(level.data, png, zoomed.canvas.width), `level ${k}`).toBeUndefined();
        if (k === 0) expect(new Set(png).size).toBeGreaterThan(3); // classes 1..3 and 255 painted
      }
    },
  );

  it('a batch already at zoom 1: level 0 is its canvas, level k the zoom 1+k mask, scales in full-resolution px', async () => {
    const { ctx, root } = await context();
    const half = await zoomBatch(fullBatch(60, 9), 1);
    const writer = omeZarrWriter({ chunkSize: CS });
    await writer.write(half, ctx);
    for (let k = 0; k < 3; k++) {
      const level = await readLevel(root, 'labels/12.zarr', k);
      const zoomed = await zoomBatch(fullBatch(60, 9), 1 + k);
      const png = await maskPixels(zoomed, CLASSES);
      expect(firstDifference(level.data, png, zoomed.canvas.width), `level ${k}`).toBeUndefined();
    }
    const attrs = (await readAttrs(root, 'labels/12.zarr')) as {
      multiscales: {
        datasets: { coordinateTransformations: { scale?: number[]; translation?: number[] }[] }[];
      }[];
    };
    const t = attrs.multiscales[0]!.datasets.map((d) => d.coordinateTransformations);
    expect(t.map((c) => c[0]!.scale)).toEqual([
      [2, 2],
      [4, 4],
      [8, 8],
      [16, 16],
    ]);
    // The centre of pixel (0, 0) of a level whose pixel is f px wide lies at (f - 1) / 2.
    expect(t.map((c) => c[1]!.translation)).toEqual([
      [0.5, 0.5],
      [1.5, 1.5],
      [3.5, 3.5],
      [7.5, 7.5],
    ]);
  });

  it('features in the Cytomine frame (an export with --coords cytomine) are painted where they lie in the image', async () => {
    const a = await context();
    const b = await context();
    const batch = fullBatch(40, 3);
    const flipped = await lastValueFrom(from(batch.features).pipe(toCytomineSpace(), toArray()));
    await omeZarrWriter({ chunkSize: CS }).write(batch, a.ctx);
    await omeZarrWriter({ chunkSize: CS }).write({ ...batch, features: flipped }, b.ctx);
    const l0 = await readLevel(a.root, 'labels/12.zarr', 0);
    const l1 = await readLevel(b.root, 'labels/12.zarr', 0);
    expect(firstDifference(l0.data, l1.data, W)).toBeUndefined();
  });
});

describe('omeZarrWriter chunks', () => {
  /** Checks every level's chunk files against the mask PNGs: present iff non-zero, exact bytes. */
  async function checkChunks(batch: ImageBatch, cs: number, levels: number): Promise<number> {
    const { ctx, root } = await context();
    await omeZarrWriter({ chunkSize: cs }).write(batch, ctx);
    const dir = `labels/${batch.image.id}.zarr`;
    const files = await listTree(path.join(root, dir));
    let empty = 0;
    for (let k = 0; k < levels; k++) {
      const zoomed = await zoomBatch(batch, k);
      const { width, height } = zoomed.canvas;
      const png = await maskPixels(zoomed, CLASSES);
      const want = nonEmptyChunks(png, width, height, cs);
      const got = files.filter((f) => f.startsWith(`${k}/`) && !f.endsWith('.zarray')).map((f) => f.slice(2));
      expect(got.sort(), `level ${k}`).toEqual(want);
      empty += Math.ceil(width / cs) * Math.ceil(height / cs) - got.length;
      for (const key of got) {
        const [row, col] = key.split('/').map(Number) as [number, number];
        // zlib's inflate checks the stream's structure and its Adler-32.
        const raw = inflateSync(await readFile(path.join(root, dir, String(k), key)));
        expect(raw.length).toBe(cs * cs);
        for (let y = 0; y < cs; y++) {
          for (let x = 0; x < cs; x++) {
            const gx = col * cs + x;
            const gy = row * cs + y;
            const v = gx < width && gy < height ? png[gy * width + gx]! : 0;
            if (raw[y * cs + x] !== v)
              throw new Error(`level ${k} chunk ${key} (${x}, ${y}): ${raw[y * cs + x]} vs ${v}`);
          }
        }
      }
    }
    return empty;
  }

  it('a chunk file exactly where the level has a non-zero pixel; each inflates to chunkSize² bytes, edges padded with 0', async () => {
    // Few small blobs: most chunks stay empty.
    expect(await checkChunks(fullBatch(6, 21), CS, 5)).toBeGreaterThan(20);
  });

  it('chunks taller than a band (1024 px: eight 128-row pieces in one zlib stream) read back exactly', async () => {
    const batch: ImageBatch = {
      image: { id: 13, width: 2300, height: 1400 },
      canvas: { x: 0, y: 0, width: 2300, height: 1400, scale: 1 },
      features: blobFeatures(25, 2300, 1400, 17, 13),
    };
    // 2300x1400 (3x2 chunks), 1150x700 (2x1), 575x350 (1)
    expect(await checkChunks(batch, 1024, 3)).toBeGreaterThan(0);
  });

  it('an image without features: metadata only, every level reads back as background', async () => {
    const { ctx, root } = await context();
    await omeZarrWriter({ chunkSize: CS }).write({ ...fullBatch(), features: [] }, ctx);
    const files = await listTree(path.join(root, 'labels/12.zarr'));
    expect(files).toEqual([
      '.zattrs',
      '.zgroup',
      '0/.zarray',
      '1/.zarray',
      '2/.zarray',
      '3/.zarray',
      '4/.zarray',
    ]);
    const level = await readLevel(root, 'labels/12.zarr', 2);
    expect(level.data.length).toBe(125 * 175);
    expect(level.data.every((v) => v === 0)).toBe(true);
  });

  it('default chunks are 1024², one level when the image fits in one chunk', async () => {
    const { ctx, root } = await context();
    const batch: ImageBatch = {
      image: { id: 3, width: 1024, height: 300 },
      canvas: { x: 0, y: 0, width: 1024, height: 300, scale: 1 },
      features: blobFeatures(10, 1024, 300, 2, 3),
    };
    const summary = await (async () => {
      const w = omeZarrWriter();
      await w.write(batch, ctx);
      return w.close(ctx);
    })();
    const level = await readLevel(root, 'labels/3.zarr', 0);
    expect(level.chunks).toEqual([1024, 1024]);
    expect(summary.files).toEqual([
      'labels/3.zarr/.zattrs',
      'labels/3.zarr/.zgroup',
      'labels/3.zarr/0/.zarray',
      'labels/3.zarr/0/0/0',
    ]);
    expect(existsSync(path.join(root, 'labels/3.zarr/1'))).toBe(false);
  });
});

describe('omeZarrWriter files', () => {
  it('writing an image again gives the same bytes and removes stale chunks of an earlier run', async () => {
    const { ctx, root } = await context();
    const batch = fullBatch(30, 4);
    await omeZarrWriter({ chunkSize: CS }).write(batch, ctx);
    const first = await readFiles(path.join(root, 'labels'));
    // An earlier run's leftovers: a chunk where this image has none, and an unknown file.
    const stale = path.join(root, 'labels/12.zarr/0/7/10');
    await mkdir(path.dirname(stale), { recursive: true });
    await writeFile(stale, 'stale');
    await writeFile(path.join(root, 'labels/12.zarr/0/note.txt'), 'x');
    await omeZarrWriter({ chunkSize: CS }).write(batch, ctx);
    const second = await readFiles(path.join(root, 'labels'));
    expect([...second.keys()]).toEqual([...first.keys()]);
    for (const [name, bytes] of first) expect(second.get(name)!.equals(bytes), name).toBe(true);
  });

  it('aborted between bands: AbortedError, no file left for the image; writing it again then works', async () => {
    const { ctx, root, controller } = await context();
    let writes = 0;
    const out = ctx.out;
    const counting = {
      ...out,
      root: out.root,
      resolve: out.resolve,
      open: out.open,
      async writeFile(rel: string, data: string | Uint8Array) {
        await out.writeFile(rel, data);
        if (++writes === 3) controller.abort();
      },
    };
    const writer = omeZarrWriter({ chunkSize: CS });
    const err = await Promise.resolve(writer.write(fullBatch(), { ...ctx, out: counting })).catch(
      (e: unknown) => e,
    );
    expect(isCytorxError(err, 'CYTORX_ABORTED')).toBe(true);
    expect(writes).toBeGreaterThanOrEqual(3);
    expect(await listTree(path.join(root, 'labels/12.zarr'))).toEqual([]);
    const again = { ...ctx, signal: new AbortController().signal };
    await omeZarrWriter({ chunkSize: CS }).write(fullBatch(), again);
    expect(await listTree(path.join(root, 'labels/12.zarr'))).toContain('.zattrs');
  });

  it('refuses tiles, regions and bad options, naming them', async () => {
    const { ctx } = await context();
    const writer = omeZarrWriter();
    const tile = {
      ...fullBatch(1),
      tile: { col: 1, row: 0 },
      canvas: { x: 256, y: 0, width: 256, height: 256, scale: 1 },
    };
    await expect(writer.write(tile, ctx)).rejects.toThrow(/image 12 came as a tile.*no --tile/);
    expect(() => omeZarrWriter({ chunkSize: 10 })).toThrow(
      /chunkSize must be a power of two 16\.\.16384, got 10/,
    );
    expect(() => omeZarrWriter({ overlap: 'x' as never })).toThrow(/overlap must be one of/);
    const bad = await Promise.resolve()
      .then(() => omeZarrWriter({ directory: '' }))
      .catch((e: unknown) => e);
    expect(isCytorxError(bad, 'CYTORX_CONFIG')).toBe(true);
  });

  it('is the built-in writer "ome-zarr" of the registry, options parsed as data', async () => {
    const writer = await resolveWriter('ome-zarr', 'chunkSize=64,overlap=order');
    expect(writer.name).toBe('ome-zarr');
    const { ctx, root } = await context();
    await writer.write(fullBatch(10), ctx);
    expect((await readLevel(root, 'labels/12.zarr', 0)).chunks).toEqual([64, 64]);
  });
});
