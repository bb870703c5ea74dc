import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { isCytorxError } from '@cytorx/core';
import { maskWriter } from '@cytorx/writers';
import { PNG } from 'pngjs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  batch,
  feature,
  makeContext,
  readPng,
  readWorkload,
  rect,
  type TestContext,
  workloadDir,
  workloadFeatures,
} from './helpers.js';

const contexts: TestContext[] = [];
async function context(...args: Parameters<typeof makeContext>) {
  const c = await makeContext(...args);
  contexts.push(c);
  return c;
}
afterEach(async () => {
  for (const c of contexts.splice(0)) await rm(c.root, { recursive: true, force: true });
});

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

describe('maskWriter golden workload', async () => {
  const workload = readWorkload('workload-2048-1000');
  const expected = PNG.sync.read(await readFile(path.join(workloadDir, 'expected-2048-1000.png')));
  const want = new Uint8Array(expected.width * expected.height);
  for (let i = 0; i < want.length; i++) want[i] = expected.data[i * 4]!;

  it.each([
    ['in memory', {}],
    ['band by band (100-row bands)', { bandThreshold: 0, bandHeight: 100 }],
  ])('reproduces expected-2048-1000.png exactly (%s, overlap "order")', async (_label, opts) => {
    const { ctx, root, debug } = await context();
    const writer = maskWriter({ overlap: 'order', ...opts });
    await writer.write(batch(workload.width, workload.height, workloadFeatures(workload), 7), ctx);
    const summary = await writer.close(ctx);
    expect(summary.files).toEqual(['masks/7_mask.png']);
    const png = await readPng(path.join(root, 'masks/7_mask.png'));
    expect(png.colorType).toBe(0);
    expect([png.width, png.height]).toEqual([2048, 2048]);
    let diff = 0;
    for (let i = 0; i < want.length; i++) if (png.pixels[i] !== want[i]) diff++;
    expect(diff).toBe(0);
    if ('bandHeight' in opts) expect(debug.length).toBe(Math.ceil(2048 / 100));
    else expect(debug.length).toBe(0);
  });
});

