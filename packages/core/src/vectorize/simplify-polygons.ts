import { repairGeometry } from '../geometry/repair.js';
import type { Geometry, Position } from '../pipeline/types.js';
import { simplifyPolygons as douglasPeucker } from '../upload/simplify.js';

/**
 * Douglas–Peucker with `tolerance` on every ring of a region's polygons (holes that collapse
 * are dropped). When the result is not valid (rings crossing, parts overlapping) or a shell
 * collapses, the exact polygons are kept: simplification never makes an invalid geometry.
 * @internal
 */
export function simplifyPolygons(polygons: Position[][][], tolerance: number): Position[][][] {
  const simplified = douglasPeucker(polygons, tolerance);
  if (simplified.length !== polygons.length) return polygons;
  const g: Geometry =
    simplified.length === 1
      ? { type: 'Polygon', coordinates: simplified[0]! }
      : { type: 'MultiPolygon', coordinates: simplified };
  const check = repairGeometry(g);
  return check.ok && !check.changed ? simplified : polygons;
}
