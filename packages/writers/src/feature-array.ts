import type { Feature } from '@cytorx/core';
import { from, type OperatorFunction, toArray } from 'rxjs';

/**
 * Runs a synchronous feature operator (such as `toImageSpace()` or `toCytomineSpace()`) over
 * an array and returns its output; the operator's error is thrown. @internal
 */
export function mapFeatures(
  features: readonly Feature[],
  operator: OperatorFunction<Feature, Feature>,
): Feature[] {
  let out: Feature[] | undefined;
  let failure: { error: unknown } | undefined;
  from(features)
    .pipe(operator, toArray())
    .subscribe({
      next: (v) => {
        out = v;
      },
      error: (error: unknown) => {
        failure = { error };
      },
    });
  if (failure !== undefined) throw failure.error;
  if (out === undefined) throw new Error('mapFeatures: the operator is not synchronous');
  return out;
}