describe('maskWriter compositing', () => {
  it('paints holes as "nothing": a hole never erases another annotation', async () => {
    const { ctx, root } = await context();
    const writer = maskWriter({ overlap: 'order' });
    const under = feature(1, rect(0, 0, 10, 10), 3);
    const withHole = feature(2, rect(2, 2, 8, 8, rect(4, 4, 6, 6)), 5);
    await writer.write(batch(10, 10, [under, withHole]), ctx);
    const { pixels } = await readPng(path.join(root, 'masks/12_mask.png'));
    expect(pixels[0]).toBe(3);
    expect(pixels[2 * 10 + 2]).toBe(5);
    expect(pixels[4 * 10 + 4]).toBe(3); // inside the hole: what was underneath
    expect(pixels[5 * 10 + 5]).toBe(3);
    expect(pixels.filter((v) => v === 5).length).toBe(36 - 4);
  });

  const small = () => feature(5, rect(2, 2, 6, 6), 2); // 16 px
  const big = () => feature(9, rect(0, 0, 8, 8), 1); // 64 px
  const cases: [string, Parameters<typeof maskWriter>[0], number[], number][] = [
    ['order: last wins', { overlap: 'order' }, [1, 2], 1],
    ['smaller-on-top (default)', {}, [1, 2], 2],
    ['priority: the first class of the mapping wins', { overlap: 'priority' }, [1, 2], 1],
    ['priority, classes reversed', { overlap: 'priority' }, [2, 1], 2],
  ];
  it.each(cases)('overlap policy %s', async (_label, opts, classOrder, winner) => {
    const { ctx, root, warnings } = await context({
      background: 0,
      unlabeled: 255,
      classes: classOrder.map((id) => ({ id, name: `c${id}`, termIds: [] })),
    });
    const writer = maskWriter(opts);
    await writer.write(batch(8, 8, [small(), big()]), ctx);
    const { pixels } = await readPng(path.join(root, 'masks/12_mask.png'));
    expect(pixels[3 * 8 + 3]).toBe(winner);
    expect(pixels[0]).toBe(1);
    expect(pixels.filter((v) => v === 2).length).toBe(winner === 2 ? 16 : 0);
    const summary = await writer.close(ctx);
    expect(summary.details).toMatchObject({ contestedPixels: 16, images: { '12': { contestedPixels: 16 } } });
    expect(warnings.some((w) => w.code === 'OTHER' && w.message.includes('16 pixels'))).toBe(true);
  });

  it('smaller-on-top does not depend on the stream order; ties go by feature id', async () => {
    for (const order of [
      [small(), big()],
      [big(), small()],
    ]) {
      const { ctx, root } = await context();
      await maskWriter().write(batch(8, 8, order), ctx);
      expect((await readPng(path.join(root, 'masks/12_mask.png'))).pixels[3 * 8 + 3]).toBe(2);
    }
    const { ctx, root } = await context();
    // equal areas: the higher id is painted last, so it is on top
    await maskWriter().write(
      batch(4, 4, [feature(8, rect(0, 0, 4, 4), 4), feature(3, rect(0, 0, 4, 4), 6)]),
      ctx,
    );
    expect((await readPng(path.join(root, 'masks/12_mask.png'))).pixels[0]).toBe(4);
  });

  it('counts each contested pixel once, and none for overlaps within one class', async () => {
    const { ctx } = await context();
    const writer = maskWriter({ overlap: 'order' });
    const a = feature(1, rect(0, 0, 4, 4), 1);
    const b = feature(2, rect(2, 0, 6, 4), 2);
    const c = feature(3, rect(0, 0, 6, 4), 1); // re-covers everything with class 1
    const d = feature(4, rect(0, 4, 6, 6), 3);
    const e = feature(5, rect(0, 4, 6, 6), 3); // same class over d: not contested
    await writer.write(batch(6, 6, [a, b, c, d, e]), ctx);
    const summary = await writer.close(ctx);
    // a∪b∪c = 24 px, covered by classes 1 and 2 on columns 2..5 (16 px), then class 1 again
    expect(summary.details).toMatchObject({ contestedPixels: 16 });
  });

  it('uses `unlabeled` for features without a class and skips invalid ones with warnings', async () => {
    const { ctx, root, warnings } = await context({ background: 0, unlabeled: 200, classes: [] });
    const writer = maskWriter();
    await writer.write(
      batch(6, 6, [
        feature(1, rect(0, 0, 2, 2)),
        feature(2, rect(2, 2, 4, 4), 300),
        feature(
          3,
          {
            type: 'Polygon',
            coordinates: [
              [
                [4, 4],
                [Number.NaN, 4],
                [6, 6],
              ],
            ],
          },
          1,
        ),
        feature(4, { type: 'Point', coordinates: [1, 1] }, 1),
        feature(5, rect(4, 4, 6, 6), 7),
      ]),
      ctx,
    );
    const { pixels } = await readPng(path.join(root, 'masks/12_mask.png'));
    expect(pixels[0]).toBe(200);
    expect(pixels[2 * 6 + 2]).toBe(0);
    expect(pixels[5 * 6 + 5]).toBe(7);
    expect(warnings.map((w) => [w.code, w.annotationId, w.skipped])).toEqual([
      ['OTHER', 2, true],
      ['INVALID_GEOMETRY', 3, true],
      ['DEGENERATE', 4, true],
    ]);
    const summary = await writer.close(ctx);
    expect(summary.warnings).toBe(3);
    expect(summary.details).toMatchObject({ images: { '12': { annotations: 2, skipped: 3 } } });
  });
});

