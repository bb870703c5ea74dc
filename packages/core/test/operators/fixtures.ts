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
