import {
  ConfigError,
  type Geometry,
  MaskVectorizer,
  type Position,
  readCocoFeatures,
  type SourceFeature,
  transformGeometry,
} from '@cytorx/core';
import { rleFromString, rleToBbox } from '../coco/rle.js';
import { geometryToRings } from '../raster/geometry-to-rings.js';
import { Rasterizer } from '../raster/rasterizer.js';
import type { PredictionOptions } from './prediction-options.js';

/** A COCO image: the Cytomine image it belongs to, and its offset there (tiles). */
interface CocoImageRef {
  image: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

type Rle = { size: [number, number]; counts: number[] };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The RLE of a segmentation (`undefined` for a polygon list), or why it cannot be used: the
 * counts must decode, be non-negative integers summing to `h·w`, and `size` must be the COCO
 * image's `[height, width]`.
 */
function asRle(segmentation: unknown, image: CocoImageRef): Rle | string | undefined {
  if (!isRecord(segmentation)) return undefined;
  const size = Array.isArray(segmentation.size) ? (segmentation.size as unknown[]) : [];
  const [h, w] = size;
  if (typeof h !== 'number' || typeof w !== 'number')
    return 'RLE segmentation without a [height, width] size';
  if (h !== image.height || w !== image.width) {
    return `RLE size ${h}x${w} (height x width) is not its image's ${image.height}x${image.width}`;
  }
  const c = segmentation.counts;
  let counts: number[];
  try {
    counts = typeof c === 'string' ? rleFromString(c) : Array.isArray(c) ? c.map(Number) : [];
  } catch (error) {
    return `unreadable RLE counts: ${(error as Error).message}`;
  }
  let sum = 0;
  for (const n of counts) {
    if (!Number.isSafeInteger(n) || n < 0) return `RLE counts hold ${String(n)}, not a run length`;
    sum += n;
  }
  if (sum !== h * w) return `RLE counts sum to ${sum}, not ${h}x${w} = ${h * w}`;
  return { size: [h, w], counts };
}

function imageRefs(doc: Record<string, unknown>): Map<number, CocoImageRef> {
  const out = new Map<number, CocoImageRef>();
  for (const im of Array.isArray(doc.images) ? doc.images : []) {
    if (!isRecord(im) || typeof im.id !== 'number') continue;
    const tiled = typeof im.cytomine_image_id === 'number';
    out.set(im.id, {
      image: tiled ? (im.cytomine_image_id as number) : im.id,
      x: tiled && typeof im.tile_x === 'number' ? im.tile_x : 0,
      y: tiled && typeof im.tile_y === 'number' ? im.tile_y : 0,
      width: typeof im.width === 'number' ? im.width : 0,
      height: typeof im.height === 'number' ? im.height : 0,
    });
  }
  return out;
}

/**
 * One piece of an annotation: a polygon or an RLE, in canvas pixels once offset by (x, y);
 * only its pixels in `own` (the canvas cells its tile owns, `[x0, y0, x1, y1)`) count.
 */
interface Piece {
  x: number;
  y: number;
  own: [number, number, number, number];
  geometry?: Geometry;
  rle?: Rle;
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/**
 * The canvas cells each COCO tile image owns, as for tiled masks: where tiles overlap, a
 * pixel belongs to the tile whose stride cell holds it (a tile with no neighbour to the right
 * or below reaches to its own edge). Untiled images own everything. Stride: tile size minus
 * overlap from the manifest, else the gcd of the tile positions.
 */
function ownedCells(
  refs: Map<number, CocoImageRef>,
  layout: { size: number; overlap: number } | undefined,
): Map<number, [number, number, number, number]> {
  const byImage = new Map<number, CocoImageRef[]>();
  for (const ref of refs.values()) byImage.set(ref.image, [...(byImage.get(ref.image) ?? []), ref]);
  const out = new Map<number, [number, number, number, number]>();
  for (const [id, ref] of refs) {
    const tiles = byImage.get(ref.image)!;
    let stride = layout ? layout.size - layout.overlap : 0;
    if (stride <= 0) for (const t of tiles) stride = gcd(gcd(stride, t.x), t.y);
    const at = new Set(tiles.map((t) => `${t.x},${t.y}`));
    const right = stride > 0 && at.has(`${ref.x + stride},${ref.y}`);
    const below = stride > 0 && at.has(`${ref.x},${ref.y + stride}`);
    out.set(id, [
      ref.x,
      ref.y,
      right ? ref.x + stride : ref.x + ref.width,
      below ? ref.y + stride : ref.y + ref.height,
    ]);
  }
  return out;
}

/** Canvas box [x0, y0, x1, y1) of a piece. */
function pieceBox(p: Piece): [number, number, number, number] {
  const [ox0, oy0, ox1, oy1] = p.own;
  const clip = (b: [number, number, number, number]): [number, number, number, number] => [
    Math.max(b[0], ox0),
    Math.max(b[1], oy0),
    Math.min(b[2], ox1),
    Math.min(b[3], oy1),
  ];
  if (p.rle) {
    const [x, y, w, h] = rleToBbox(p.rle);
    return clip([p.x + x, p.y + y, p.x + x + w, p.y + y + h]);
  }
  let box: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const ring of geometryToRings(p.geometry!)) {
    for (let i = 0; i + 1 < ring.length; i += 2) {
      box = [
        Math.min(box[0], Math.floor(p.x + ring[i]!)),
        Math.min(box[1], Math.floor(p.y + ring[i + 1]!)),
        Math.max(box[2], Math.ceil(p.x + ring[i]!)),
        Math.max(box[3], Math.ceil(p.y + ring[i + 1]!)),
      ];
    }
  }
  return clip(box);
}

const rasterizer = new Rasterizer();

/**
 * The pixels of an annotation's pieces (tile overlaps are a union), vectorised into one
 * geometry in full-resolution pixels (canvas · 2^zoom); `undefined` when no pixel is set.
 * Memory: the annotation's bounding box.
 */
function vectorizePieces(pieces: Piece[], zoom: number, connectivity: 4 | 8): Geometry | undefined {
  const boxes = pieces.map(pieceBox).filter((b) => b[2] > b[0] && b[3] > b[1]);
  if (boxes.length === 0) return undefined;
  const x0 = Math.min(...boxes.map((b) => b[0]));
  const y0 = Math.min(...boxes.map((b) => b[1]));
  const w = Math.max(...boxes.map((b) => b[2])) - x0;
  const h = Math.max(...boxes.map((b) => b[3])) - y0;
  if (!(w > 0 && h > 0)) return undefined;
  const mask = new Uint8Array(w * h);
  for (const p of pieces) {
    // The piece's owned cells, in mask coordinates.
    const cx0 = Math.max(0, p.own[0] - x0);
    const cy0 = Math.max(0, p.own[1] - y0);
    const cx1 = Math.min(w, p.own[2] - x0);
    const cy1 = Math.min(h, p.own[3] - y0);
    if (p.rle) {
      const rh = p.rle.size[0];
      let index = 0;
      p.rle.counts.forEach((n, k) => {
        if (k % 2 === 1) {
          for (let i = index; i < index + n; i++) {
            const col = Math.floor(i / rh);
            const mx = p.x + col - x0;
            const my = p.y + (i - col * rh) - y0;
            if (mx >= cx0 && mx < cx1 && my >= cy0 && my < cy1) mask[my * w + mx] = 1;
          }
        }
        index += n;
      });
    } else {
      const rings = geometryToRings(p.geometry!).map((r) =>
        r.map((v, i) => v + (i % 2 === 0 ? p.x - x0 : p.y - y0)),
      );
      rasterizer.spans(
        rings,
        w,
        h,
        (y, a, b) => {
          const from = Math.max(a, cx0);
          const to = Math.min(b, cx1);
          if (to > from) mask.fill(1, y * w + from, y * w + to);
        },
        { rowStart: cy0, rowEnd: cy1 },
      );
    }
  }
  const polygons: Position[][][] = [];
  const s = 2 ** zoom;
  const v = new MaskVectorizer(
    w,
    (r) =>
      polygons.push(
        ...(r.geometry.type === 'Polygon'
          ? [r.geometry.coordinates]
          : r.geometry.type === 'MultiPolygon'
            ? r.geometry.coordinates
            : []),
      ),
    { connectivity, scale: s, offset: [x0 * s, y0 * s] },
  );
  v.push(mask, h);
  v.finish();
  if (polygons.length === 0) return undefined;
  return polygons.length === 1
    ? { type: 'Polygon', coordinates: polygons[0]! }
    : { type: 'MultiPolygon', coordinates: polygons };
}

/**
 * Features of a COCO document, ready to upload: polygon segmentations as they are, RLE
 * segmentations vectorised (exactly, under the cytorx pixel rule), every coordinate scaled by
 * 2^zoom back to full resolution. Tiled COCO (as `cytorx export --tile` writes it: images with
 * `cytomine_image_id`, `tile_x`, `tile_y`) maps each tile back to its image and offset, and
 * merges the pieces of one annotation (same `annotation_id` and category) across tiles into
 * one feature. @internal
 */
export function readCoco(
  doc: Record<string, unknown>,
  file: string,
  zoom: (image: number) => number,
  options: Pick<PredictionOptions, 'connectivity'> & { tile?: { size: number; overlap: number } },
): SourceFeature[] {
  const refs = imageRefs(doc);
  const owned = ownedCells(refs, options.tile);
  const annotations = Array.isArray(doc.annotations) ? doc.annotations : [];
  const base = readCocoFeatures(doc, file);
  const out: SourceFeature[] = [];
  const groups = new Map<string, { feature: SourceFeature; pieces: Piece[]; tiles: number }>();
  base.forEach((f, i) => {
    const a = annotations[i];
    const ref = f.imageId === undefined ? undefined : refs.get(f.imageId);
    if (!isRecord(a) || ref === undefined) {
      out.push(
        ref === undefined && f.problem === undefined
          ? { ...f, problem: `image_id ${String(f.imageId)} is not in the images list` }
          : f,
      );
      return;
    }
    const rle = asRle(a.segmentation, ref);
    if (typeof rle === 'string' || (f.problem !== undefined && rle === undefined)) {
      out.push(typeof rle === 'string' ? { ...f, problem: rle } : f);
      return;
    }
    const own = owned.get(f.imageId!)!;
    const piece: Piece = { x: ref.x, y: ref.y, own, ...(rle ? { rle } : { geometry: f.geometry! }) };
    const tiled = ref.x !== 0 || ref.y !== 0 || ref.image !== f.imageId;
    const from = typeof a.annotation_id === 'number' ? `f${a.annotation_id}` : `a${String(a.id ?? i)}`;
    const key = tiled ? `${ref.image}:${from}:${String(a.category_id)}` : `#${i}`;
    const { problem: _problem, ...rest } = f;
    const feature: SourceFeature = { ...rest, imageId: ref.image };
    if (tiled && typeof a.annotation_id === 'number') {
      feature.featureId = a.annotation_id;
      feature.label = `${file}#annotation ${a.annotation_id}`;
    }
    const group = groups.get(key);
    if (group) {
      group.pieces.push(piece);
      group.tiles++;
    } else {
      const g = { feature, pieces: [piece], tiles: 1 };
      groups.set(key, g);
      out.push(feature);
    }
  });
  for (const { feature, pieces, tiles } of groups.values()) {
    const z = zoom(feature.imageId!);
    if (tiles > 1) feature.label = `${feature.label} (${tiles} tiles)`;
    if (pieces.length === 1 && pieces[0]!.geometry) {
      const p = pieces[0]!;
      const s = 2 ** z;
      feature.geometry = transformGeometry(p.geometry!, (x, y) => [(x + p.x) * s, (y + p.y) * s]);
      continue;
    }
    const g = vectorizePieces(pieces, z, options.connectivity ?? 8);
    if (g) feature.geometry = g;
    else feature.problem = 'empty segmentation (no pixel set)';
  }
  if (out.some((f) => f.imageId === undefined && f.problem === undefined)) {
    throw new ConfigError(`${file}: an annotation names no image`);
  }
  return out;
}