describe('maskWriter output', () => {
  it('writes tiles as masks/{imageId}/{x}_{y}.png with the canvas size, plus previews', async () => {
    const { ctx, root } = await context({
      background: 0,
      unlabeled: 255,
      classes: [
        { id: 1, name: 'tumour', color: '#ff0000', termIds: [10] },
        { id: 2, name: 'stroma', termIds: [11] },
      ],
    });
    const writer = maskWriter({ preview: true });
    const tile = {
      ...batch(5, 4, [
        feature(1, rect(0, 0, 2, 4), 1),
        feature(2, rect(2, 0, 4, 4), 2),
        feature(3, rect(4, 0, 5, 1)),
      ]),
      canvas: { x: 256, y: 512, width: 5, height: 4, scale: 0.5 },
      tile: { col: 1, row: 2 },
    };
    await writer.write(tile, ctx);
    const summary = await writer.close(ctx);
    expect(summary.files).toEqual(['masks/12/256_512.png', 'masks/12/256_512_preview.png']);
    expect(summary.items).toBe(1);
    const mask = await readPng(path.join(root, 'masks/12/256_512.png'));
    expect([mask.width, mask.height]).toEqual([5, 4]);
    expect([...mask.pixels.slice(0, 5)]).toEqual([1, 1, 2, 2, 255]);
    const prev = await readPng(path.join(root, 'masks/12/256_512_preview.png'));
    expect(prev.colorType).toBe(2);
    expect([...prev.pixels.slice(0, 3)]).toEqual([255, 0, 0]); // term colour
    expect([...prev.pixels.slice(12, 15)]).toEqual([128, 128, 128]); // unlabeled grey
    expect([...prev.pixels.slice(5 * 3 + 12, 5 * 3 + 15)]).toEqual([0, 0, 0]); // background
    expect(prev.pixels[6]).not.toBe(prev.pixels[0]); // stroma gets a fallback colour, not red
  });

  it('band mode writes the same mask and preview as memory mode', async () => {
    const features = Array.from({ length: 60 }, (_, i) => {
      const x = (i * 37) % 90;
      const y = (i * 53) % 70;
      return feature(i + 1, rect(x + 0.3, y + 0.7, x + 9.6 + (i % 7), y + 12.2), (i % 5) + 1);
    });
    const read = async (opts: Parameters<typeof maskWriter>[0]) => {
      const { ctx, root } = await context();
      const writer = maskWriter({ preview: true, ...opts });
      await writer.write(batch(97, 83, features), ctx);
      const summary = await writer.close(ctx);
      return {
        mask: await readPng(path.join(root, 'masks/12_mask.png')),
        preview: await readPng(path.join(root, 'masks/12_preview.png')),
        contested: (summary.details as { contestedPixels: number }).contestedPixels,
      };
    };
    const memory = await read({});
    for (const bandHeight of [1, 7, 64, 83, 200]) {
      const banded = await read({ bandThreshold: 0, bandHeight });
      expect(banded.mask.pixels).toEqual(memory.mask.pixels);
      expect(banded.preview.pixels).toEqual(memory.preview.pixels);
      expect(banded.contested).toBe(memory.contested);
    }
    expect(memory.contested).toBeGreaterThan(0);
  });

  it('leaves no file under its final name (nor a temporary one) when aborted mid-way', async () => {
    const { ctx, root, controller } = await context();
    let bands = 0;
    ctx.logger = {
      info: () => {},
      debug: () => {
        if (++bands === 3) controller.abort();
      },
    };
    const writer = maskWriter({ bandThreshold: 0, bandHeight: 8, preview: true });
    const err = await Promise.resolve(
      writer.write(batch(64, 64, [feature(1, rect(1, 1, 60, 60), 1)]), ctx),
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isCytorxError(err, 'CYTORX_ABORTED')).toBe(true);
    expect(bands).toBe(3);
    expect(await listFiles(root)).toEqual([]);
    expect((await writer.close(ctx)).files).toEqual([]);
  });

  it('rejects bad options at creation', () => {
    expect(() => maskWriter({ overlap: 'biggest' as never })).toThrow(/overlap/);
    expect(() => maskWriter({ bandHeight: 0 })).toThrow(/bandHeight/);
    expect(() => maskWriter({ compressionLevel: 12 })).toThrow(/compressionLevel/);
  });
});
