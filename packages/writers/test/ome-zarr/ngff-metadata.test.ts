import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { ImageBatch } from '@cytorx/core';
import { omeZarrWriter } from '@cytorx/writers';
import { afterEach, describe, expect, it } from 'vitest';
import { makeContext, type TestContext } from '../mask/helpers.js';
import { blobFeatures, CLASSES, readAttrs } from './helpers.js';
import { checkLabelImage, checkZarray, type ZarrayByPath } from './ngff-rules.js';

const contexts: TestContext[] = [];
afterEach(async () => {
  for (const c of contexts.splice(0)) await rm(c.root, { recursive: true, force: true });
});

interface Written {
  attrs: Record<string, unknown>;
  arrays: ZarrayByPath;
}

async function write(image: ImageBatch['image']): Promise<Written> {
  const c = await makeContext(CLASSES);
  contexts.push(c);
  const batch: ImageBatch = {
    image,
    canvas: { x: 0, y: 0, width: image.width, height: image.height, scale: 1 },
    features: blobFeatures(20, image.width, image.height, 1, image.id),
  };
  const writer = omeZarrWriter({ chunkSize: 32 });
  await writer.write(batch, c.ctx);
  const dir = `labels/${image.id}.zarr`;
  const attrs = await readAttrs(c.root, dir);
  const raw = JSON.parse(await readFile(path.join(c.root, dir, '.zattrs'), 'utf8')) as unknown;
  expect(raw).toEqual(attrs);
  const arrays: ZarrayByPath = {};
  const ms = (attrs.multiscales as Array<{ datasets: Array<{ path: string }> }>)[0]!;
  for (const d of ms.datasets) {
    arrays[d.path] = JSON.parse(await readFile(path.join(c.root, dir, d.path, '.zarray'), 'utf8')) as unknown;
  }
  return { attrs, arrays };
}

type Multiscale = {
  axes: Array<Record<string, unknown>>;
  datasets: Array<{ path: string; coordinateTransformations: Array<Record<string, unknown>> }>;
};
const multiscale = (w: Written) => (w.attrs.multiscales as Multiscale[])[0]!;
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

