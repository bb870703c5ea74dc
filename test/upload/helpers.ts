// Helpers of the upload tests: inputs. (`runInProcess` is in ../cli/run-cli.ts.)
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** An axis-aligned square polygon. */
export const square = (x: number, y: number, s: number) => ({
  type: 'Polygon',
  coordinates: [
    [
      [x, y],
      [x + s, y],
      [x + s, y + s],
      [x, y + s],
      [x, y],
    ],
  ],
});

/** A GeoJSON feature. */
export const feature = (geometry: unknown, properties: Record<string, unknown>, id?: number) => ({
  type: 'Feature',
  ...(id === undefined ? {} : { id }),
  geometry,
  properties,
});

/** A FeatureCollection. */
export const collection = (features: unknown[]) => ({ type: 'FeatureCollection', features });

let n = 0;
/** Writes `value` as JSON to `{home}/case-N/{name}` and returns the path. */
export function writeJson(home: string, name: string, value: unknown): string {
  const dir = join(home, `case-${n++}`);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
}
