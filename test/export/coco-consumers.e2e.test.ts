// Issue 12, items 2 and 3: the COCO files read as COCO consumers read them. Polygons are
// decoded with the port of pycocotools' decoder (rleFrPoly, union of rings), RLE with
// rleDecode; every annotation's area and bbox must be what that decoding gives, and together
// the annotations must cover exactly the labelled pixels of the PNG masks. Splits: every file
// carries the same categories; bad splits are usage errors.
import {
  type CocoSegmentationMode,
  type CompressedRle,
  type Rle,
  rleArea,
  rleDecode,
  rleFrPoly,
  rleMerge,
  rleToBbox,
  splitNote,
} from '@cytorx/writers';
import { describe, expect, it } from 'vitest';
import { runInProcess } from '../cli/run-in-process.js';
import { emulatorProject } from './emulator-project.js';
import { type Coco, grey, readJson, readPng, runExport, tempDir } from './helpers.js';

/** What pycocotools' `annToRLE` gives for an annotation (polygons: rleFrPoly per ring, merged). */
function decode(segmentation: unknown, h: number, w: number): Rle | CompressedRle {
  if (Array.isArray(segmentation))
    return rleMerge((segmentation as number[][]).map((p) => rleFrPoly(p, h, w)));
  return segmentation as CompressedRle;
}

