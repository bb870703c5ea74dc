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
import { identity, map, type Observable, type OperatorFunction, tap, toArray } from 'rxjs';

/** What {@link imageFeatures} needs besides the image. @internal */
export interface ImagePipelineOptions {
  client: CytomineClient;
  /** Server-side filters (terms, users, reviewed, afterThan); `image` is set per image. */
  query: Omit<AnnotationQuery, 'image' | 'project' | 'images'>;
  terms: readonly Term[];
  mapping: ClassMapping;
  multiTerm: MultiTermPolicy;
  pageConcurrency?: number;
}

/**
 * The features of one image, composed from the public operators: `listAnnotations` (one image,
 * pages fetched `pageConcurrency` at a time) → `parseWkt` → `toImageSpace` → `resolveTerms` →
 * `mapClasses` → `repair` → `clipToImage` → `scale(factor)`, collected and sorted by
 * annotation id (stable: multi-term copies keep their order), so the output never depends on
 * the server's listing order. `onAnnotation` counts what the server sent. Each feature keeps a
 * slim copy of its annotation ({@link SLIM_FIELDS}): the WKT (now the geometry), the URLs and
 * `userByTerm` are dropped, so an image in flight holds less. @internal
 */
export function imageFeatures(
  image: ImageInstance,
  factor: number,
  options: ImagePipelineOptions,
  onWarning: WarningSink,
  onAnnotation: () => void,
): Observable<Feature[]> {
  const { client, query, terms, mapping, multiTerm, pageConcurrency } = options;
  const paging = pageConcurrency === undefined ? {} : { concurrency: pageConcurrency };
  const scaled: OperatorFunction<Feature, Feature> = factor === 1 ? identity : scale(factor);
  return listAnnotations(client, { ...query, image: image.id }, paging)
    .pipe(
      tap(onAnnotation),
      parseWkt({ images: image, onWarning }),
      map(slim),
      toImageSpace(),
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

function slim(feature: Feature): Feature {
  const a = feature.annotation;
  const kept: Annotation = { id: a.id, term: a.term };
  for (const key of SLIM_FIELDS) if (a[key] !== undefined) (kept as Record<string, unknown>)[key] = a[key];
  return { ...feature, annotation: kept };
}

/**
 * The batches writers receive for one image: the whole image (`imageBatch`, also when it has
 * no feature: an empty mask is still a mask), or its tiles, produced lazily. @internal
 */
export function imageBatches(
  image: ImageInstance,
  features: Feature[],
  factor: number,
  tile: TileOptions | undefined,
): Iterable<ImageBatch> {
  const whole = imageBatch(image, features, factor);
  return tile === undefined ? [whole] : tileBatch(whole, tile);
}
