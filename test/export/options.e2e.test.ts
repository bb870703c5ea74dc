// exportProject options end to end against the emulator: filters, class policies, frames,
// zoom, tiles, splits, images, empty images, extra writers, bounded images in flight.
import { setTimeout as sleep } from 'node:timers/promises';
import type { CytomineClient, Position } from '@cytorx/core';
import { type Emulator, startEmulator } from '@cytorx/emulator';
import { defineWriter } from '@cytorx/writers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Coco,
  clientFor,
  DATASET,
  geojsonFeatures,
  grey,
  type Report,
  readJson,
  readPng,
  readTree,
  runExport,
  simpleRing,
} from './helpers.js';

describe('exportProject options', () => {
  let emu: Emulator;
  let client: CytomineClient;
  let projectId: number;

  beforeAll(async () => {
    emu = await startEmulator({ dataset: DATASET });
    client = clientFor(emu);
    projectId = emu.dataset.projects[0]!.id;
  });
  afterAll(async () => {
    await client?.close();
    await emu?.close();
  });

  const images = () => emu.dataset.images.filter((im) => im.project === projectId);
  const terms = () => {
    const onto = emu.dataset.projects.find((p) => p.id === projectId)!.ontology;
    return emu.dataset.terms.filter((t) => t.ontology === onto);
  };
  /** Annotation ids in the GeoJSON of the given images, plus those skipped by the pipeline. */
  const exported = async (out: string, ids: number[]) => {
    const report = await readJson<Report>(out, 'report.json');
    const got = new Set<number>();
    for (const id of ids)
      for (const f of await geojsonFeatures(out, `geojson/${id}.geojson`))
        got.add(f.properties.annotation_id);
    for (const s of report.skipped)
      if (s.annotationId !== null && !['mask', 'coco'].includes(s.stage)) got.add(s.annotationId);
    return [...got].sort((a, b) => a - b);
  };

  it('filters: images, term names and ids, users, reviewed, after (server-side, exactly the matching annotations)', async () => {
    const [im1, , im3] = images();
    const [t1, t2] = terms();
    const bob = emu.dataset.users[1]!.id;
    const ids = [im1!.id, im3!.id];
    const pool = emu.dataset.annotations.filter((a) => ids.includes(a.image));
    const after = pool[Math.floor(pool.length / 3)]!.created;
    const a = await runExport(client, {
      project: projectId,
      images: ids,
      terms: [t1!.name.toUpperCase(), String(t2!.id)],
      users: [bob],
      after: new Date(after).toISOString(),
      formats: ['geojson'],
    });
    const expected = pool
      .filter(
        (x) =>
          x.user === bob && x.created > after && x.terms.some((t) => t.term === t1!.id || t.term === t2!.id),
      )
      .map((x) => x.id);
    expect(expected.length).toBeGreaterThan(0);
    expect(await exported(a.out, ids)).toEqual(expected);
    expect(a.summary.images.selected).toBe(2);
    const reviewed = await runExport(client, { project: projectId, reviewed: true, formats: ['geojson'] });
    const expectedReviewed = emu.dataset.annotations
      .filter((x) => x.project === projectId && x.reviewed)
      .map((x) => x.id);
    expect(expectedReviewed.length).toBeGreaterThan(0);
    expect(
      await exported(
        reviewed.out,
        images().map((im) => im.id),
      ),
    ).toEqual(expectedReviewed);
  });

  it('unknown term, unknown image and bad options are CYTORX_CONFIG errors', async () => {
    await expect(runExport(client, { project: projectId, terms: ['no such term'] })).rejects.toMatchObject({
      code: 'CYTORX_CONFIG',
      message: expect.stringMatching(/no term named "no such term"/),
    });
    await expect(runExport(client, { project: projectId, images: [999_999] })).rejects.toMatchObject({
      code: 'CYTORX_CONFIG',
    });
    await expect(runExport(client, { project: projectId, zoom: 1, maxSize: 5 })).rejects.toMatchObject({
      code: 'CYTORX_CONFIG',
    });
    await expect(
      runExport(client, { project: projectId, coords: 'cytomine', tile: { size: 64 } }),
    ).rejects.toMatchObject({
      code: 'CYTORX_CONFIG',
    });
  });

  it('classes file + unlabeled + multi-term duplicate + coords cytomine + overlap order', async () => {
    const [t1, t2, t3] = terms();
    const classes = {
      background: 0 as const,
      unlabeled: 250,
      classes: [
        { id: 7, name: 'first', termIds: [t3!.id] },
        { id: 3, name: 'merged', termIds: [t1!.id, t2!.id] },
      ],
    };
    const run = await runExport(client, {
      project: projectId,
      classes,
      unlabeled: 200,
      multiTerm: 'duplicate',
      coords: 'cytomine',
      overlap: 'order',
      formats: ['geojson', 'mask'],
    });
    expect(await readJson(run.out, 'classes.json')).toEqual({ ...classes, unlabeled: 200 });
    const classOf = (term: number | undefined) =>
      classes.classes.find((c) => term !== undefined && c.termIds.includes(term))?.id ?? 200;
    let multi = 0;
    let flippedChecked = 0;
    for (const im of images()) {
      const features = await geojsonFeatures(run.out, `geojson/${im.id}.geojson`);
      for (const f of features) expect(f.properties.class_id).toBe(classOf(f.properties.term_ids?.[0]));
      for (const a of emu.dataset.annotations.filter((x) => x.image === im.id)) {
        const copies = features.filter((f) => f.properties.annotation_id === a.id);
        if (copies.length === 0) continue;
        expect(copies).toHaveLength(Math.max(1, new Set(a.terms.map((t) => t.term)).size));
        if (copies.length > 1) multi++;
        // Cytomine frame: the server's own coordinates come back (no flip).
        const ring = simpleRing(a);
        const geom = copies[0]!.geometry;
        if (
          ring &&
          geom.type === 'Polygon' &&
          a.bbox[1] > 0 &&
          a.bbox[3] < im.height &&
          a.bbox[0] > 0 &&
          a.bbox[2] < im.width
        ) {
          const got = (geom.coordinates as Position[][])[0]!;
          // H - (H - y) is y up to one ulp of H for decimal coordinates.
          const key = (p: Position) => p.map((v) => v.toFixed(6)).join();
          expect(key(got[0]!)).toBe(key(ring[0]!));
          expect(new Set(got.map(key))).toEqual(new Set(ring.map(key)));
          flippedChecked++;
        }
      }
      const png = await readPng(run.out, `masks/${im.id}_mask.png`);
      const values = new Set<number>();
      for (let i = 0; i < png.data.length; i += 4) values.add(png.data[i]!);
      expect([...values].every((v) => [0, 3, 7, 200].includes(v))).toBe(true);
    }
    expect(multi).toBeGreaterThan(0);
    expect(flippedChecked).toBeGreaterThan(5);
  });

  it('zoom and max-size: power-of-two canvases, features scaled', async () => {
    const z1 = await runExport(client, { project: projectId, zoom: 1, formats: ['geojson', 'mask'] });
    const ms = await runExport(client, { project: projectId, maxSize: 100, formats: ['mask'] });
    const full = await runExport(client, {
      project: projectId,
      formats: ['geojson'],
      images: [images()[0]!.id],
    });
    for (const im of images()) {
      const png = await readPng(z1.out, `masks/${im.id}_mask.png`);
      expect([png.width, png.height]).toEqual([Math.ceil(im.width / 2), Math.ceil(im.height / 2)]);
      // 600x480 with max-size 100: z = ceil(log2(600 / 100)) = 3, 75x60.
      const small = await readPng(ms.out, `masks/${im.id}_mask.png`);
      expect([small.width, small.height]).toEqual([Math.ceil(im.width / 8), Math.ceil(im.height / 8)]);
    }
    const id = images()[0]!.id;
    const half = await geojsonFeatures(z1.out, `geojson/${id}.geojson`);
    const one = await geojsonFeatures(full.out, `geojson/${id}.geojson`);
    // Both files hold coordinates rounded to 1e-9 px: half of a rounded value is within 1e-9.
    const flat = (c: unknown): number[] => (typeof c === 'number' ? [c] : (c as unknown[]).flatMap(flat));
    const a = flat(half.map((f) => f.geometry.coordinates));
    const b = flat(one.map((f) => f.geometry.coordinates)).map((v) => v / 2);
    expect(a).toHaveLength(b.length);
    expect(a.filter((v, i) => Math.abs(v - b[i]!) > 1e-9)).toEqual([]);
  });

  it('tiles (annotated only, overlap) with images, COCO splits: aligned files per tile', async () => {
    const run = await runExport(client, {
      project: projectId,
      images: images()
        .slice(0, 2)
        .map((im) => im.id),
      zoom: 1,
      tile: { size: 128, overlap: 16, select: 'annotated' },
      withImages: true,
      split: [0.5, 0.5],
      seed: 3,
      formats: ['geojson', 'mask', 'coco'],
    });
    const tree = await readTree(run.out);
    const masks = [...tree.keys()].filter((k) => k.startsWith('masks/'));
    expect(masks.length).toBeGreaterThan(4);
    for (const m of masks) {
      const key = m.slice('masks/'.length, -'.png'.length);
      expect(key).toMatch(/^\d+\/\d+_\d+$/);
      expect(tree.has(`images/${key}.png`)).toBe(true);
      expect(tree.has(`geojson/${key}.geojson`)).toBe(true);
      const [x, y] = key.split('/')[1]!.split('_').map(Number);
      expect((x! % 112) + (y! % 112)).toBe(0); // stride = size - overlap
      const mask = await readPng(run.out, m);
      const img = await readPng(run.out, `images/${key}.png`);
      expect([img.width, img.height]).toEqual([mask.width, mask.height]);
      expect(mask.width).toBeLessThanOrEqual(128);
      expect((await geojsonFeatures(run.out, `geojson/${key}.geojson`)).length).toBeGreaterThan(0); // annotated only
    }
    const splits = await readJson<Record<string, string>>(run.out, 'coco/splits.json');
    const parts = ['train', 'val'];
    let tiles = 0;
    for (const part of parts) {
      const coco = await readJson<Coco>(run.out, `coco/${part}.json`);
      for (const im of coco.images) expect(splits[String(im.cytomine_image_id)]).toBe(part);
      tiles += coco.images.length;
    }
    expect(tiles).toBe(masks.length);
  });

  it('images without annotations still get an empty mask, an empty GeoJSON and a COCO image', async () => {
    const run = await runExport(client, {
      project: projectId,
      after: '2100-01-01',
      formats: ['geojson', 'mask', 'coco'],
    });
    const coco = await readJson<Coco>(run.out, 'coco/annotations.json');
    expect(coco.images).toHaveLength(images().length);
    expect(coco.annotations).toEqual([]);
    for (const im of images()) {
      expect(await geojsonFeatures(run.out, `geojson/${im.id}.geojson`)).toEqual([]);
      const png = await readPng(run.out, `masks/${im.id}_mask.png`);
      expect([png.width, png.height]).toEqual([im.width, im.height]);
      expect(grey(png, 0, 0)).toBe(0);
      expect(png.data.every((v, i) => i % 4 === 3 || v === 0)).toBe(true);
    }
  });

  it('memory: at most `concurrency` images in flight even when a writer is slow (backpressure)', async () => {
    let inFlight = 0;
    let peak = 0;
    const slow = defineWriter(() => ({
      name: 'slow',
      async write() {
        await sleep(40);
      },
      close: () => ({ writer: 'slow', files: [], items: 0, warnings: 0 }),
    }))();
    const run = await runExport(client, {
      project: projectId,
      concurrency: 2,
      formats: ['geojson'],
      writers: [slow],
    });
    for (const e of run.events) {
      if (e.type === 'image-start') peak = Math.max(peak, ++inFlight);
      if (e.type === 'image-done') inFlight--;
    }
    expect(peak).toBe(2);
    expect(inFlight).toBe(0);
  });

  it('a failing extra writer: CYTORX_WRITER naming it, the other writers complete, manifest incomplete', async () => {
    const broken = defineWriter(() => {
      let n = 0;
      return {
        name: 'broken',
        write() {
          if (++n === 2) throw new Error('disk on fire');
        },
        close: () => ({ writer: 'broken', files: [], items: n, warnings: 0 }),
      };
    })();
    const { tempDir } = await import('./helpers.js');
    const out = await tempDir();
    await expect(
      runExport(client, { project: projectId, out, formats: ['geojson'], writers: [broken] }),
    ).rejects.toMatchObject({
      code: 'CYTORX_WRITER',
      writer: 'broken',
    });
    for (const im of images()) await geojsonFeatures(out, `geojson/${im.id}.geojson`); // all present
    const manifest = await readJson<{ status: string; images: { complete: number[] } }>(out, 'manifest.json');
    expect(manifest.status).toBe('incomplete');
    expect(manifest.images.complete.length).toBeLessThan(images().length);
    const report = await readJson<Report>(out, 'report.json');
    expect(report.writers.find((w) => w.writer === 'broken')).toMatchObject({ failed: true });
    expect(report.complete).toBe(false);
  });
});
