/** How deep each GeoJSON geometry type nests its coordinates (a position is depth 1). */
const DEPTH: Readonly<Record<string, number>> = {
  Point: 1,
  MultiPoint: 2,
  LineString: 2,
  MultiLineString: 3,
  Polygon: 3,
  MultiPolygon: 4,
};

const SHAPE: Readonly<Record<string, string>> = {
  Point: 'a position [x, y]',
  MultiPoint: 'an array of positions [x, y]',
  LineString: 'an array of positions [x, y]',
  MultiLineString: 'an array of lines, each an array of positions [x, y]',
  Polygon: 'an array of rings, each an array of positions [x, y], e.g. [[[0, 0], [10, 0], [10, 10], [0, 0]]]',
  MultiPolygon: 'an array of polygons, each an array of rings of positions [x, y]',
};

/** Nesting depth of `value` along its first elements (a number is 0); -1 when it cannot tell. */
function depthOf(value: unknown): number {
  let depth = 0;
  let v = value;
  while (Array.isArray(v)) {
    depth++;
    if (v.length === 0) return -1; // empty: the geometry checks say "empty geometry"
    v = v[0];
  }
  return typeof v === 'number' ? depth : -1;
}

function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

/**
 * What is wrong with the `coordinates` of a GeoJSON geometry of type `type`, in words a user can
 * act on, or `undefined` when they have the right nesting and every position is two or three
 * finite numbers. Catches coordinates nested a level too shallow or too deep (a Polygon given
 * one ring instead of an array of rings), which would otherwise surface as "non-finite
 * coordinate". Pure.
 * @param type - the geometry's `type` (an unknown type gives a message too).
 * @param coordinates - its `coordinates`, as parsed from JSON.
 * @returns the problem, e.g. `Polygon coordinates are nested 1 level too shallow: ...`, or undefined.
 * @example
 * ```ts
 * import { coordinatesProblem } from '@cytorx/core';
 * coordinatesProblem('Polygon', [[0, 0], [1, 0], [1, 1], [0, 0]]);
 * // 'Polygon coordinates are nested 1 level too shallow: a Polygon is an array of rings, ...'
 * ```
 */
export function coordinatesProblem(type: string, coordinates: unknown): string | undefined {
  const expected = DEPTH[type];
  if (expected === undefined) return `unsupported geometry type ${JSON.stringify(type)}`;
  const actual = depthOf(coordinates);
  if (actual !== expected && actual > 0) {
    const diff = Math.abs(actual - expected);
    const how = actual < expected ? 'shallow' : 'deep';
    return `${type} coordinates are nested ${diff} level${diff === 1 ? '' : 's'} too ${how}: a ${type} is ${SHAPE[type]}`;
  }
  const walk = (value: unknown, level: number): string | undefined => {
    if (level === 1) {
      const ok =
        Array.isArray(value) &&
        (value.length === 2 || value.length === 3) &&
        value.every((n) => typeof n === 'number' && Number.isFinite(n));
      return ok ? undefined : `${type} has a position that is not 2 or 3 finite numbers: ${describe(value)}`;
    }
    if (!Array.isArray(value))
      return `${type} coordinates are malformed near ${describe(value)}: a ${type} is ${SHAPE[type]}`;
    for (const item of value) {
      const problem = walk(item, level - 1);
      if (problem !== undefined) return problem;
    }
    return undefined;
  };
  return walk(coordinates, expected);
}
