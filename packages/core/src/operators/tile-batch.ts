import polygonClipping from 'polygon-clipping';
import { ConfigError } from '../errors/config-error.js';
import { geometryArea } from '../geometry/area.js';
import { type BBox, bboxContains, geometryBbox } from '../geometry/bbox.js';
import { clipGeometryToRect } from '../geometry/clip-rect.js';
import { translateGeometry } from '../geometry/transform.js';
import type { Feature, Geometry, ImageBatch, Position } from '../pipeline/types.js';

/** Options of `tile()` and {@link tileBatch}. */
export interface TileOptions {
  /** Tile width and height in canvas pixels (a positive integer). */
  size: number;
  /** Pixels shared by neighbouring tiles, 0 <= overlap < size; default 0 (stride = size − overlap). */
  overlap?: number;
  /**
   * Which tiles to emit: `'all'` (default), `'annotated'` (at least one feature in the tile),
   * or `{ minCoverage }`: the union of the tile's polygons covers at least this fraction (0..1]
   * of the tile's area.
   */
  select?: 'all' | 'annotated' | { minCoverage: number };
  /**
   * Clip features to each tile (default true). False: a feature whose bounding box reaches
   * into a tile is only translated (its coordinates may extend beyond the tile); much cheaper
   * for writers that clip anyway, such as the mask rasterizer. Points are always filtered;
   * `minCoverage` always measures clipped areas. Give the mask writer unclipped tiles for
   * tile masks that are exact crops of the untiled mask: its `smaller-on-top` order then
   * compares whole areas, not areas clipped to the tile (the export does so).
   */
  clip?: boolean;
}

/** The tile grid over a canvas: left edges `xs` and top edges `ys` (canvas pixels). */
export interface TileGrid {
  xs: number[];
  ys: number[];
  size: number;
  stride: number;
}

/** Validates tile options; returns size, overlap, stride. */
function check(options: TileOptions): { size: number; overlap: number; stride: number } {
  const { size } = options;
  const overlap = options.overlap ?? 0;
  if (!Number.isInteger(size) || size < 1)
    throw new ConfigError(`tile size must be a positive integer, got ${String(size)}`);
  if (!Number.isInteger(overlap) || overlap < 0 || overlap >= size) {
    throw new ConfigError(`tile overlap must be an integer in 0..${size - 1}, got ${String(overlap)}`);
  }
  const sel = options.select ?? 'all';
  if (sel !== 'all' && sel !== 'annotated') {
    const c = (sel as { minCoverage?: unknown }).minCoverage;
    if (typeof c !== 'number' || !(c > 0 && c <= 1)) {
      throw new ConfigError(`tile select.minCoverage must be a number in (0, 1], got ${String(c)}`);
    }
  }
  return { size, overlap, stride: size - overlap };
}

const starts = (extent: number, overlap: number, stride: number): number[] => {
  const n = Math.max(1, Math.ceil((extent - overlap) / stride));
  return Array.from({ length: n }, (_, i) => i * stride);
};

/**
 * The grid of tiles over a `width` x `height` canvas: tile (col, row) starts at
 * `(col·stride, row·stride)` with stride = size − overlap, is `size` wide and high, and the
 * last column/row is truncated to the canvas. There are `max(1, ceil((extent − overlap) /
 * stride))` tiles along each axis: the fewest that cover the canvas.
 * @param width - Canvas width.
 * @param height - Canvas height.
 * @param options - `size`, `overlap` (default 0).
 * @throws ConfigError (`CYTORX_CONFIG`) on invalid options.
 * @example
 * ```ts
 * import { tileGrid } from '@cytorx/core';
 * tileGrid(1000, 600, { size: 512 }).xs; // [0, 512]
 * ```
 */
export function tileGrid(width: number, height: number, options: TileOptions): TileGrid {
  const { size, overlap, stride } = check(options);
  return {
    xs: starts(width, overlap, stride),
    ys: starts(height, overlap, stride),
    size,
    stride,
  };
}

function clipToTile(
  geometry: Geometry,
  rect: BBox,
  lastCol: boolean,
  lastRow: boolean,
): Geometry | undefined {
  // Points: half-open tiles [x0, x1) x [y0, y1) (closed on the canvas' far edges), so a point
  // on a shared edge goes to exactly one tile when overlap = 0.
  const inTile = (p: Position): boolean =>
    p[0] >= rect[0] &&
    (p[0] < rect[2] || (lastCol && p[0] === rect[2])) &&
    p[1] >= rect[1] &&
    (p[1] < rect[3] || (lastRow && p[1] === rect[3]));
  if (geometry.type === 'Point') return inTile(geometry.coordinates) ? geometry : undefined;
  if (geometry.type === 'MultiPoint') {
    const pts = geometry.coordinates.filter(inTile);
    return pts.length > 0 ? { type: 'MultiPoint', coordinates: pts } : undefined;
  }
  return clipGeometryToRect(geometry, rect);
}