describe('OME-NGFF 0.4 metadata', () => {
  it('validates: multiscales (axes y, x in micrometres, scale + translation per level) and image-label', async () => {
    const w = await write({ id: 4, width: 200, height: 130, physicalSizeX: 0.25, physicalSizeY: 0.5 });
    expect(checkLabelImage(w.attrs, w.arrays)).toEqual([]);
    const m = multiscale(w);
    expect(m.axes).toEqual([
      { name: 'y', type: 'space', unit: 'micrometer' },
      { name: 'x', type: 'space', unit: 'micrometer' },
    ]);
    // 200x130 -> 100x65 -> 50x33 -> 25x17 (fits in 32)
    expect(m.datasets.map((d) => d.path)).toEqual(['0', '1', '2', '3']);
    expect(m.datasets.map((d) => d.coordinateTransformations[0])).toEqual([
      { type: 'scale', scale: [0.5, 0.25] },
      { type: 'scale', scale: [1, 0.5] },
      { type: 'scale', scale: [2, 1] },
      { type: 'scale', scale: [4, 2] },
    ]);
    expect(m.datasets[2]!.coordinateTransformations[1]).toEqual({
      type: 'translation',
      translation: [0.75, 0.375],
    });
    expect(w.arrays['0']).toEqual({
      zarr_format: 2,
      shape: [130, 200],
      chunks: [32, 32],
      dtype: '|u1',
      compressor: { id: 'zlib', level: 1 },
      fill_value: 0,
      order: 'C',
      filters: null,
      dimension_separator: '/',
    });
    expect((w.arrays['3'] as { shape: number[] }).shape).toEqual([17, 25]);
  });

  it('without a resolution: no unit, scales in full-resolution pixels; physicalSizeY defaults to X', async () => {
    const none = await write({ id: 5, width: 100, height: 40, physicalSizeX: null });
    expect(checkLabelImage(none.attrs, none.arrays)).toEqual([]);
    expect(multiscale(none).axes).toEqual([
      { name: 'y', type: 'space' },
      { name: 'x', type: 'space' },
    ]);
    expect(multiscale(none).datasets.map((d) => d.coordinateTransformations[0]!.scale)).toEqual([
      [1, 1],
      [2, 2],
      [4, 4],
    ]);
    const xOnly = await write({ id: 6, width: 40, height: 40, physicalSizeX: 0.2527 });
    expect(multiscale(xOnly).datasets[0]!.coordinateTransformations[0]!.scale).toEqual([0.2527, 0.2527]);
  });

  it('image-label colours come from the term colours (fallback colour without one), 0 transparent, unlabeled grey', async () => {
    const w = await write({ id: 7, width: 40, height: 40 });
    const label = w.attrs['image-label'] as { colors: unknown[]; properties: unknown[]; version: string };
    expect(label.version).toBe('0.4');
    expect(label.colors).toEqual([
      { 'label-value': 0, rgba: [0, 0, 0, 0] },
      { 'label-value': 1, rgba: [255, 0, 0, 255] }, // #ff0000
      { 'label-value': 2, rgba: [0, 255, 0, 255] }, // #00ff00
      { 'label-value': 3, rgba: [0xff, 0xe1, 0x19, 255] }, // no colour: the preview's third fallback
      { 'label-value': 255, rgba: [128, 128, 128, 255] },
    ]);
    expect(label.properties).toEqual([
      { 'label-value': 1, class: 'tumour', termIds: [11] },
      { 'label-value': 2, class: 'stroma', termIds: [12] },
      { 'label-value': 3, class: 'necrosis', termIds: [13] },
      { 'label-value': 255, class: 'unlabeled', termIds: [] },
    ]);
  });

  it('the check fails on what the spec forbids (it is not vacuous)', async () => {
    const w = await write({ id: 8, width: 100, height: 100, physicalSizeX: 0.5 });
    const broken = (edit: (attrs: Record<string, unknown>, arrays: ZarrayByPath) => void): string[] => {
      const attrs = clone(w.attrs);
      const arrays = clone(w.arrays);
      edit(attrs, arrays);
      return checkLabelImage(attrs, arrays);
    };
    const m = (a: Record<string, unknown>) => (a.multiscales as Multiscale[])[0]!;
    const cases: Array<[string, (a: Record<string, unknown>, z: ZarrayByPath) => void, RegExp]> = [
      ['no scale', (a) => m(a).datasets[0]!.coordinateTransformations.shift(), /exactly one scale/],
      [
        'translation first',
        (a) => m(a).datasets[1]!.coordinateTransformations.reverse(),
        /before translation/,
      ],
      [
        'scale of 3 values',
        (a) => {
          m(a).datasets[0]!.coordinateTransformations[0]!.scale = [1, 1, 1];
        },
        /must be 2 numbers/,
      ],
      ['one space axis', (a) => m(a).axes.pop(), /2 to 5 axes/],
      [
        'channel after space',
        (a) => {
          m(a).axes.push({ name: 'c', type: 'channel' });
        },
        /ordered time, then channel/,
      ],
      [
        'duplicate axis name',
        (a) => {
          m(a).axes[1]!.name = 'y';
        },
        /not unique/,
      ],
      [
        'bad unit',
        (a) => {
          m(a).axes[0]!.unit = 'um';
        },
        /UDUNITS/,
      ],
      ['levels out of order', (a) => m(a).datasets.reverse(), /larger than the previous level/],
      [
        'missing array',
        (a) => {
          m(a).datasets[0]!.path = 'nope';
        },
        /no Zarr array/,
      ],
      [
        'float labels',
        (_a, z) => {
          (z['0'] as Record<string, unknown>).dtype = '<f4';
        },
        /integer type/,
      ],
      [
        'blosc',
        (_a, z) => {
          (z['0'] as Record<string, unknown>).compressor = { id: 'blosc' };
        },
        /zlib or gzip/,
      ],
      [
        'duplicate label value',
        (a) => {
          const colors = (a['image-label'] as { colors: unknown[] }).colors;
          colors.push(colors[1]);
        },
        /label-value.*not unique/,
      ],
      [
        'rgba out of range',
        (a) => {
          (a['image-label'] as { colors: Array<{ rgba: number[] }> }).colors[1]!.rgba = [256, 0, 0, 255];
        },
        /4 integers 0\.\.255/,
      ],
      [
        'no multiscales',
        (a) => {
          delete a.multiscales;
        },
        /multiscales: must be a non-empty array/,
      ],
    ];
    for (const [name, edit, message] of cases) {
      const errors = broken(edit);
      expect(errors.join('\n'), name).toMatch(message);
    }
    expect(checkZarray({ ...(w.arrays['0'] as Record<string, unknown>), fill_value: null })).toEqual([
      'fill_value must be 0 (background) for omitted chunks',
    ]);
  });
});
