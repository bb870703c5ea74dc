/**
 * The emulator's own geometry model (kept apart from @cytorx/core on purpose): flat
 * coordinate arrays `[x0, y0, x1, y1, ...]`, rings closed (first point repeated last).
 */
export type Coords = number[];

/** A geometry as the emulator's WKT parser reads it. */
export type Geometry =
  | { type: 'Point'; coords: Coords }
  | { type: 'LineString'; coords: Coords }
  | { type: 'Polygon'; rings: Coords[] }
  | { type: 'MultiPoint'; points: Coords[] }
  | { type: 'MultiLineString'; lines: Coords[] }
  | { type: 'MultiPolygon'; polygons: Coords[][] };

/** Every coordinate array of a geometry (rings, lines, points). */
export function coordArrays(g: Geometry): Coords[] {
  switch (g.type) {
    case 'Point':
    case 'LineString':
      return [g.coords];
    case 'Polygon':
      return g.rings;
    case 'MultiPoint':
      return g.points;
    case 'MultiLineString':
      return g.lines;
    case 'MultiPolygon':
      return g.polygons.flat();
  }
}

/** Envelope `[minX, minY, maxX, maxY]`; all NaN for an empty geometry. */
export function envelope(g: Geometry): [number, number, number, number] {
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (const c of coordArrays(g)) {
    for (let i = 0; i + 1 < c.length; i += 2) {
      const x = c[i]!;
      const y = c[i + 1]!;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
  }
  if (minX > maxX) return [Number.NaN, Number.NaN, Number.NaN, Number.NaN];
  return [minX, minY, maxX, maxY];
}

/** True when the geometry has no coordinates. */
export function isEmpty(g: Geometry): boolean {
  return coordArrays(g).every((c) => c.length === 0);
}
