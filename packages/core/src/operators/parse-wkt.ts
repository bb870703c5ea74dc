import type { OperatorFunction } from 'rxjs';
import wkx from 'wkx';
import { readWkt } from '../geometry/wkt-fast.js';
import type { Feature, Geometry, PipelineWarning, Position, WarningSink } from '../pipeline/types.js';
import type { Annotation, ImageInstance } from '../resources/types.js';
import { flatMapSync } from './flat-map-sync.js';

/** Where {@link parseWkt} finds each annotation's image. */
export type ImageLookup =
  | ImageInstance
  | ReadonlyMap<number, ImageInstance>
  | ((imageId: number) => ImageInstance | undefined);

/** Options of {@link parseWkt}. */
export interface ParseWktOptions {
  /** The image(s) the annotations belong to: one image, a map by id, or a lookup function. */
  images: ImageLookup;
  /** Receives `INVALID_WKT`, `EMPTY_GEOMETRY` and `UNKNOWN_IMAGE` warnings (all `skipped`). */
  onWarning?: WarningSink;
}

const STAGE = 'parseWkt';

function position(raw: unknown): Position | undefined {
  if (!Array.isArray(raw) || raw.length < 2) return undefined;
  const [x, y] = raw as unknown[];
  return typeof x === 'number' && typeof y === 'number' && Number.isFinite(x) && Number.isFinite(y)
    ? [x, y]
    : undefined;
}

function positions(raw: unknown, depth: number): unknown {
  if (!Array.isArray(raw)) return undefined;
  if (depth === 0) return position(raw);
  const out: unknown[] = [];
  for (const item of raw) {
    const v = positions(item, depth - 1);
    if (v === undefined) return undefined;
    out.push(v);
  }
  return out;
}

const DEPTH = {
  Point: 0,
  MultiPoint: 1,
  LineString: 1,
  MultiLineString: 2,
  Polygon: 2,
  MultiPolygon: 3,
} as const;

/**
 * Converts wkx's loose GeoJSON to a checked 2-D {@link Geometry} (z/m dropped). Returns
 * `undefined` on a non-finite coordinate or an unexpected shape.
 */
function toGeometry(raw: unknown): Geometry | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const { type, coordinates, geometries } = raw as {
    type?: unknown;
    coordinates?: unknown;
    geometries?: unknown;
  };
  if (type === 'GeometryCollection') {
    if (!Array.isArray(geometries)) return undefined;
    const members: Geometry[] = [];
    for (const g of geometries) {
      const m = toGeometry(g);
      if (!m) return undefined;
      members.push(m);
    }
    return { type, geometries: members };
  }
  if (typeof type !== 'string' || !(type in DEPTH)) return undefined;
  const coords = positions(coordinates, DEPTH[type as keyof typeof DEPTH]);
  return coords === undefined ? undefined : ({ type, coordinates: coords } as Geometry);
}

function isEmpty(g: Geometry): boolean {
  switch (g.type) {
    case 'Point':
      return false;
    case 'GeometryCollection':
      return g.geometries.every(isEmpty);
    default:
      return g.coordinates.length === 0;
  }
}

function isMap(images: ImageLookup): images is ReadonlyMap<number, ImageInstance> {
  if (images instanceof Map) return true;
  const m = images as { get?: unknown; has?: unknown; id?: unknown };
  return typeof m.get === 'function' && typeof m.has === 'function' && typeof m.id !== 'number';
}

function lookup(images: ImageLookup, id: number | undefined): ImageInstance | undefined {
  if (typeof images === 'function') return id === undefined ? undefined : images(id);
  if (isMap(images)) return id === undefined ? undefined : images.get(id);
  const one = images;
  return id === undefined || id === one.id ? one : undefined;
}

/**
 * Parses each annotation's WKT `location` into a {@link Feature}: GeoJSON
 * geometry in Cytomine's frame (`frame: 'cytomine'`, origin bottom-left, y up), `scale` 1,
 * `id` = `annotationId` = the annotation id, `termIds` from `annotation.term`. Points and lines
 * pass through as such; z/m coordinates are dropped. The usual 2-D grammar is read by a fast
 * built-in reader (property-tested to agree with wkx); anything else (EMPTY, SRID prefixes,
 * errors) goes to wkx, the reference, whose message ends up in the warning.
 *
 * An annotation that cannot be used is dropped with a warning (`skipped: true`) and the
 * stream goes on: missing, malformed or non-finite WKT (`INVALID_WKT`), an `EMPTY` geometry
 * (`EMPTY_GEOMETRY`), an image the lookup does not know (`UNKNOWN_IMAGE`; with a single
 * `ImageInstance`, annotations of another image, while an annotation without `image` is
 * taken to be on it). Synchronous per item; unsubscribing unsubscribes from the source.
 * @param options - `images` (required) and `onWarning`.
 * @throws Errors thrown by the `images` function or by `onWarning` are sent downstream as the
 * stream's error.
 * @example
 * ```ts
 * import { parseWkt, toImageSpace } from '@cytorx/core';
 * annotations$.pipe(parseWkt({ images: imagesById, onWarning: (w) => report.push(w) }), toImageSpace());
 * ```
 */
export function parseWkt(options: ParseWktOptions): OperatorFunction<Annotation, Feature> {
  const { images, onWarning } = options;
  const warn = (
    a: Annotation,
    imageId: number | undefined,
    code: PipelineWarning['code'],
    message: string,
  ) => {
    onWarning?.({
      code,
      stage: STAGE,
      message,
      annotationId: a.id,
      ...(imageId !== undefined ? { imageId } : {}),
      skipped: true,
    });
  };
  return flatMapSync((annotation: Annotation): Feature[] => {
    const image = lookup(images, annotation.image);
    const imageId = annotation.image ?? image?.id;
    if (!image) {
      warn(
        annotation,
        imageId,
        'UNKNOWN_IMAGE',
        `annotation ${annotation.id}: image ${imageId ?? '(none)'} is not known`,
      );
      return [];
    }
    const wktText = annotation.location;
    if (typeof wktText !== 'string' || wktText.trim() === '') {
      warn(
        annotation,
        imageId,
        'INVALID_WKT',
        `annotation ${annotation.id}: no location (list with showWKT=true)`,
      );
      return [];
    }
    let geometry: Geometry | undefined = readWkt(wktText);
    try {
      // Fast path for the usual grammar; wkx (the reference) for everything else and errors.
      geometry ??= toGeometry(wkx.Geometry.parse(wktText).toGeoJSON());
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      warn(
        annotation,
        imageId,
        'INVALID_WKT',
        `annotation ${annotation.id}: malformed WKT (${why}): ${excerpt(wktText)}`,
      );
      return [];
    }
    if (!geometry) {
      warn(
        annotation,
        imageId,
        'INVALID_WKT',
        `annotation ${annotation.id}: WKT with non-finite or missing coordinates: ${excerpt(wktText)}`,
      );
      return [];
    }
    if (isEmpty(geometry)) {
      warn(annotation, imageId, 'EMPTY_GEOMETRY', `annotation ${annotation.id}: empty geometry`);
      return [];
    }
    return [
      {
        id: annotation.id,
        annotationId: annotation.id,
        image,
        geometry,
        frame: 'cytomine',
        scale: 1,
        termIds: Array.isArray(annotation.term) ? [...annotation.term] : [],
        annotation,
      },
    ];
  });
}

const excerpt = (s: string): string => (s.length > 60 ? `${s.slice(0, 57)}...` : s);
