import type { Feature, Geometry } from '@cytorx/core';
import { geojsonWriter, isTemporaryName, writeTo } from '@cytorx/writers';
import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  batch,
  feature,
  image,
  listFiles,
  readJson,
  rectRing,
  ring,
  tempContext,
  tileBatch,
} from '../contract/fixtures.js';

interface GeoFeature {
  type: 'Feature';
  id: number | string;
  geometry: Geometry;
  properties: Record<string, unknown>;
}
interface Collection {
  type: 'FeatureCollection';
  features: GeoFeature[];
}

const square: Geometry = { type: 'Polygon', coordinates: [rectRing(2, 3, 12, 13)] };
const donut: Geometry = { type: 'Polygon', coordinates: [rectRing(0, 0, 20, 20), rectRing(5, 5, 15, 15)] };
const multi: Geometry = {
  type: 'MultiPolygon',
  coordinates: [[rectRing(30, 0, 40, 10)], [ring([41.25, 20.5], [50.75, 20.5], [46, 30.125])]],
};

describe('geojsonWriter', () => {
  it('writes one FeatureCollection per image that parses back to the batch (ids, classes, geometry, properties)', async () => {
    const ctx = await tempContext();
    const img1 = image(1);
    const img2 = image(2, 100, 80);
    const b1 = batch(img1, [
      feature(11, img1, square),
      feature(12, img1, donut, { termIds: [102], user: 9 }),
      // A multi-term duplicate: derived id, same annotation id.
      feature(1_000_012, img1, donut, { termIds: [101], annotationId: 12, user: 9 }),
    ]);
    const unlabeled = feature(21, img2, multi, { termIds: [], classId: 255 });
    unlabeled.className = 'unlabeled';
    const b2 = batch(img2, [unlabeled]);
    const b3 = batch(image(3), []); // an image without annotations still gets its (empty) file

    const events = await lastValueFrom(from([b1, b2, b3]).pipe(writeTo(ctx, geojsonWriter()), toArray()));
    const done = events.at(-1);
    expect(done).toMatchObject({
      type: 'done',
      complete: true,
      summaries: [
        {
          writer: 'geojson',
          files: ['geojson/1.geojson', 'geojson/2.geojson', 'geojson/3.geojson'],
          items: 4,
          warnings: 0,
        },
      ],
    });
    expect(await listFiles(ctx.root)).toEqual([
      'geojson/1.geojson',
      'geojson/2.geojson',
      'geojson/3.geojson',
    ]);

    for (const b of [b1, b2, b3]) {
      const fc = await readJson<Collection>(ctx.root, `geojson/${b.image.id}.geojson`);
      expect(fc.type).toBe('FeatureCollection');
      expect(fc.features).toHaveLength(b.features.length);
      fc.features.forEach((gf, i) => {
        const f = b.features[i]! as Feature;
        expect(gf.type).toBe('Feature');
        expect(gf.id).toBe(f.id);
        expect(gf.geometry).toEqual(f.geometry);
        expect(gf.properties).toEqual({
          image_id: b.image.id,
          annotation_id: f.annotationId,
          class_id: f.classId ?? null,
          class_name: f.className ?? null,
          // never an empty array (GDAL/fiona choke on empty list fields): null
          term_ids: f.termIds.length === 0 ? null : f.termIds,
          term_names: f.terms === undefined || f.terms.length === 0 ? null : f.terms.map((t) => t.name),
          user_id: f.annotation.user,
          created: f.annotation.created,
        });
      });
    }
    const fc1 = await readJson<Collection>(ctx.root, 'geojson/1.geojson');
    expect(fc1.features.map((f) => [f.id, f.properties.annotation_id, f.properties.class_id])).toEqual([
      [11, 11, 1],
      [12, 12, 2],
      [1_000_012, 12, 1],
    ]);
  });

  it('tiles go to geojson/{imageId}/{x}_{y}.geojson', async () => {
    const ctx = await tempContext();
    const img = image(9, 64, 64);
    await lastValueFrom(
      from([
        tileBatch(img, { col: 0, row: 0, size: 32 }, [feature(1, img, square)]),
        tileBatch(img, { col: 1, row: 1, size: 32 }, []),
      ]).pipe(writeTo(ctx, geojsonWriter({ dir: 'geo' }))),
    );
    expect(await listFiles(ctx.root)).toEqual(['geo/9/0_0.geojson', 'geo/9/32_32.geojson']);
  });

  it('QuPath flavour: objectType, classification with an RGB array, stable UUID ids', async () => {
    const ctx = await tempContext();
    const img = image(4);
    const noClass = feature(42, img, square, { termIds: [] });
    await lastValueFrom(
      from([
        batch(img, [feature(40, img, square), feature(41, img, donut, { termIds: [102] }), noClass]),
      ]).pipe(writeTo(ctx, geojsonWriter({ flavor: 'qupath' }))),
    );
    const fc = await readJson<Collection>(ctx.root, 'geojson/4.geojson');
    const [a, b, c] = fc.features;
    expect(a!.properties).toMatchObject({
      objectType: 'annotation',
      classification: { name: 'Tumour', color: [255, 0, 0] },
      annotation_id: 40,
    });
    expect(b!.properties.classification).toEqual({ name: 'Stroma', color: [0, 255, 128] });
    expect(c!.properties.objectType).toBe('annotation');
    expect(c!.properties.classification).toBeUndefined();
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    for (const f of fc.features) expect(f.id).toMatch(uuid);
    expect(new Set(fc.features.map((f) => f.id)).size).toBe(3);

    // Same feature id, same UUID on another run.
    const ctx2 = await tempContext();
    await lastValueFrom(
      from([batch(img, [feature(40, img, square)])]).pipe(writeTo(ctx2, geojsonWriter({ flavor: 'qupath' }))),
    );
    expect((await readJson<Collection>(ctx2.root, 'geojson/4.geojson')).features[0]!.id).toBe(a!.id);
  });

  it('QuPath flavour warns once about Cytomine-frame features', async () => {
    const ctx = await tempContext();
    const img = image(5);
    const f = { ...feature(50, img, square), frame: 'cytomine' as const };
    await lastValueFrom(
      from([batch(img, [f, f]), batch(img, [f])]).pipe(writeTo(ctx, geojsonWriter({ flavor: 'qupath' }))),
    );
    expect(ctx.warnings.filter((w) => w.stage === 'geojson')).toHaveLength(1);
  });

  it('precision rounds coordinates', async () => {
    const ctx = await tempContext();
    const img = image(6);
    const g: Geometry = {
      type: 'Polygon',
      coordinates: [ring([0.123456, 1.98765], [10.5, 0], [5.00001, 7.777777])],
    };
    await lastValueFrom(
      from([batch(img, [feature(60, img, g)])]).pipe(writeTo(ctx, geojsonWriter({ precision: 2 }))),
    );
    const fc = await readJson<Collection>(ctx.root, 'geojson/6.geojson');
    expect(fc.features[0]!.geometry).toEqual({
      type: 'Polygon',
      coordinates: [
        [
          [0.12, 1.99],
          [10.5, 0],
          [5, 7.78],
          [0.12, 1.99],
        ],
      ],
    });
  });

  it('streams: a 30,000-feature image is written in bounded chunks, never as one string', async () => {
    const ctx = await tempContext();
    const chunks: number[] = [];
    const open = ctx.out.open.bind(ctx.out);
    ctx.out = {
      ...ctx.out,
      root: ctx.out.root,
      resolve: ctx.out.resolve,
      writeFile: ctx.out.writeFile,
      async open(rel) {
        const f = await open(rel);
        return {
          ...f,
          relPath: f.relPath,
          stream: f.stream,
          write: (c) => {
            chunks.push(c.length);
            return f.write(c);
          },
          commit: () => f.commit(),
          abort: () => f.abort(),
        };
      },
    };
    const img = image(7, 4000, 4000);
    const features = Array.from({ length: 30_000 }, (_, i) =>
      feature(i + 1, img, {
        type: 'Polygon',
        coordinates: [rectRing(i % 3000, i % 2000, (i % 3000) + 3, (i % 2000) + 4)],
      }),
    );
    await lastValueFrom(from([batch(img, features)]).pipe(writeTo(ctx, geojsonWriter())));
    const fc = await readJson<Collection>(ctx.root, 'geojson/7.geojson');
    expect(fc.features).toHaveLength(30_000);
    expect(fc.features[29_999]!.id).toBe(30_000);
    const total = chunks.reduce((a, b) => a + b, 0);
    expect(chunks.length).toBeGreaterThan(20);
    expect(Math.max(...chunks)).toBeLessThan(80 * 1024);
    expect(total).toBeGreaterThan(5 * 1024 * 1024);
  });

  it('a feature that cannot be serialised fails the batch: WriterError, no file under the final name, no temp file', async () => {
    const ctx = await tempContext();
    const img = image(8);
    const bad = feature(81, img, {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [1, 0],
          [BigInt(1) as unknown as number, 1],
        ],
      ],
    });
    const err = await lastValueFrom(
      from([batch(img, [feature(80, img, square), bad])]).pipe(writeTo(ctx, geojsonWriter())),
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'CYTORX_WRITER', writer: 'geojson', hook: 'write', item: '8' });
    const files = await listFiles(ctx.root);
    expect(files).toEqual([]);
    expect(files.some(isTemporaryName)).toBe(false);
  });

  it('cancellation discards the file being written', async () => {
    const controller = new AbortController();
    const ctx = await tempContext({ signal: controller.signal });
    const img = image(10, 4000, 4000);
    const features = Array.from({ length: 5000 }, (_, i) => feature(i + 1, img, square));
    const w = geojsonWriter();
    await w.write(batch(image(11), [feature(1, image(11), square)]), ctx);
    controller.abort();
    await expect(w.write(batch(img, features), ctx)).rejects.toMatchObject({ code: 'CYTORX_ABORTED' });
    expect(await listFiles(ctx.root)).toEqual(['geojson/11.geojson']);
  });

  it('rejects bad options with CYTORX_CONFIG', () => {
    expect(() => geojsonWriter({ flavor: 'x' as never })).toThrow(
      expect.objectContaining({ code: 'CYTORX_CONFIG' }),
    );
    expect(() => geojsonWriter({ precision: 1.5 })).toThrow(/precision/);
  });

  it('a dir outside the output folder fails in open', async () => {
    const ctx = await tempContext();
    const err = await lastValueFrom(
      from([batch(image(1), [])]).pipe(writeTo(ctx, geojsonWriter({ dir: '../escape' }))),
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'CYTORX_WRITER', hook: 'open' });
    expect((err as Error).cause).toMatchObject({ code: 'CYTORX_CONFIG' });
  });
});
