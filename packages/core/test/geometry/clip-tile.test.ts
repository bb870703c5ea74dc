import type { Feature, Geometry, Position } from '@cytorx/core';
import {
  clipGeometryToRect,
  geometryArea,
  imageBatch,
  ringSignedArea,
  tileBatch,
  tileGrid,
} from '@cytorx/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonical, feat } from '../operators/fixtures.js';
import { starPolygon } from './arbitraries.js';

type Rect = [number, number, number, number];

/** Independent oracle: Sutherland–Hodgman against a convex window. Correct in area for any simple subject. */
function sutherlandHodgman(ring: Position[], r: Rect): Position[] {
  let pts = ring.slice(0, -1);
  const planes: Array<[(p: Position) => boolean, (a: Position, b: Position) => Position]> = [
    [(p) => p[0] >= r[0], (a, b) => [r[0], a[1] + ((r[0] - a[0]) * (b[1] - a[1])) / (b[0] - a[0])]],
    [(p) => p[0] <= r[2], (a, b) => [r[2], a[1] + ((r[2] - a[0]) * (b[1] - a[1])) / (b[0] - a[0])]],
    [(p) => p[1] >= r[1], (a, b) => [a[0] + ((r[1] - a[1]) * (b[0] - a[0])) / (b[1] - a[1]), r[1]]],
    [(p) => p[1] <= r[3], (a, b) => [a[0] + ((r[3] - a[1]) * (b[0] - a[0])) / (b[1] - a[1]), r[3]]],
  ];
  for (const [inside, cut] of planes) {
    const out: Position[] = [];
    for (let i = 0; i < pts.length; i++) {
      const cur = pts[i]!;
      const prev = pts[(i + pts.length - 1) % pts.length]!;
      if (inside(cur)) {
        if (!inside(prev)) out.push(cut(prev, cur));
        out.push(cur);
      } else if (inside(prev)) out.push(cut(prev, cur));
    }
    pts = out;
    if (pts.length === 0) break;
  }
  return pts;
}

const oracleArea = (rings: Position[][], r: Rect): number =>
  rings.reduce((s, ring, i) => {
    const a = Math.abs(ringSignedArea(sutherlandHodgman(ring, r)));
    return i === 0 ? s + a : s - a;
  }, 0);

/** Simple (possibly concave) star-shaped polygons, often straddling the rectangle. */
const stars = starPolygon({
  center: fc.integer({ min: -50, max: 150 }),
  radius: fc.double({ min: 1, max: 80, noNaN: true }),
}).map((ext): Position[][] => [ext]);

const RECT: Rect = [0, 0, 100, 60];

