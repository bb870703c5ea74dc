import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { derivedFeatureId, type Geometry, geometryArea } from '@cytorx/core';
import type { PaintItem } from '../mask/composite.js';
import { geometryToRings } from '../raster/geometry-to-rings.js';
import type { ExportedImage } from './read-export.js';
import { tileOrigin } from './thumbnail-source.js';

/** One GeoJSON file's part of a feature, in thumbnail pixels. */
export interface OverlayPiece {
  /** Flat rings `[x0, y0, x1, y1, ...]` in thumbnail pixels (y down). */
  rings: Float64Array[];
  /** Per ring, per edge (vertex k to k+1): 1 when the edge lies on its tile's border (a cut, not an outline). */
  cuts: Uint8Array[] | undefined;
  /** The same rings in canvas pixels of the whole image (tile offset added, y down). */
  canvasRings: Float64Array[];
  /** Canvas rows the piece can touch, `[rowMin, rowMax)`. */
  rowMin: number;
  rowMax: number;
}

/** A feature to paint on the overlay: what the mask painter orders by, plus its pieces. */
export interface OverlayItem extends PaintItem {
  pieces: OverlayPiece[];
}

const NO_GEOMETRY: Geometry = { type: 'GeometryCollection', geometries: [] };

interface GeojsonFeature {
  id?: unknown;
  geometry?: Geometry | null;
  properties?: { class_id?: unknown; annotation_id?: unknown } | null;
}

/**
 * Reads the polygonal features of one image from its GeoJSON files (one, or one per tile,
 * whose coordinates are relative to the tile named `{x}_{y}`), mapped from canvas pixels to
 * thumbnail pixels: `x_thumb = x_canvas · tw / (W·scale)` (and y alike), after undoing the
 * `cytomine` frame (`y = H·scale − y`). A feature cut by tiles becomes one item with a piece
 * per tile; its area (for `smaller-on-top`) is the sum of the pieces'. Features with a class
 * outside 1..255 are left out, as the mask leaves them out. Files are read one at a time.
 * @internal
 */
export async function readOverlayItems(
  dir: string,
  image: ExportedImage,
  files: readonly string[],
  options: { tw: number; th: number; unlabeled: number; coords: 'image' | 'cytomine'; tileSize?: number },
): Promise<OverlayItem[]> {
  const { tw, th, coords, tileSize } = options;
  const canvasW = Math.ceil(image.width * image.scale);
  const canvasH = Math.ceil(image.height * image.scale);
  const kx = tw / (image.width * image.scale);
  const ky = th / (image.height * image.scale);
  const flipH = image.height * image.scale;
  const byKey = new Map<string, OverlayItem>();
  const copies = new Map<number, number>();
  const items: OverlayItem[] = [];
  for (const file of files) {
    const [ox, oy] = tileSize === undefined ? [0, 0] : tileOrigin(file);
    const tileW = tileSize === undefined ? 0 : Math.min(tileSize, canvasW - ox);
    const tileH = tileSize === undefined ? 0 : Math.min(tileSize, canvasH - oy);
    const json = JSON.parse(await readFile(path.join(dir, file), 'utf8')) as { features?: GeojsonFeature[] };
    for (const f of json.features ?? []) {
      if (f.geometry === null || f.geometry === undefined) continue;
      const value = typeof f.properties?.class_id === 'number' ? f.properties.class_id : options.unlabeled;
      if (!Number.isInteger(value) || value < 1 || value > 255) continue;
      const flat = geometryToRings(f.geometry).filter((r) => r.length >= 6);
      if (flat.length === 0) continue;
      const annotationId = typeof f.properties?.annotation_id === 'number' ? f.properties.annotation_id : -1;
      // Pieces of one feature (tiles) share its id: a number, or a UUID (QuPath flavour). The
      // paint order's tie-break needs the number: a UUID's is rebuilt from the annotation id,
      // copy k of a multi-term annotation (in file order) being `derivedFeatureId(id, k)`.
      const key = f.id === undefined || f.id === null ? `#${items.length}` : String(f.id);
      let id = typeof f.id === 'number' ? f.id : annotationId;
      if (typeof f.id === 'string' && !byKey.has(key) && annotationId >= 0) {
        const k = copies.get(annotationId) ?? 0;
        copies.set(annotationId, k + 1);
        id = derivedFeatureId(annotationId, k);
      }
      const piece: OverlayPiece = {
        rings: [],
        cuts: tileSize === undefined ? undefined : [],
        canvasRings: [],
        rowMin: Number.POSITIVE_INFINITY,
        rowMax: Number.NEGATIVE_INFINITY,
      };
      for (const ring of flat) {
        const n = ring.length >> 1;
        const out = new Float64Array(ring.length);
        const abs = new Float64Array(ring.length);
        const cut = piece.cuts === undefined ? undefined : new Uint8Array(n);
        for (let k = 0; k < n; k++) {
          const x = ring[2 * k]!;
          const y = coords === 'cytomine' ? flipH - ring[2 * k + 1]! : ring[2 * k + 1]!;
          abs[2 * k] = x + ox;
          abs[2 * k + 1] = y + oy;
          out[2 * k] = (x + ox) * kx;
          out[2 * k + 1] = (y + oy) * ky;
          if (y + oy < piece.rowMin) piece.rowMin = y + oy;
          if (y + oy > piece.rowMax) piece.rowMax = y + oy;
          if (cut !== undefined) {
            const x2 = ring[(2 * k + 2) % ring.length]!;
            const y2 = ring[(2 * k + 3) % ring.length]!;
            const onX = x === x2 && (x <= 0 || x >= tileW);
            const onY = y === y2 && (y <= 0 || y >= tileH);
            cut[k] = onX || onY ? 1 : 0;
          }
        }
        piece.rings.push(out);
        piece.canvasRings.push(abs);
        if (cut !== undefined) piece.cuts?.push(cut);
      }
      // Conservative rows (snapping moves a vertex by at most 1/512 px).
      piece.rowMin = Math.max(0, Math.floor(piece.rowMin) - 1);
      piece.rowMax = Math.min(canvasH, Math.ceil(piece.rowMax) + 1);
      const area = Math.abs(geometryArea(f.geometry));
      const known = byKey.get(key);
      if (known !== undefined) {
        known.area += area;
        known.pieces.push(piece);
        continue;
      }
      const item: OverlayItem = {
        geometry: NO_GEOMETRY,
        rings: undefined,
        value,
        id,
        annotationId,
        order: items.length,
        area,
        rowMin: 0,
        rowMax: th,
        pieces: [piece],
      };
      byKey.set(key, item);
      items.push(item);
    }
  }
  return items;
}