function polygonsOf(g: Geometry): Position[][][] {
  if (g.type === 'Polygon') return [g.coordinates];
  if (g.type === 'MultiPolygon') return g.coordinates;
  if (g.type === 'GeometryCollection') return g.geometries.flatMap(polygonsOf);
  return [];
}

/**
 * Splits one batch into tile batches over its canvas (see {@link tileGrid}), row by row.
 * Each tile batch has canvas `{ x: canvas.x + x0, y: canvas.y + y0, width, height, scale }`
 * (edge tiles truncated), `tile: { col, row }`, and the features that reach into the tile,
 * clipped to it and translated to tile-local coordinates (same ids; a feature spanning
 * several tiles appears in each; with `clip: false` they are only translated). Features
 * are bucketed by the tiles their bounding box touches, so the cost grows with annotations
 * plus tiles touched, not their product; a feature inside one tile is only translated. Lazy: tiles are produced as they are pulled.
 * @param batch - A batch (usually a whole image from `groupByImage`).
 * @param options - See {@link TileOptions}.
 * @throws ConfigError (`CYTORX_CONFIG`) on invalid options.
 * @example
 * ```ts
 * import { tileBatch } from '@cytorx/core';
 * for (const t of tileBatch(batch, { size: 512, select: 'annotated' })) console.log(t.tile, t.features.length);
 * ```
 */
export function* tileBatch(batch: ImageBatch, options: TileOptions): Generator<ImageBatch, void, undefined> {
  const { size, stride } = check(options);
  const select = options.select ?? 'all';
  const clip = options.clip ?? true;
  const { canvas } = batch;
  const { xs, ys } = tileGrid(canvas.width, canvas.height, options);
  const cols = xs.length;
  const buckets = new Map<number, number[]>();
  const boxes: Array<BBox | undefined> = batch.features.map((f) => geometryBbox(f.geometry));
  boxes.forEach((box, i) => {
    if (!box) return;
    const c0 = Math.max(0, Math.ceil((box[0] - size) / stride));
    const c1 = Math.min(cols - 1, Math.floor(box[2] / stride));
    const r0 = Math.max(0, Math.ceil((box[1] - size) / stride));
    const r1 = Math.min(ys.length - 1, Math.floor(box[3] / stride));
    for (let r = r0; r <= r1; r++) {
      for (let c = c0; c <= c1; c++) {
        const key = r * cols + c;
        const list = buckets.get(key);
        if (list) list.push(i);
        else buckets.set(key, [i]);
      }
    }
  });
  const keys = select === 'all' ? undefined : [...buckets.keys()].sort((a, b) => a - b);
  const total = xs.length * ys.length;
  const count = keys ? keys.length : total;
  for (let k = 0; k < count; k++) {
    const key = keys ? keys[k]! : k;
    const row = Math.floor(key / cols);
    const col = key % cols;
    const x0 = xs[col]!;
    const y0 = ys[row]!;
    const width = Math.min(size, canvas.width - x0);
    const height = Math.min(size, canvas.height - y0);
    const rect: BBox = [x0, y0, x0 + width, y0 + height];
    const features: Feature[] = [];
    const coverage = typeof select === 'object';
    const clipped: Geometry[] = [];
    for (const i of buckets.get(key) ?? []) {
      const f = batch.features[i]!;
      const box = boxes[i]!;
      const points = f.geometry.type === 'Point' || f.geometry.type === 'MultiPoint';
      let g: Geometry | undefined = f.geometry;
      if (points || ((clip || coverage) && !bboxContains(rect, box))) {
        g = clipToTile(f.geometry, rect, col === cols - 1, row === ys.length - 1);
      } else if (!(box[0] <= rect[2] && rect[0] <= box[2] && box[1] <= rect[3] && rect[1] <= box[3])) {
        g = undefined; // unclipped: the bounding box must reach into the tile
      }
      if (!g) continue;
      if (coverage) clipped.push(g);
      features.push({ ...f, geometry: translateGeometry(clip || points ? g : f.geometry, -x0, -y0) });
    }
    if (select === 'annotated' && features.length === 0) continue;
    if (typeof select === 'object') {
      const polys = clipped.flatMap((g) => polygonsOf(g));
      const need = select.minCoverage * width * height;
      const sum = polys.reduce((s, p) => s + geometryArea({ type: 'Polygon', coordinates: p }), 0);
      if (sum < need) continue;
      const union = polys.length > 1 ? polygonClipping.union(polys[0]!, ...polys.slice(1)) : polys;
      if (geometryArea({ type: 'MultiPolygon', coordinates: union as Position[][][] }) < need) continue;
    }
    yield {
      image: batch.image,
      canvas: { x: canvas.x + x0, y: canvas.y + y0, width, height, scale: canvas.scale },
      tile: { col, row },
      features,
    };
  }
}