describe('clipGeometryToRect against Sutherland–Hodgman', () => {
  it('property: clipped vertices lie in the rectangle and the area is the area inside it', () => {
    fc.assert(
      fc.property(stars, (rings) => {
        const g: Geometry = { type: 'Polygon', coordinates: rings };
        const clipped = clipGeometryToRect(g, RECT);
        const expected = oracleArea(rings, RECT);
        if (!clipped) {
          expect(expected).toBeLessThanOrEqual(1e-9);
          return;
        }
        const coords =
          clipped.type === 'Polygon'
            ? clipped.coordinates.flat()
            : clipped.type === 'MultiPolygon'
              ? clipped.coordinates.flat(2)
              : [];
        const outside = coords.filter(([x, y]) => x < RECT[0] || x > RECT[2] || y < RECT[1] || y > RECT[3]);
        expect(outside).toEqual([]);
        expect(Math.abs(geometryArea(clipped) - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, expected));
      }),
      { numRuns: 300 },
    );
  });

  it('property: a polygon with a square hole around its centre', () => {
    const arb = fc.tuple(
      fc.integer({ min: -50, max: 150 }),
      fc.integer({ min: -50, max: 110 }),
      fc.array(fc.double({ min: 10, max: 80, noNaN: true }), { minLength: 3, maxLength: 12 }),
      fc.double({ min: 0.5, max: 6, noNaN: true }),
    );
    fc.assert(
      fc.property(arb, ([cx, cy, radii, h]) => {
        const n = radii.length;
        const ext: Position[] = radii.map((r, i) => [
          cx + r * Math.cos((i / n) * 2 * Math.PI),
          cy + r * Math.sin((i / n) * 2 * Math.PI),
        ]);
        ext.push(ext[0]!);
        // A square hole around the centre: kept only when it lies inside the exterior.
        const hole: Position[] = [
          [cx - h, cy - h],
          [cx - h, cy + h],
          [cx + h, cy + h],
          [cx + h, cy - h],
          [cx - h, cy - h],
        ];
        const rings = [ext, hole];
        const g: Geometry = { type: 'Polygon', coordinates: rings };
        const holeInside = hole.every((p) => insideRing(p, ext));
        fc.pre(holeInside);
        const clipped = clipGeometryToRect(g, RECT);
        const expected = oracleArea(rings, RECT);
        const got = clipped ? geometryArea(clipped) : 0;
        expect(Math.abs(got - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, expected));
      }),
      { numRuns: 200 },
    );
  });

  it('keeps a polygon inside the rectangle as the same object and drops one outside', () => {
    const inside: Geometry = {
      type: 'Polygon',
      coordinates: [
        [
          [1, 1],
          [2, 1],
          [2, 2],
          [1, 1],
        ],
      ],
    };
    expect(clipGeometryToRect(inside, RECT)).toBe(inside);
    expect(
      clipGeometryToRect(
        {
          type: 'Polygon',
          coordinates: [
            [
              [101, 1],
              [102, 1],
              [102, 2],
              [101, 1],
            ],
          ],
        },
        RECT,
      ),
    ).toBeUndefined();
    // Touching the rectangle along an edge only: no area, dropped.
    expect(
      clipGeometryToRect(
        {
          type: 'Polygon',
          coordinates: [
            [
              [100, 1],
              [102, 1],
              [102, 2],
              [100, 2],
              [100, 1],
            ],
          ],
        },
        RECT,
      ),
    ).toBeUndefined();
    // A U shape cut by the rectangle's edge becomes two parts.
    const u: Geometry = {
      type: 'Polygon',
      coordinates: [
        [
          [90, 10],
          [120, 10],
          [120, 40],
          [90, 40],
          [90, 30],
          [110, 30],
          [110, 20],
          [90, 20],
          [90, 10],
        ],
      ],
    };
    const clipped = clipGeometryToRect(u, RECT);
    expect(clipped?.type).toBe('MultiPolygon');
    expect(clipped && geometryArea(clipped)).toBe(200);
  });
});

function insideRing(p: Position, ring: Position[]): boolean {
  let inside = false;
  for (let i = 0; i + 1 < ring.length; i++) {
    const [x0, y0] = ring[i]!;
    const [x1, y1] = ring[i + 1]!;
    if (y0 > p[1] !== y1 > p[1] && p[0] < x0 + ((p[1] - y0) * (x1 - x0)) / (y1 - y0)) inside = !inside;
  }
  return inside;
}

const IMG = { id: 5, width: 1000, height: 700 };

