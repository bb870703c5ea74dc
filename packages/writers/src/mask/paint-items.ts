import {
  type Geometry,
  geometryArea,
  type ImageBatch,
  type PipelineWarning,
  type Position,
} from '@cytorx/core';
import type { WriterContext } from '../writer.js';
import type { PaintItem } from './composite.js';

/** Per-image counters of the mask writer (reported in its summary). */
export interface ImageStats {
  masks: number;
  /** Annotations painted. */
  annotations: number;
  /** Annotations skipped with a warning. */
  skipped: number;
  /** Pixels claimed by more than one class. */
  contestedPixels: number;
}

/** Features -> paint items: class value, rings, bounds, area; skipped ones are warned about. */
export function preparePaintItems(
  batch: ImageBatch,
  ctx: WriterContext,
  stats: ImageStats,
  warn: (w: Omit<PipelineWarning, 'stage'>) => void,
): PaintItem[] {
  const { width, height } = batch.canvas;
  const imageId = batch.image.id;
  const items: PaintItem[] = [];
  batch.features.forEach((feature, order) => {
    const annotationId = feature.annotationId;
    const value = feature.classId ?? ctx.classes.unlabeled;
    if (!Number.isInteger(value) || value < 1 || value > 255) {
      stats.skipped++;
      warn({
        code: 'OTHER',
        message: `class id ${value} does not fit an 8-bit mask (1..255)`,
        annotationId,
        imageId,
        skipped: true,
      });
      return;
    }
    const b = polygonalBounds(feature.geometry);
    if (b.invalid !== undefined) {
      stats.skipped++;
      warn({
        code: 'INVALID_GEOMETRY',
        message: `non-finite coordinate (${b.invalid[0]}, ${b.invalid[1]})`,
        annotationId,
        imageId,
        skipped: true,
      });
      return;
    }
    if (!b.hasArea) {
      stats.skipped++;
      warn({
        code: 'DEGENERATE',
        message: `${feature.geometry.type} has no area to paint`,
        annotationId,
        imageId,
        skipped: true,
      });
      return;
    }
    const { minX, maxX, minY, maxY } = b;
    // Conservative row range (snapping moves a vertex by at most 1/512 px).
    const rowMin = Math.max(0, Math.floor(minY) - 1);
    const rowMax = Math.min(height, Math.ceil(maxY) + 1);
    if (rowMin >= rowMax || maxX < -1 || minX > width + 1) return; // entirely outside the canvas
    stats.annotations++;
    items.push({
      geometry: feature.geometry,
      rings: undefined,
      value,
      id: feature.id,
      annotationId,
      order,
      area: Math.abs(geometryArea(feature.geometry)),
      rowMin,
      rowMax,
    });
  });
  return items;
}

interface Bounds {
  minX: number;
  maxX: number;
  minY: number;
  maxY: number;
  /** Some ring has at least 3 vertices. */
  hasArea: boolean;
  /** The first non-finite position, if any. */
  invalid?: Position;
}

/** Bounds of the polygonal parts of a geometry, without copying it. */
function polygonalBounds(geometry: Geometry): Bounds {
  const b: Bounds = {
    minX: Number.POSITIVE_INFINITY,
    maxX: Number.NEGATIVE_INFINITY,
    minY: Number.POSITIVE_INFINITY,
    maxY: Number.NEGATIVE_INFINITY,
    hasArea: false,
  };
  const visitRing = (ring: readonly Position[]) => {
    if (ring.length >= 3) b.hasArea = true;
    for (const p of ring) {
      const x = p[0];
      const y = p[1];
      if (!Number.isFinite(x) || !Number.isFinite(y)) {
        b.invalid ??= p;
        return;
      }
      if (x < b.minX) b.minX = x;
      if (x > b.maxX) b.maxX = x;
      if (y < b.minY) b.minY = y;
      if (y > b.maxY) b.maxY = y;
    }
  };
  const visit = (g: Geometry) => {
    if (g.type === 'Polygon') g.coordinates.forEach(visitRing);
    else if (g.type === 'MultiPolygon') for (const poly of g.coordinates) poly.forEach(visitRing);
    else if (g.type === 'GeometryCollection') g.geometries.forEach(visit);
  };
  visit(geometry);
  return b;
}
