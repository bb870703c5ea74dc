// Uses the example exactly as a user would: resolved by path through the writer registry,
// run by writeTo next to a built-in writer, output parsed back from disk.
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ClassMapping, Feature, Geometry, ImageBatch, ImageInstance } from '@cytorx/core';
import { createWriterContext, geojsonWriter, resolveWriter, writeTo } from '@cytorx/writers';
import { from, lastValueFrom } from 'rxjs';
import { describe, expect, it } from 'vitest';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const SPEC = './examples/yolo-writer/index.js';

const classes: ClassMapping = {
  background: 0,
  unlabeled: 255,
  classes: [
    { id: 1, name: 'Tumour', termIds: [101] },
    { id: 2, name: 'Stroma', termIds: [102] },
  ],
};

function feature(
  id: number,
  img: ImageInstance,
  geometry: Geometry,
  classId: number,
  className: string,
): Feature {
  return {
    id,
    annotationId: id,
    image: img,
    geometry,
    frame: 'image',
    scale: 1,
    termIds: [],
    classId,
    className,
    annotation: { id, term: [] },
  };
}

const img1: ImageInstance = { id: 1, width: 200, height: 100 };
const img2: ImageInstance = { id: 2, width: 50, height: 50 };
const tri: Geometry = {
  type: 'Polygon',
  coordinates: [
    [
      [20, 10],
      [120, 10],
      [70, 90],
      [20, 10],
    ],
  ],
};
const holed: Geometry = {
  type: 'MultiPolygon',
  coordinates: [
    [
      [
        [0, 0],
        [100, 0],
        [100, 50],
        [0, 50],
      ],
      [
        [10, 10],
        [20, 10],
        [20, 20],
      ],
    ],
    [
      [
        [150, 60],
        [210, 60], // outside the canvas: clamped to 1
        [180, 95],
      ],
    ],
  ],
};

const batches: ImageBatch[] = [
  {
    image: img1,
    canvas: { x: 0, y: 0, width: 200, height: 100, scale: 1 },
    features: [
      feature(11, img1, tri, 1, 'Tumour'),
      feature(12, img1, holed, 2, 'Stroma'),
      feature(13, img1, tri, 255, 'unlabeled'),
    ],
  },
  { image: img2, canvas: { x: 0, y: 0, width: 50, height: 50, scale: 1 }, features: [] },
];

async function run(options?: string) {
  const root = await mkdtemp(path.join(tmpdir(), 'cytorx-yolo-'));
  const ctx = await createWriterContext({ out: root, classes });
  const yolo = await resolveWriter(SPEC, options, { cwd: repoRoot });
  const done = await lastValueFrom(from(batches).pipe(writeTo(ctx, yolo, geojsonWriter())));
  return { root, ctx, done };
}

const parseLines = (text: string) =>
  text
    .trim()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.split(' ').map(Number));

describe('examples/yolo-writer (loaded by path, as a user would)', () => {
  it('writes normalised polygon labels per image and data.yaml, next to a built-in writer', async () => {
    const { root, ctx, done } = await run();
    expect(done).toMatchObject({ type: 'done', complete: true });
    if (done.type !== 'done') throw new Error('no done event');
    expect(done.summaries.map((s) => [s.writer, s.files])).toEqual([
      ['yolo', ['data.yaml', 'labels/1.txt', 'labels/2.txt']],
      ['geojson', ['geojson/1.geojson', 'geojson/2.geojson']],
    ]);
    const files = (await readdir(root, { recursive: true })).map((f) => f.split(path.sep).join('/')).sort();
    expect(files).toEqual([
      'data.yaml',
      'geojson',
      'geojson/1.geojson',
      'geojson/2.geojson',
      'labels',
      'labels/1.txt',
      'labels/2.txt',
    ]);

    const lines = parseLines(await readFile(path.join(root, 'labels/1.txt'), 'utf8'));
    expect(lines).toHaveLength(3); // triangle, the two parts of the multipolygon; unlabeled skipped
    const [a, b, c] = lines;
    expect(a).toEqual([0, 0.1, 0.1, 0.6, 0.1, 0.35, 0.9]);
    expect(b).toEqual([1, 0, 0, 0.5, 0, 0.5, 0.5, 0, 0.5]);
    expect(c).toEqual([1, 0.75, 0.6, 1, 0.6, 0.9, 0.95]);
    for (const l of lines) {
      expect(Number.isInteger(l[0])).toBe(true);
      expect((l.length - 1) % 2).toBe(0);
      for (const v of l.slice(1)) expect(v >= 0 && v <= 1).toBe(true);
    }
    expect(await readFile(path.join(root, 'labels/2.txt'), 'utf8')).toBe('');
    expect(await readFile(path.join(root, 'data.yaml'), 'utf8')).toContain(
      'names:\n  0: "Tumour"\n  1: "Stroma"\n',
    );
    expect(ctx.warnings.map((w) => [w.stage, w.code, w.annotationId])).toEqual([
      ['yolo', 'OTHER', 12], // hole dropped
      ['yolo', 'UNMAPPED_TERM', 13], // unlabeled skipped
    ]);
  });

  it('takes options as data (names list changes the class indices)', async () => {
    const { root } = await run('names=Stroma,Tumour,decimals=3');
    const lines = parseLines(await readFile(path.join(root, 'labels/1.txt'), 'utf8'));
    expect(lines.map((l) => l[0])).toEqual([1, 0, 0]);
    expect(await readFile(path.join(root, 'labels/1.txt'), 'utf8')).toMatch(/^1 0\.100 0\.100 /);
  });

  it('bad options become a CYTORX_CONFIG naming the writer', async () => {
    await expect(resolveWriter(SPEC, 'decimals=99', { cwd: repoRoot })).rejects.toMatchObject({
      code: 'CYTORX_CONFIG',
      message: expect.stringContaining('rejected its options: decimals must be an integer'),
    });
  });
});
