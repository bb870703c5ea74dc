// exportProject end to end against the emulator over loopback: the files are read back (PNG
// decoded, JSON parsed) and checked against the server's own data (emulator.dataset).
import type { CytomineClient, Position } from '@cytorx/core';
import { defaultClassMapping } from '@cytorx/core';
import { type Emulator, startEmulator } from '@cytorx/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Coco,
  clientFor,
  DATASET,
  geojsonFeatures,
  grey,
  type Report,
  type RunResult,
  readJson,
  readPng,
  readTree,
  runExport,
  simpleRing,
} from './helpers.js';

describe('exportProject: geojson, mask and coco against the server data', () => {
  let emu: Emulator;
  let client: CytomineClient;
  let projectId: number;
  let run: RunResult;

  beforeAll(async () => {
    emu = await startEmulator({ dataset: DATASET });
    client = clientFor(emu);
    projectId = emu.dataset.projects[0]!.id;
    run = await runExport(client, {
      project: projectId,
      formats: ['geojson', 'mask', 'coco'],
      concurrency: 3,
    });
  });
  afterAll(async () => {
    await client?.close();
    await emu?.close();
  });

  const project = () => emu.dataset.projects.find((p) => p.id === projectId)!;
  const images = () => emu.dataset.images.filter((im) => im.project === projectId);
  const annotationsOf = (imageId: number) => emu.dataset.annotations.filter((a) => a.image === imageId);
  const mapping = () =>
    defaultClassMapping(
      emu.dataset.terms.filter((t) => t.ontology === project().ontology).map((t) => ({ ...t })),
    );
  const classOf = (termIds: number[]) => {
    const first = termIds[0];
    return mapping().classes.find((c) => first !== undefined && c.termIds.includes(first))?.id ?? 255;
  };

  it('writes the documented layout, classes.json and a complete manifest', async () => {
    const tree = await readTree(run.out);
    const ids = images().map((im) => im.id);
    expect([...tree.keys()]).toEqual(
      [
        'classes.json',
        'coco/annotations.json',
        'manifest.json',
        'report.json',
        ...ids.map((id) => `geojson/${id}.geojson`),
        ...ids.map((id) => `masks/${id}_mask.png`),
      ].sort(),
    );
    expect(await readJson(run.out, 'classes.json')).toEqual(JSON.parse(JSON.stringify(mapping())));
    const manifest = await readJson<{ status: string; images: { selected: number[]; complete: number[] } }>(
      run.out,
      'manifest.json',
    );
    expect(manifest.status).toBe('complete');
    expect(manifest.images.complete).toEqual([...ids].sort((a, b) => a - b));
    expect(run.summary).toMatchObject({
      complete: true,
      images: { selected: ids.length, exported: ids.length },
    });
    const types = run.events.map((e) => e.type);
    expect(types[0]).toBe('start');
    expect(types.filter((t) => t === 'image-done')).toHaveLength(ids.length);
  });

  it('GeoJSON: every server annotation is a feature or a skip with a reason; ids, classes, H - y geometry', async () => {
    const report = await readJson<Report>(run.out, 'report.json');
    let checkedGeometry = 0;
    for (const im of images()) {
      const features = await geojsonFeatures(run.out, `geojson/${im.id}.geojson`);
      const server = annotationsOf(im.id);
      const skippedIds = new Set(
        report.skipped
          .filter((s) => s.imageId === im.id && !['mask', 'coco'].includes(s.stage))
          .map((s) => s.annotationId),
      );
      const got = new Set(features.map((f) => f.properties.annotation_id));
      expect(features).toHaveLength(got.size); // multi-term 'first': one feature per annotation
      expect([...got].filter((id) => skippedIds.has(id))).toEqual([]);
      expect(new Set([...got, ...skippedIds])).toEqual(new Set(server.map((a) => a.id)));
      // Malformed WKT is what the pipeline skips here, with its reason.
      for (const a of server.filter((x) => Number.isNaN(x.bbox[0]))) {
        expect(report.skipped).toContainEqual(
          expect.objectContaining({ annotationId: a.id, code: 'INVALID_WKT' }),
        );
      }
      for (const f of features) {
        const a = server.find((x) => x.id === f.properties.annotation_id)!;
        expect(f.properties.image_id).toBe(im.id);
        const sorted = (ids: number[]) => [...ids].sort((x, y) => x - y);
        expect(sorted(f.properties.term_ids ?? [])).toEqual(sorted(a.terms.map((t) => t.term)));
        expect(f.properties.class_id).toBe(classOf(f.properties.term_ids ?? [])); // 'first': the first term as listed
        const ring = simpleRing(a);
        const touched = report.warnings.some((w) => w.annotationId === a.id);
        if (
          ring === undefined ||
          touched ||
          !(a.bbox[0] > 0 && a.bbox[2] < im.width && a.bbox[1] > 0 && a.bbox[3] < im.height)
        )
          continue;
        // Written rounded to 1e-9 px (the flip's floating-point noise dropped).
        const flipped: Position[] = ring.map(([x, y]) => [x, Math.round((im.height - y) * 1e9) / 1e9 + 0]);
        const reversed = [flipped[0]!, ...flipped.slice(1, -1).reverse(), flipped.at(-1)!];
        expect([flipped, reversed]).toContainEqual((f.geometry.coordinates as Position[][])[0]);
        checkedGeometry++;
      }
    }
    expect(checkedGeometry).toBeGreaterThan(20);
  });

  it('COCO: images, categories and annotations match the GeoJSON and the server', async () => {
    const coco = await readJson<Coco>(run.out, 'coco/annotations.json');
    const report = await readJson<Report>(run.out, 'report.json');
    expect(coco.images).toEqual(
      images().map((im) => ({ id: im.id, file_name: `${im.id}.png`, width: im.width, height: im.height })),
    );
    expect(coco.categories.map((c) => c.id)).toEqual([...mapping().classes.map((c) => c.id), 255]);
    expect(
      coco.categories.every((c) => c.supercategory === project().name || typeof c.supercategory === 'string'),
    ).toBe(true);
    const ids = coco.annotations.map((a) => a.id);
    expect(ids).toEqual([...new Set(ids)]);
    for (const im of images()) {
      const features = await geojsonFeatures(run.out, `geojson/${im.id}.geojson`);
      const inCoco = coco.annotations.filter((a) => a.image_id === im.id);
      expect(inCoco.map((a) => a.id)).toEqual([...inCoco.map((a) => a.id)].sort((a, b) => a - b));
      for (const f of features) {
        const a = inCoco.find((x) => x.id === f.properties.annotation_id);
        if (a === undefined) {
          // Left out of COCO only with a reason (points, lines, sub-pixel shapes).
          expect(report.skipped).toContainEqual(
            expect.objectContaining({
              annotationId: f.properties.annotation_id,
              stage: 'coco',
              code: 'DEGENERATE',
            }),
          );
          continue;
        }
        expect(a.category_id).toBe(f.properties.class_id);
        expect(a.area).toBeGreaterThan(0);
      }
    }
    expect(coco.annotations.length).toBeGreaterThan(100);
  });

  it('masks: image-sized PNGs of class ids; COCO area = mask pixel count for isolated annotations', async () => {
    const coco = await readJson<Coco>(run.out, 'coco/annotations.json');
    const allowed = new Set([0, 255, ...mapping().classes.map((c) => c.id)]);
    let isolated = 0;
    for (const im of images()) {
      const png = await readPng(run.out, `masks/${im.id}_mask.png`);
      expect([png.width, png.height]).toEqual([im.width, im.height]);
      const values = new Set<number>();
      for (let y = 0; y < png.height; y++) for (let x = 0; x < png.width; x++) values.add(grey(png, x, y));
      expect([...values].every((v) => allowed.has(v))).toBe(true);
      expect(values.size).toBeGreaterThan(2);
      const anns = coco.annotations.filter((a) => a.image_id === im.id);
      for (const a of anns) {
        const [x0, y0, w, h] = a.bbox;
        const overlaps = (b: [number, number, number, number]) =>
          b[0] < x0 + w + 1 && x0 - 1 < b[0] + b[2] && b[1] < y0 + h + 1 && y0 - 1 < b[1] + b[3];
        if (anns.some((b) => b !== a && overlaps(b.bbox))) continue;
        let count = 0;
        for (let y = y0; y < y0 + h; y++) {
          for (let x = x0; x < x0 + w; x++) {
            const v = grey(png, x, y);
            if (v !== 0) {
              expect(v).toBe(a.category_id);
              count++;
            }
          }
        }
        expect(count).toBe(a.area);
        isolated++;
      }
    }
    expect(isolated).toBeGreaterThan(5);
  });

  it('report.json: counts per class and image add up to the server data', async () => {
    const report = await readJson<Report>(run.out, 'report.json');
    const total = images().reduce((n, im) => n + annotationsOf(im.id).length, 0);
    expect(report.complete).toBe(true);
    expect(report.totals.annotations).toBe(total);
    expect(report.images.map((r) => r.annotations)).toEqual(
      images().map((im) => annotationsOf(im.id).length),
    );
    expect(report.classes.reduce((n, c) => n + c.features, 0)).toBe(report.totals.features);
    expect(report.totals.contestedPixels).toBe(report.images.reduce((n, r) => n + r.contestedPixels, 0));
    expect(report.writers.map((w) => [w.writer, w.files, w.failed])).toEqual([
      ['geojson', images().length, false],
      ['mask', images().length, false],
      ['coco', 1, false],
    ]);
    expect(run.summary.annotations).toBe(total);
  });
});
