import type { Annotation, Feature, Geometry, ImageInstance, Position, Term } from '@cytorx/core';

export const IMG1: ImageInstance = { id: 1, width: 100, height: 50 };
export const IMG2: ImageInstance = { id: 2, width: 40, height: 40 };

export const TERMS: Term[] = [
  { id: 30, name: 'tumour', color: '#ff0000' },
  { id: 10, name: 'stroma', color: '#00ff00' },
  { id: 20, name: 'necrosis', color: '#0000ff' },
];

export function ann(
  id: number,
  image: number | undefined,
  location: string | undefined,
  term: number[] = [],
): Annotation {
  const a: Annotation = { id, term };
  if (image !== undefined) a.image = image;
  if (location !== undefined) a.location = location;
  return a;
}

/** An axis-aligned rectangle polygon, exterior with positive signed area. */
export function rect(x0: number, y0: number, x1: number, y1: number): Geometry {
  return {
    type: 'Polygon',
    coordinates: [
      [
        [x0, y0],
        [x1, y0],
        [x1, y1],
        [x0, y1],
        [x0, y0],
      ],
    ],
  };
}

export function polygon(...rings: Position[][]): Geometry {
  return { type: 'Polygon', coordinates: rings };
}

export function feat(
  id: number,
  image: ImageInstance,
  geometry: Geometry,
  extra: Partial<Feature> = {},
): Feature {
  return {
    id,
    annotationId: id,
    image,
    geometry,
    frame: 'image',
    scale: 1,
    termIds: [],
    annotation: { id, image: image.id, term: extra.termIds ?? [] },
    ...extra,
  };
}

/**
 * The geometry with every ring rotated to start at its smallest vertex (x, then y), direction
 * kept: compares shapes regardless of the starting vertex a clipper picked.
 */
export function canonical(g: Geometry): Geometry {
  const ring = (r: Position[]): Position[] => {
    const open = r.slice(0, -1);
    let best = 0;
    open.forEach((p, i) => {
      const b = open[best]!;
      if (p[0] < b[0] || (p[0] === b[0] && p[1] < b[1])) best = i;
    });
    const rotated = [...open.slice(best), ...open.slice(0, best)];
    return [...rotated, rotated[0]!];
  };
  if (g.type === 'Polygon') return { type: 'Polygon', coordinates: g.coordinates.map(ring) };
  if (g.type === 'MultiPolygon')
    return { type: 'MultiPolygon', coordinates: g.coordinates.map((p) => p.map(ring)) };
  return g;
}
