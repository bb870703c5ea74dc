import {
  type Annotation,
  type AnnotationQuery,
  type ClassMapping,
  type CytomineClient,
  clipToImage,
  type Feature,
  type ImageBatch,
  type ImageInstance,
  imageBatch,
  listAnnotations,
  type MultiTermPolicy,
  mapClasses,
  parseWkt,
  repair,
  resolveTerms,
  scale,
  type Term,
  type TileOptions,
  tileBatch,
  toImageSpace,
  type WarningSink,
} from '@cytorx/core';
import { identity, map, type Observable, type OperatorFunction, toArray } from 'rxjs';

/** How annotations become features (everything but the listing). @internal */
export interface FeatureOptions {
  terms: readonly Term[];
  mapping: ClassMapping;
  multiTerm: MultiTermPolicy;
}

/** How an export lists each image's annotations. @internal */
export interface ListingOptions {
  client: CytomineClient;
  /** Server-side filters (terms, users, reviewed, afterThan); `image` is set per image. */
  query: Omit<AnnotationQuery, 'image' | 'project' | 'images'>;
  pageConcurrency?: number;
}

/** The image's annotations as the server lists them (`listAnnotations`, one image). @internal */
export function imageAnnotations(image: ImageInstance, options: ListingOptions): Observable<Annotation> {
  const { client, query, pageConcurrency } = options;
  const paging = pageConcurrency === undefined ? {} : { concurrency: pageConcurrency };
  return listAnnotations(client, { ...query, image: image.id }, paging);
}

/**
 * An image's annotations to its features: `parseWkt` → `toImageSpace` → `resolveTerms` →
 * `mapClasses` → `repair` → `clipToImage` → `scale(factor)`, collected and sorted by
 * annotation id (stable: multi-term copies keep their order), so the output never depends on
 * the server's listing order. Each feature keeps a slim copy of its annotation
 * ({@link SLIM_FIELDS}): the WKT (now the geometry), the URLs and `userByTerm` are dropped, so
 * an image in flight holds less. @internal
 */
export function toImageFeatures(
  image: ImageInstance,
  factor: number,
  options: FeatureOptions,
  onWarning: WarningSink,
): OperatorFunction<Annotation, Feature[]> {
  const { terms, mapping, multiTerm } = options;
  const scaled: OperatorFunction<Feature, Feature> = factor === 1 ? identity : scale(factor);
  return (annotations) =>
    annotations
      .pipe(
        parseWkt({ images: image, onWarning }),
        map(slim),
        toImageSpace({ inPlace: true }),
        resolveTerms(terms, { onWarning }),
        mapClasses({ mapping, multiTerm, onWarning }),
        repair({ onWarning }),
        clipToImage({ onWarning }),
      )
      .pipe(
        scaled,
        toArray(),
        map((features) => features.sort((a, b) => a.annotationId - b.annotationId)),
      );
}

/** The annotation fields features keep during an export. @internal */
export const SLIM_FIELDS = ['image', 'project', 'slice', 'user', 'created', 'updated', 'reviewed'] as const;

/**
 * What {@link toImageFeatures} reads of an annotation: its id, WKT, terms and
 * {@link SLIM_FIELDS} (sent to a worker thread instead of the whole listing item). @internal
 */
export function forFeatures(a: Annotation): Annotation {
  const kept: Annotation = { id: a.id, term: a.term };
  if (a.location !== undefined) kept.location = a.location;
  for (const key of SLIM_FIELDS) if (a[key] !== undefined) (kept as Record<string, unknown>)[key] = a[key];
  return kept;
}

function slim(feature: Feature): Feature {
  const a = feature.annotation;
  const kept: Annotation = { id: a.id, term: a.term };
  for (const key of SLIM_FIELDS) if (a[key] !== undefined) (kept as Record<string, unknown>)[key] = a[key];
  return { ...feature, annotation: kept };
}

/**
 * The batches writers receive for one image: the whole image (`imageBatch`, also when it has
 * no feature: an empty mask is still a mask), or its tiles. `masks` are the batches of the mask
 * writer: the same tiles, but with each feature whole, only translated (`clip: false`; the
 * rasterizer clips to the tile), so its paint order (`smaller-on-top`: the area) comes from
 * whole-image facts and every tile mask is exactly the crop of the untiled mask. Lazy. @internal
 */
export function imageBatches(
  image: ImageInstance,
  features: Feature[],
  factor: number,
  tile: TileOptions | undefined,
): { batches: ImageBatch[]; masks: Iterable<ImageBatch> } {
  const whole = imageBatch(image, features, factor);
  if (tile === undefined) return { batches: [whole], masks: [whole] };
  const batches = [...tileBatch(whole, tile)];
  // The same tiles as the other writers (`annotated` keeps a tile for its clipped features).
  const kept = new Set(batches.map((b) => `${b.tile?.col}/${b.tile?.row}`));
  const select = tile.select === undefined || typeof tile.select === 'object' ? 'all' : tile.select;
  const masks = filterIterable(tileBatch(whole, { ...tile, select, clip: false }), (b) =>
    kept.has(`${b.tile?.col}/${b.tile?.row}`),
  );
  return { batches, masks };
}

function* filterIterable<T>(items: Iterable<T>, keep: (item: T) => boolean): Generator<T> {
  for (const item of items) if (keep(item)) yield item;
}
