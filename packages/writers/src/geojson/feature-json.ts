import { createHash } from 'node:crypto';
import type { ClassMapping, Feature } from '@cytorx/core';

/** Which properties a GeoJSON feature carries: the ATrISys ones, or those plus QuPath's. */
export type GeojsonFlavor = 'default' | 'qupath';

/**
 * One feature as a GeoJSON Feature string. Properties as the ATrISys guide's script writes
 * them (`image_id`, `annotation_id`, `class_id`, `class_name`) plus `term_ids`, `term_names`,
 * `user_id`, `created` (epoch ms, as the server gives it); unknown values are `null`. The
 * QuPath flavour adds `objectType` and `classification` and uses a UUID `id`.
 * @internal
 */
export function featureToJson(
  feature: Feature,
  classes: ClassMapping,
  options: { flavor: GeojsonFlavor; precision?: number | undefined },
): string {
  const a = feature.annotation;
  const properties: Record<string, unknown> = {
    image_id: feature.image.id,
    annotation_id: feature.annotationId,
    class_id: feature.classId ?? null,
    class_name: feature.className ?? null,
    term_ids: feature.termIds,
    term_names: (feature.terms ?? []).map((t) => t.name),
    user_id: a.user ?? null,
    created: a.created ?? null,
  };
  let id: number | string = feature.id;
  if (options.flavor === 'qupath') {
    id = featureUuid(feature.id);
    properties.objectType = 'annotation';
    const name = feature.className ?? feature.terms?.[0]?.name;
    if (name !== undefined) {
      const color = rgb(classColor(feature, classes));
      properties.classification = color === undefined ? { name } : { name, color };
    }
  }
  const geometry =
    options.precision === undefined
      ? JSON.stringify(feature.geometry)
      : JSON.stringify(feature.geometry, rounder(options.precision));
  return `{"type":"Feature","id":${JSON.stringify(id)},"geometry":${geometry},"properties":${JSON.stringify(properties)}}`;
}

/**
 * A stable RFC 4122-shaped UUID (version 5 layout, SHA-1 of `cytorx:feature:{id}`), so the
 * same annotation gets the same QuPath object id on every export.
 * @internal
 */
export function featureUuid(id: number): string {
  const h = createHash('sha1').update(`cytorx:feature:${id}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function classColor(feature: Feature, classes: ClassMapping): string | undefined {
  const def =
    feature.classId === undefined ? undefined : classes.classes.find((c) => c.id === feature.classId);
  return def?.color ?? feature.terms?.[0]?.color;
}

/** `#RRGGBB` (or `#RGB`) to `[r, g, b]`, as QuPath reads `classification.color`. */
function rgb(hex: string | undefined): [number, number, number] | undefined {
  if (typeof hex !== 'string') return undefined;
  let m = /^#?([0-9a-f]{6})$/i.exec(hex.trim())?.[1];
  if (m === undefined) {
    const short = /^#?([0-9a-f]{3})$/i.exec(hex.trim())?.[1];
    if (short === undefined) return undefined;
    m = [...short].map((c) => c + c).join('');
  }
  const n = Number.parseInt(m, 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function rounder(digits: number): (key: string, value: unknown) => unknown {
  const f = 10 ** digits;
  return (_key, value) => (typeof value === 'number' ? Math.round(value * f) / f : value);
}
