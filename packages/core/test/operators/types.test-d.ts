// Type tests: checked by `tsc -p tsconfig.test.json` (not executed).
import type { Annotation, Feature, ImageBatch } from '@cytorx/core';
import {
  clipToImage,
  groupByImage,
  mapClasses,
  parseWkt,
  repair,
  resolveTerms,
  scale,
  tile,
  toImageSpace,
  zoom,
} from '@cytorx/core';
import type { Observable } from 'rxjs';
import { expectTypeOf } from 'vitest';

declare const annotations$: Observable<Annotation>;

const features$ = annotations$.pipe(
  parseWkt({ images: (id: number) => ({ id, width: 1, height: 1 }) }),
  toImageSpace(),
  resolveTerms([]),
  mapClasses({ terms: [] }),
  repair(),
  clipToImage(),
  scale(0.5),
  zoom(1),
);
expectTypeOf(features$).toEqualTypeOf<Observable<Feature>>();

const batches$ = features$.pipe(groupByImage(), tile({ size: 256, select: { minCoverage: 0.5 } }));
expectTypeOf(batches$).toEqualTypeOf<Observable<ImageBatch>>();

// @ts-expect-error tile() takes ImageBatch, not Feature
features$.pipe(tile({ size: 256 }));
// @ts-expect-error parseWkt needs images
parseWkt({});
