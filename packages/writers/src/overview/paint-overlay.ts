import { PNG } from 'pngjs';
import { type OverlapPolicy, paintOrder } from '../mask/composite.js';
import { Rasterizer } from '../raster/rasterizer.js';
import type { OverlayItem } from './overlay-items.js';
import type { ExportedImage } from './read-export.js';
import { samplePngs } from './thumbnail-source.js';

/** Class ids at thumbnail scale: the filled mask and the outlines drawn over it (0 = none). */
export interface OverlayLayers {
  width: number;
  height: number;
  fill: Uint8Array;
  outline: Uint8Array;
}

/** A tile in thumbnail pixels, and whether the export wrote it. */
export interface OverlayTile {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  written: boolean;
  /** Draw its left and top borders (false when tiles are too small at this scale). */
  border: boolean;
}

/** Opacity of the class colour over the slide (of 255). */
const FILL_ALPHA = 115;
/** Features narrower and lower than this (thumbnail px) also get a marker... */
const MARKER_BELOW = 3;
/** ...a square of this half-side around their centre. */
const MARKER_RADIUS = 3;

/** The items in the mask writer's paint order (bottom first) under `policy`. @internal */
export function orderItems(
  items: readonly OverlayItem[],
  policy: OverlapPolicy,
  classRank: ReadonlyMap<number, number>,
): OverlayItem[] {
  return paintOrder(items, policy, classRank) as OverlayItem[];
}

/**
 * Paints features at thumbnail scale in the mask's own order (`paintOrder` of the mask
 * writer: the overlap policy decides who is on top), with the cytorx pixel rule (the same
 * rasterizer, so a thumbnail pixel is filled iff its centre is inside), then draws every
 * ring's edges as 1-px lines (edges that are tile cuts are not outlines and are skipped),
 * and a small square around features too small to see at this scale.
 * @internal
 */
export function paintItems(ordered: readonly OverlayItem[], width: number, height: number): OverlayLayers {
  const fill = new Uint8Array(width * height);
  const outline = new Uint8Array(width * height);
  const rasterizer = new Rasterizer();
  for (const item of ordered) {
    const v = item.value;
    for (const piece of item.pieces) {
      rasterizer.spans(
        piece.rings,
        width,
        height,
        (y, x0, x1) => fill.fill(v, y * width + x0, y * width + x1),
        undefined,
        {
          annotationId: item.annotationId,
        },
      );
    }
  }
  for (const item of ordered) {
    let minX = Number.POSITIVE_INFINITY;
    let minY = Number.POSITIVE_INFINITY;
    let maxX = Number.NEGATIVE_INFINITY;
    let maxY = Number.NEGATIVE_INFINITY;
    for (const piece of item.pieces) {
      for (const ring of piece.rings) {
        for (let k = 0; k < ring.length; k += 2) {
          minX = Math.min(minX, ring[k]!);
          maxX = Math.max(maxX, ring[k]!);
          minY = Math.min(minY, ring[k + 1]!);
          maxY = Math.max(maxY, ring[k + 1]!);
        }
      }
    }
    if (maxX - minX < MARKER_BELOW && maxY - minY < MARKER_BELOW) {
      // Too small to see at this scale: a hollow square around it, so it is not lost.
      const cx = (minX + maxX) / 2;
      const cy = (minY + maxY) / 2;
      const r = MARKER_RADIUS;
      for (const [ax, ay, bx, by] of [
        [-r, -r, r, -r],
        [r, -r, r, r],
        [r, r, -r, r],
        [-r, r, -r, -r],
      ] as const) {
        line(outline, width, height, cx + ax, cy + ay, cx + bx, cy + by, item.value);
      }
    }
    for (const piece of item.pieces) {
      piece.rings.forEach((ring, r) => {
        const cut = piece.cuts?.[r];
        const n = ring.length >> 1;
        for (let k = 0; k < n; k++) {
          if (cut !== undefined && cut[k] === 1) continue;
          const j = (k + 1) % n;
          line(
            outline,
            width,
            height,
            ring[2 * k]!,
            ring[2 * k + 1]!,
            ring[2 * j]!,
            ring[2 * j + 1]!,
            item.value,
          );
        }
      });
    }
  }
  return { width, height, fill, outline };
}