describe('tileGrid and tileBatch', () => {
  it('grid: stride size - overlap, fewest tiles covering the canvas, edges truncated', () => {
    expect(tileGrid(1000, 600, { size: 512 })).toEqual({
      xs: [0, 512],
      ys: [0, 512],
      size: 512,
      stride: 512,
    });
    expect(tileGrid(1000, 960, { size: 512, overlap: 64 }).xs).toEqual([0, 448, 896]);
    expect(tileGrid(1000, 960, { size: 512, overlap: 64 }).ys).toEqual([0, 448]);
    expect(tileGrid(10, 10, { size: 512 }).xs).toEqual([0]);
    const tiles = [...tileBatch(imageBatch(IMG), { size: 512 })];
    expect(tiles.map((t) => [t.tile, t.canvas])).toEqual([
      [
        { col: 0, row: 0 },
        { x: 0, y: 0, width: 512, height: 512, scale: 1 },
      ],
      [
        { col: 1, row: 0 },
        { x: 512, y: 0, width: 488, height: 512, scale: 1 },
      ],
      [
        { col: 0, row: 1 },
        { x: 0, y: 512, width: 512, height: 188, scale: 1 },
      ],
      [
        { col: 1, row: 1 },
        { x: 512, y: 512, width: 488, height: 188, scale: 1 },
      ],
    ]);
  });

  it('clips features to each tile in tile-local coordinates; a feature inside one tile is only translated', () => {
    const big = feat(1, IMG, {
      type: 'Polygon',
      coordinates: [
        [
          [500, 500],
          [520, 500],
          [520, 520],
          [500, 520],
          [500, 500],
        ],
      ],
    });
    const small = feat(2, IMG, {
      type: 'Polygon',
      coordinates: [
        [
          [600, 10],
          [610, 10],
          [610, 20],
          [600, 10],
        ],
      ],
    });
    const tiles = [...tileBatch(imageBatch(IMG, [big, small]), { size: 512, select: 'annotated' })];
    const byTile = tiles.map((t) => ({
      tile: t.tile,
      ids: t.features.map((f) => f.id),
      areas: t.features.map((f) => geometryArea(f.geometry)),
    }));
    expect(byTile).toEqual([
      { tile: { col: 0, row: 0 }, ids: [1], areas: [144] },
      { tile: { col: 1, row: 0 }, ids: [1, 2], areas: [96, 50] },
      { tile: { col: 0, row: 1 }, ids: [1], areas: [96] },
      { tile: { col: 1, row: 1 }, ids: [1], areas: [64] },
    ]);
    expect(canonical(tiles[1]!.features[1]!.geometry)).toEqual({
      type: 'Polygon',
      coordinates: [
        [
          [88, 10],
          [98, 10],
          [98, 20],
          [88, 10],
        ],
      ],
    });
    expect(canonical(tiles[3]!.features[0]!.geometry)).toEqual({
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [8, 0],
          [8, 8],
          [0, 8],
          [0, 0],
        ],
      ],
    });
  });

  it('points on a shared tile edge go to exactly one tile; lines are clipped', () => {
    const pts = feat(1, IMG, {
      type: 'MultiPoint',
      coordinates: [
        [512, 100],
        [1000, 700],
        [0, 0],
      ],
    });
    const line = feat(2, IMG, {
      type: 'LineString',
      coordinates: [
        [500, 100],
        [530, 100],
      ],
    });
    const tiles = [...tileBatch(imageBatch(IMG, [pts, line]), { size: 512, select: 'annotated' })];
    expect(tiles.map((t) => [t.tile, t.features.map((f) => f.geometry)])).toEqual([
      [
        { col: 0, row: 0 },
        [
          { type: 'MultiPoint', coordinates: [[0, 0]] },
          {
            type: 'LineString',
            coordinates: [
              [500, 100],
              [512, 100],
            ],
          },
        ],
      ],
      [
        { col: 1, row: 0 },
        [
          { type: 'MultiPoint', coordinates: [[0, 100]] },
          {
            type: 'LineString',
            coordinates: [
              [0, 100],
              [18, 100],
            ],
          },
        ],
      ],
      [{ col: 1, row: 1 }, [{ type: 'MultiPoint', coordinates: [[488, 188]] }]],
    ]);
  });

  it('select minCoverage keeps tiles whose union of polygons covers enough', () => {
    const a = feat(1, IMG, {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [300, 0],
          [300, 512],
          [0, 512],
          [0, 0],
        ],
      ],
    });
    const b = feat(2, IMG, {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [300, 0],
          [300, 512],
          [0, 512],
          [0, 0],
        ],
      ],
    }); // same area: union counts once
    const c = feat(3, IMG, {
      type: 'Polygon',
      coordinates: [
        [
          [512, 0],
          [812, 0],
          [812, 512],
          [512, 512],
          [512, 0],
        ],
      ],
    });
    const keep = [...tileBatch(imageBatch(IMG, [a, b, c]), { size: 512, select: { minCoverage: 0.6 } })];
    expect(keep.map((t) => t.tile)).toEqual([{ col: 1, row: 0 }]); // 300/488 = 0.61; tile 0: 300/512 = 0.59
  });

  it('cost grows with annotations + tiles touched: 20,000 small features on a 100,000 px square', () => {
    const huge = { id: 9, width: 100_000, height: 100_000 };
    const features: Feature[] = [];
    for (let i = 0; i < 20_000; i++) {
      const x = (i * 7919) % 99_900;
      const y = (i * 104_729) % 99_900;
      features.push(
        feat(i + 1, huge, {
          type: 'Polygon',
          coordinates: [
            [
              [x, y],
              [x + 40, y],
              [x + 40, y + 40],
              [x, y + 40],
              [x, y],
            ],
          ],
        }),
      );
    }
    const t0 = performance.now();
    let tiles = 0;
    let pieces = 0;
    // 196 x 196 = 38,416 tiles; a naive loop would test 7.7e8 (tile, feature) pairs.
    for (const t of tileBatch(imageBatch(huge, features), { size: 512, select: 'annotated' })) {
      tiles++;
      pieces += t.features.length;
    }
    const ms = performance.now() - t0;
    expect(pieces).toBeGreaterThanOrEqual(20_000);
    expect(pieces).toBeLessThan(20_000 * 1.2);
    expect(tiles).toBeLessThanOrEqual(pieces);
    expect(ms).toBeLessThan(5_000);
  });

  it('property: with overlap 0 the tiles of a geometry cover exactly its clipped area, and tiles partition the canvas', () => {
    const arb = fc.tuple(
      starPolygon({
        center: fc.integer({ min: -20, max: 320 }),
        radius: fc.double({ min: 1, max: 150, noNaN: true }),
      }),
      fc.integer({ min: 7, max: 200 }),
      fc.integer({ min: 1, max: 300 }),
      fc.integer({ min: 1, max: 300 }),
    );
    fc.assert(
      fc.property(arb, ([ext, size, w, h]) => {
        const image = { id: 1, width: w, height: h };
        const f = feat(1, image, { type: 'Polygon', coordinates: [ext] });
        const tiles = [...tileBatch(imageBatch(image, [f]), { size })];
        const canvasArea = tiles.reduce((s, t) => s + t.canvas.width * t.canvas.height, 0);
        expect(canvasArea).toBe(w * h);
        const tiled = tiles.reduce(
          (s, t) => s + t.features.reduce((u, g) => u + geometryArea(g.geometry), 0),
          0,
        );
        const clipped = clipGeometryToRect(f.geometry, [0, 0, w, h]);
        const expected = clipped ? geometryArea(clipped) : 0;
        expect(Math.abs(tiled - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, expected));
        // Tile-local coordinates lie inside each tile.
        for (const t of tiles) {
          for (const g of t.features) {
            const cs =
              g.geometry.type === 'Polygon'
                ? g.geometry.coordinates.flat()
                : g.geometry.type === 'MultiPolygon'
                  ? g.geometry.coordinates.flat(2)
                  : [];
            const out = cs.filter(([x, y]) => x < 0 || y < 0 || x > t.canvas.width || y > t.canvas.height);
            expect(out).toEqual([]);
          }
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('tileBatch with clip: false', () => {
  it('translates features reaching into a tile without clipping them; points still go to one tile', () => {
    const poly = feat(1, IMG, {
      type: 'Polygon',
      coordinates: [
        [
          [500, 10],
          [520, 10],
          [520, 20],
          [500, 10],
        ],
      ],
    });
    const line = feat(2, IMG, {
      type: 'LineString',
      coordinates: [
        [600, 0],
        [600, 30],
      ],
    });
    const pt = feat(3, IMG, { type: 'Point', coordinates: [512, 5] });
    const tiles = [
      ...tileBatch(imageBatch(IMG, [poly, line, pt]), { size: 512, select: 'annotated', clip: false }),
    ];
    expect(tiles.map((t) => [t.tile, t.features.map((f) => [f.id, f.geometry])])).toEqual([
      [
        { col: 0, row: 0 },
        [
          [
            1,
            {
              type: 'Polygon',
              coordinates: [
                [
                  [500, 10],
                  [520, 10],
                  [520, 20],
                  [500, 10],
                ],
              ],
            },
          ],
        ],
      ],
      [
        { col: 1, row: 0 },
        [
          [
            1,
            {
              type: 'Polygon',
              coordinates: [
                [
                  [-12, 10],
                  [8, 10],
                  [8, 20],
                  [-12, 10],
                ],
              ],
            },
          ],
          [
            2,
            {
              type: 'LineString',
              coordinates: [
                [88, 0],
                [88, 30],
              ],
            },
          ],
          [3, { type: 'Point', coordinates: [0, 5] }],
        ],
      ],
    ]);
  });
});
