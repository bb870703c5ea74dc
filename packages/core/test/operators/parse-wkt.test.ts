import type { Annotation, Feature, ImageLookup, PipelineWarning } from '@cytorx/core';
import { parseWkt } from '@cytorx/core';
import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { ann, IMG1, IMG2 } from './fixtures.js';

async function run(
  anns: Annotation[],
  images: ImageLookup,
): Promise<{ out: Feature[]; warnings: PipelineWarning[] }> {
  const warnings: PipelineWarning[] = [];
  const out = await lastValueFrom(
    from(anns).pipe(parseWkt({ images, onWarning: (w) => warnings.push(w) }), toArray()),
  );
  return { out, warnings };
}

describe('parseWkt', () => {
  it('parses polygons with holes, multipolygons, points and lines into Cytomine-frame features', async () => {
    const { out, warnings } = await run(
      [
        ann(1, 1, 'POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), (2 2, 2 4, 4 4, 2 2))', [7, 8]),
        ann(2, 2, 'MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)), ((5 5, 6 5, 6 6, 5 5)))'),
        ann(3, 1, 'POINT (1.5 2.25)'),
        ann(4, 2, 'LINESTRING (0 0, 3 4)'),
      ],
      new Map([
        [1, IMG1],
        [2, IMG2],
      ]),
    );
    expect(warnings).toEqual([]);
    expect(
      out.map((f) => [f.id, f.annotationId, f.image.id, f.frame, f.scale, f.termIds, f.geometry.type]),
    ).toEqual([
      [1, 1, 1, 'cytomine', 1, [7, 8], 'Polygon'],
      [2, 2, 2, 'cytomine', 1, [], 'MultiPolygon'],
      [3, 3, 1, 'cytomine', 1, [], 'Point'],
      [4, 4, 2, 'cytomine', 1, [], 'LineString'],
    ]);
    expect(out[0]!.geometry).toEqual({
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [10, 0],
          [10, 10],
          [0, 10],
          [0, 0],
        ],
        [
          [2, 2],
          [2, 4],
          [4, 4],
          [2, 2],
        ],
      ],
    });
    expect(out[2]!.geometry).toEqual({ type: 'Point', coordinates: [1.5, 2.25] });
    expect(out[0]!.annotation.id).toBe(1);
  });

  it('drops z coordinates', async () => {
    const { out } = await run([ann(1, 1, 'POLYGON Z ((0 0 5, 1 0 5, 1 1 5, 0 0 5))')], IMG1);
    expect(out[0]!.geometry).toEqual({
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [1, 0],
          [1, 1],
          [0, 0],
        ],
      ],
    });
  });

  it('skips every kind of bad WKT with a warning naming annotation, image and reason, and goes on', async () => {
    const { out, warnings } = await run(
      [
        ann(1, 1, 'POLYGON ((1 2, 11 2, 11'),
        ann(2, 1, 'POLYGN ((1 2, 11 2, 11 12, 1 2))'),
        ann(3, 1, 'POLYGON ((1 2, 11 abc, 1 2))'),
        ann(4, 1, ''),
        ann(5, 1, undefined),
        ann(6, 1, 'POLYGON EMPTY'),
        ann(7, 1, 'POINT (1 1)'),
      ],
      IMG1,
    );
    expect(out.map((f) => f.id)).toEqual([7]);
    expect(warnings.map((w) => [w.annotationId, w.imageId, w.code, w.stage, w.skipped])).toEqual([
      [1, 1, 'INVALID_WKT', 'parseWkt', true],
      [2, 1, 'INVALID_WKT', 'parseWkt', true],
      [3, 1, 'INVALID_WKT', 'parseWkt', true],
      [4, 1, 'INVALID_WKT', 'parseWkt', true],
      [5, 1, 'INVALID_WKT', 'parseWkt', true],
      [6, 1, 'EMPTY_GEOMETRY', 'parseWkt', true],
    ]);
    expect(warnings[0]!.message).toContain('annotation 1: malformed WKT');
    expect(warnings[0]!.message).toContain('POLYGON ((1 2, 11 2, 11');
    expect(warnings[2]!.message).toContain('non-finite');
    expect(warnings[4]!.message).toContain('showWKT');
  });

  it('resolves images from one instance, a map or a function; unknown images are skipped with UNKNOWN_IMAGE', async () => {
    const single = await run(
      [ann(1, 1, 'POINT (0 0)'), ann(2, 2, 'POINT (0 0)'), ann(3, undefined, 'POINT (0 0)')],
      IMG1,
    );
    expect(single.out.map((f) => [f.id, f.image.id])).toEqual([
      [1, 1],
      [3, 1],
    ]);
    expect(single.warnings).toMatchObject([
      { annotationId: 2, imageId: 2, code: 'UNKNOWN_IMAGE', skipped: true },
    ]);

    const fn = await run([ann(1, 2, 'POINT (0 0)'), ann(2, 3, 'POINT (0 0)')], (id) =>
      id === 2 ? IMG2 : undefined,
    );
    expect(fn.out.map((f) => f.image)).toEqual([IMG2]);
    expect(fn.warnings).toMatchObject([{ annotationId: 2, imageId: 3, code: 'UNKNOWN_IMAGE' }]);

    const map = await run([ann(1, undefined, 'POINT (0 0)')], new Map([[1, IMG1]]));
    expect(map.out).toEqual([]);
    expect(map.warnings).toMatchObject([{ annotationId: 1, code: 'UNKNOWN_IMAGE' }]);
    expect(map.warnings[0]).not.toHaveProperty('imageId');
  });
});