describe('COCO as pycocotools reads it (emulator project)', () => {
  const ctx = emulatorProject();

  const check = async (mode: CocoSegmentationMode | undefined) => {
    const { out } = await runExport(ctx.client, {
      project: ctx.project,
      formats: ['mask', 'coco'],
      ...(mode === undefined ? {} : { cocoSegmentation: mode }),
    });
    const coco = await readJson<Coco>(out, 'coco/annotations.json');
    let polygons = 0;
    let rle = 0;
    for (const image of coco.images) {
      const { width: w, height: h } = image;
      const png = await readPng(out, `masks/${image.id}_mask.png`);
      const covered = new Uint8Array(w * h); // pixel -> 1 + number of decoded annotations covering it
      const classesAt = new Map<number, Set<number>>();
      const wrong: string[] = [];
      for (const a of coco.annotations.filter((x) => x.image_id === image.id)) {
        const rleForm = decode(a.segmentation, h, w);
        if (Array.isArray(a.segmentation)) polygons++;
        else rle++;
        // area and bbox are exactly what the decoder gives.
        if (a.area !== rleArea(rleForm))
          wrong.push(`annotation ${a.id}: area ${a.area} != ${rleArea(rleForm)}`);
        const box = rleToBbox(rleForm);
        if (a.bbox.join() !== box.join()) wrong.push(`annotation ${a.id}: bbox ${a.bbox} != ${box}`);
        const m = rleDecode(rleForm);
        for (let i = 0; i < m.length; i++) {
          if (!m[i]) continue;
          covered[i] = 1;
          const set = classesAt.get(i) ?? new Set<number>();
          set.add(a.category_id);
          classesAt.set(i, set);
        }
      }
      if (mode !== 'polygon') {
        // polygon mode follows pycocotools' edges, not the PNG's. Otherwise the decoded
        // annotations cover exactly the labelled pixels, each with a class present there.
        for (let y = 0; y < h; y++) {
          for (let x = 0; x < w; x++) {
            const v = grey(png, x, y);
            const i = y * w + x;
            if ((v !== 0) !== (covered[i] === 1) || (v !== 0 && !classesAt.get(i)!.has(v))) {
              wrong.push(
                `image ${image.id} pixel ${x},${y}: PNG ${v}, COCO ${[...(classesAt.get(i) ?? [])]}`,
              );
            }
          }
        }
      }
      expect(wrong.slice(0, 10), `image ${image.id}: ${wrong.length} mismatches`).toEqual([]);
    }
    return { polygons, rle, coco };
  };

  it('auto (default): polygons and RLE both decode to the PNG pixels; area/bbox are the decoded ones', async () => {
    const { polygons, rle } = await check(undefined);
    expect(polygons).toBeGreaterThan(0);
    expect(rle).toBeGreaterThan(0);
  });

  it('rle: every annotation is RLE and decodes to the PNG pixels', async () => {
    const { polygons, rle } = await check('rle');
    expect(polygons).toBe(0);
    expect(rle).toBeGreaterThan(0);
  });

  it('polygon: polygons wherever the shape allows, with area and bbox as pycocotools decodes them', async () => {
    const poly = await check('polygon');
    expect(poly.polygons).toBeGreaterThan(poly.rle);
  });

  it('split: every file has the same, whole category list (unlabeled included) in class order', async () => {
    const { out } = await runExport(ctx.client, {
      project: ctx.project,
      formats: ['coco'],
      split: [0.4, 0.3, 0.3],
      seed: 1,
    });
    const classes = await readJson<{ classes: { id: number; name: string }[]; unlabeled: number }>(
      out,
      'classes.json',
    );
    const expected = [
      ...classes.classes.map((c) => ({ id: c.id, name: c.name })),
      { id: classes.unlabeled, name: 'unlabeled' },
    ].sort((a, b) => a.id - b.id);
    for (const part of ['train', 'val', 'test']) {
      const coco = await readJson<Coco>(out, `coco/${part}.json`);
      expect(
        coco.categories.map((c) => ({ id: c.id, name: c.name })),
        part,
      ).toEqual(expected);
    }
  });

  it('split with fewer images than parts: splitNote says how the images were assigned', async () => {
    const image = ctx.emu.dataset.images.find((im) => im.project === ctx.project)!;
    const split = [0.5, 0.25, 0.25];
    const r = await runExport(ctx.client, {
      project: ctx.project,
      formats: ['coco'],
      images: [image.id],
      split,
    });
    const assignment = await readJson<Record<string, string>>(r.out, 'coco/splits.json');
    expect(Object.keys(assignment)).toEqual([String(image.id)]);
    const note = splitNote(split, assignment);
    expect(note).toMatch(/^split: 1 image over 3 parts: train \d, val \d, test \d; .* no image/);
    expect(note).toMatch(/seeded hash/);
    for (const part of ['train', 'val', 'test']) {
      const n = (await readJson<Coco>(r.out, `coco/${part}.json`)).images.length;
      expect(note).toContain(`${part} ${n}`);
    }
  });

  it('CLI: bad fractions, --split/--seed/--coco-segmentation without coco, --seed without --split: exit 2', async () => {
    const home = await tempDir('cytorx-split-cli-');
    const base = ['export', '--project', String(ctx.project), '--out', 'ds', '--progress', 'none'];
    const cases: [string[], RegExp][] = [
      [['--format', 'coco', '--split', '0.8,0.1'], /split fractions must sum to 1, got 0\.8 \+ 0\.1 = 0\.9/],
      [['--format', 'coco', '--split', '0.5,0.6'], /must sum to 1/],
      [['--format', 'coco', '--split', '0.8,-0.1,0.3'], /non-negative/],
      [['--format', 'geojson,mask', '--split', '0.8,0.2'], /--split needs --format with coco/],
      [['--format', 'mask', '--seed', '3'], /--seed needs --format with coco/],
      [['--format', 'coco', '--seed', '3'], /--seed needs --split/],
      [['--format', 'mask', '--coco-segmentation', 'rle'], /--coco-segmentation needs --format with coco/],
      [['--format', 'coco', '--coco-segmentation', 'pixels'], /coco-segmentation/],
    ];
    for (const [args, message] of cases) {
      const r = await runInProcess([...base, ...args], { env: ctx.env, home });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(message);
    }
    // The summary says how the images of a split were assigned when a part got none.
    const image = ctx.emu.dataset.images.find((im) => im.project === ctx.project)!;
    const one = ['--format', 'coco', '--image', String(image.id), '--split', '0.5,0.25,0.25'];
    const r = await runInProcess([...base, ...one], { env: ctx.env, home });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      / {2}warning: split: 1 image over 3 parts: train \d, val \d, test \d; .* no image/,
    );
  });
});
