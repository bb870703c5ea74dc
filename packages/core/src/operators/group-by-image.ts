import type { OperatorFunction } from 'rxjs';
import { concat, defer, from, ignoreElements, mergeMap, tap } from 'rxjs';
import { ConfigError } from '../errors/config-error.js';
import type { Feature, ImageBatch } from '../pipeline/types.js';
import type { ImageInstance } from '../resources/types.js';

/**
 * Builds the batch of one whole image: canvas `{ x: 0, y: 0, width: ceil(W·scale),
 * height: ceil(H·scale), scale }`. Use it for images without annotations (an empty mask is
 * still a mask).
 * @param image - The image.
 * @param features - Its features (default none), all at the same scale.
 * @param scale - Canvas scale; default the features' scale, else 1.
 * @throws ConfigError (`CYTORX_CONFIG`) when the features' scales differ from each other or
 * from `scale`, or a feature belongs to another image.
 * @example
 * ```ts
 * import { imageBatch } from '@cytorx/core';
 * imageBatch(image, [], 0.5); // empty batch, canvas of half the image size
 * ```
 */
export function imageBatch(image: ImageInstance, features: Feature[] = [], scale?: number): ImageBatch {
  const s = scale ?? features[0]?.scale ?? 1;
  for (const f of features) {
    if (f.scale !== s) {
      throw new ConfigError(`image ${image.id}: features at scale ${f.scale} and ${s} cannot share a canvas`);
    }
    if (f.image.id !== image.id) {
      throw new ConfigError(`annotation ${f.annotationId} belongs to image ${f.image.id}, not ${image.id}`);
    }
  }
  return {
    image,
    canvas: { x: 0, y: 0, width: Math.ceil(image.width * s), height: Math.ceil(image.height * s), scale: s },
    features,
  };
}

/** Options of {@link groupByImage}. */
export interface GroupByImageOptions {
  /**
   * True (default): features of an image arrive together (as the export pipeline produces
   * them), so a batch is emitted as soon as the next image starts, and memory holds one
   * image. An image that shows up again later is an error. False: everything is buffered
   * until the source completes, then batches come in order of first appearance.
   */
  contiguous?: boolean;
  /**
   * Images to emit a batch for even when no feature arrives for them: at completion, empty
   * batches for those not seen, in this order.
   */
  images?: ReadonlyArray<ImageInstance>;
  /** Scale of those empty batches; default 1. */
  scale?: number;
}

/**
 * Collects features into per-image {@link ImageBatch}es (whole image canvas at the
 * features' scale, features in arrival order) for writers that need a whole image. Pending
 * batches are dropped when the source errors or the subscriber unsubscribes.
 * @param options - See {@link GroupByImageOptions}.
 * @throws ConfigError (`CYTORX_CONFIG`) as the stream's error when, in contiguous mode, an
 * image's features are not contiguous, or the features of an image have mixed scales.
 * @example
 * ```ts
 * import { groupByImage } from '@cytorx/core';
 * features$.pipe(groupByImage({ images })); // one batch per image, empty ones included
 * ```
 */
export function groupByImage(options: GroupByImageOptions = {}): OperatorFunction<Feature, ImageBatch> {
  const contiguous = options.contiguous ?? true;
  const empties = (seen: ReadonlySet<number>): ImageBatch[] =>
    (options.images ?? [])
      .filter((im) => !seen.has(im.id))
      .map((im) => imageBatch(im, [], options.scale ?? 1));

  if (!contiguous) {
    return (source) =>
      defer(() => {
        const groups = new Map<number, { image: ImageInstance; features: Feature[] }>();
        return concat(
          source.pipe(
            tap((f: Feature) => {
              const g = groups.get(f.image.id);
              if (g) g.features.push(f);
              else groups.set(f.image.id, { image: f.image, features: [f] });
            }),
            ignoreElements(),
          ),
          defer(() =>
            from([
              ...[...groups.values()].map((g) => imageBatch(g.image, g.features)),
              ...empties(new Set(groups.keys())),
            ]),
          ),
        );
      });
  }
  return (source) =>
    defer(() => {
      let image: ImageInstance | undefined;
      let features: Feature[] = [];
      const done = new Set<number>();
      const flush = (): ImageBatch[] => {
        if (!image) return [];
        const batch = imageBatch(image, features);
        done.add(image.id);
        image = undefined;
        features = [];
        return [batch];
      };
      return concat(
        source.pipe(
          mergeMap((f: Feature): ImageBatch[] => {
            if (image && f.image.id === image.id) {
              features.push(f);
              return [];
            }
            if (done.has(f.image.id)) {
              throw new ConfigError(
                `groupByImage: features of image ${f.image.id} are not contiguous (annotation ${f.annotationId} came after another image); use { contiguous: false }`,
              );
            }
            const out = flush();
            image = f.image;
            features = [f];
            return out;
          }),
        ),
        defer(() => from([...flush(), ...empties(done)])),
      );
    });
}
