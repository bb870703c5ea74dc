import type { OperatorFunction } from 'rxjs';
import { repairGeometry } from '../geometry/repair.js';
import type { Feature, WarningSink } from '../pipeline/types.js';
import { warnFeature } from '../pipeline/warn.js';
import { flatMapSync } from './flat-map-sync.js';

/** Options of {@link repair}. */
export interface RepairOptions {
  /**
   * Receives `REPAIRED` (kept, `skipped: false`, the message lists the fixes),
   * `INVALID_GEOMETRY` and `DEGENERATE` (dropped, `skipped: true`).
   */
  onWarning?: WarningSink;
}

/**
 * Makes every feature's geometry valid with {@link repairGeometry} (even-odd semantics, the
 * same repair the writers use): bow-ties and other crossing rings, repeated points, unclosed
 * rings, wrongly nested holes. A changed feature gets a `REPAIRED` warning; a feature that
 * cannot be repaired (`INVALID_GEOMETRY`) or has no area/length left (`DEGENERATE`) is
 * dropped with a warning. Valid features pass through as the same object.
 * @param options - `onWarning`.
 * @throws Errors thrown by `onWarning` become the stream's error.
 * @example
 * ```ts
 * import { repair } from '@cytorx/core';
 * features$.pipe(repair({ onWarning: (w) => report.push(w) }));
 * ```
 */
export function repair(options: RepairOptions = {}): OperatorFunction<Feature, Feature> {
  const { onWarning } = options;
  return flatMapSync((feature: Feature): Feature[] => {
    const result = repairGeometry(feature.geometry);
    if (!result.ok) {
      warnFeature(
        onWarning,
        feature,
        'repair',
        result.code,
        `annotation ${feature.annotationId}: ${result.reason}`,
        true,
      );
      return [];
    }
    if (!result.changed) return [feature];
    warnFeature(
      onWarning,
      feature,
      'repair',
      'REPAIRED',
      `annotation ${feature.annotationId}: ${result.fixes.join('; ')}`,
      false,
    );
    return [{ ...feature, geometry: result.geometry }];
  });
}