/** Sets the pixels a segment passes through (DDA, one sample per pixel step). */
function line(
  buf: Uint8Array,
  width: number,
  height: number,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  v: number,
): void {
  const steps = Math.ceil(Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0)));
  for (let s = 0; s <= steps; s++) {
    const t = steps === 0 ? 0 : s / steps;
    const x = Math.floor(x0 + (x1 - x0) * t);
    const y = Math.floor(y0 + (y1 - y0) * t);
    if (x >= 0 && x < width && y >= 0 && y < height) buf[y * width + x] = v;
  }
}

/**
 * The overlay from the exported masks instead (when the export has no GeoJSON): each
 * thumbnail pixel takes the class of the mask pixel under its centre (files streamed row by
 * row); outlines are the class boundaries.
 * @internal
 */
export async function sampleMasks(
  dir: string,
  image: ExportedImage,
  files: readonly string[],
  tiled: boolean,
  width: number,
  height: number,
): Promise<OverlayLayers> {
  const fill = new Uint8Array(width * height);
  await samplePngs(dir, image, files, tiled, width, height, (t, samples, p) => {
    fill[t] = samples[p]!;
  });
  const outline = new Uint8Array(width * height);
  for (let j = 0; j < height; j++) {
    for (let i = 0; i < width; i++) {
      const v = fill[j * width + i]!;
      if (v === 0) continue;
      const edge =
        i === 0 ||
        j === 0 ||
        i === width - 1 ||
        j === height - 1 ||
        fill[j * width + i - 1] !== v ||
        fill[j * width + i + 1] !== v ||
        fill[(j - 1) * width + i] !== v ||
        fill[(j + 1) * width + i] !== v;
      if (edge) outline[j * width + i] = v;
    }
  }
  return { width, height, fill, outline };
}

/**
 * The overlay PNG (RGBA, the thumbnail's size): outlines in the class colour, opaque; the
 * mask in the class colour at 45 % opacity; tile borders dashed black and white; tiles the export did not
 * write darkened. Also counts the filled thumbnail pixels per class.
 * @internal
 */
export function composeOverlay(
  layers: OverlayLayers,
  lut: Uint8Array,
  tiles: readonly OverlayTile[] | undefined,
): { png: Buffer; classPixels: Map<number, number> } {
  const { width, height, fill, outline } = layers;
  const n = width * height;
  const grid = new Uint8Array(n); // 1 tile border, 2 not written
  for (const t of tiles ?? []) {
    if (!t.written) {
      for (let y = t.y0; y < t.y1; y++) grid.fill(2, y * width + t.x0, y * width + t.x1);
    }
  }
  for (const t of tiles ?? []) {
    if (!t.border) continue;
    if (t.x0 > 0) for (let y = t.y0; y < t.y1; y++) grid[y * width + t.x0] = 1;
    if (t.y0 > 0) grid.fill(1, t.y0 * width + t.x0, t.y0 * width + t.x1);
  }
  const png = new PNG({ width, height });
  const data = png.data;
  const classPixels = new Map<number, number>();
  for (let p = 0, o = 0; p < n; p++, o += 4) {
    const f = fill[p]!;
    if (f !== 0) classPixels.set(f, (classPixels.get(f) ?? 0) + 1);
    const e = outline[p]!;
    const g = grid[p]!;
    if (e !== 0) {
      data[o] = lut[3 * e]!;
      data[o + 1] = lut[3 * e + 1]!;
      data[o + 2] = lut[3 * e + 2]!;
      data[o + 3] = 255;
    } else if (g === 1) {
      // Dashed black and white: visible on pale and dark slides alike.
      data.fill(((p % width) + Math.floor(p / width)) & 4 ? 0 : 255, o, o + 3);
      data[o + 3] = 200;
    } else if (f !== 0) {
      data[o] = lut[3 * f]!;
      data[o + 1] = lut[3 * f + 1]!;
      data[o + 2] = lut[3 * f + 2]!;
      data[o + 3] = FILL_ALPHA;
    } else if (g === 2) {
      data.fill(0, o, o + 3);
      data[o + 3] = 130;
    } else {
      data.fill(0, o, o + 4);
    }
  }
  // Filter None and level 6: the overlay is mostly transparent runs (pngjs's adaptive filter costs more than it saves).
  return { png: PNG.sync.write(png, { filterType: 0, deflateLevel: 6 }), classPixels };
}
