import { ConfigError } from '@cytorx/core';
import type { Rle } from './rle.js';

/**
 * The union of masks given as uncompressed RLE of one size (pycocotools' `merge(rles)` with
 * `intersect=False`, which `annToRLE` applies to the rings of a polygon segmentation), in
 * canonical form: runs alternate starting with 0s, and no run but the first is empty, so two
 * equal masks always have equal `counts`. One input is returned normalised.
 *
 * @param rles - Masks, all `size: [h, w]`.
 * @throws ConfigError `CYTORX_CONFIG` when there is no input or the sizes differ.
 * @example
 * ```ts
 * import { rleMerge } from '@cytorx/writers';
 * rleMerge([{ size: [2, 2], counts: [0, 1, 3] }, { size: [2, 2], counts: [3, 1] }]).counts; // [0, 1, 2, 1]
 * ```
 */
export function rleMerge(rles: readonly Rle[]): Rle {
  const first = rles[0];
  if (first === undefined) throw new ConfigError('rleMerge: no mask to merge');
  const [h, w] = first.size;
  // Runs of 1s as [start, end) pairs in column-major index, from every input.
  const runs: number[] = [];
  for (const rle of rles) {
    if (rle.size[0] !== h || rle.size[1] !== w) {
      throw new ConfigError(`rleMerge: sizes differ (${h}x${w} and ${rle.size[0]}x${rle.size[1]})`);
    }
    let pos = 0;
    for (let j = 0; j < rle.counts.length; j++) {
      const c = rle.counts[j]!;
      if (j % 2 === 1 && c > 0) runs.push(pos, pos + c);
      pos += c;
    }
  }
  let order = Array.from({ length: runs.length / 2 }, (_, i) => i);
  if (rles.length > 1) order = order.sort((a, b) => runs[2 * a]! - runs[2 * b]!);
  const counts: number[] = [];
  let pos = 0; // end of the last run of 1s emitted
  let start = -1;
  let end = -1;
  const emit = () => {
    if (start < 0) return;
    counts.push(start - pos, end - start);
    pos = end;
  };
  for (const i of order) {
    const s = runs[2 * i]!;
    const e = runs[2 * i + 1]!;
    if (start >= 0 && s <= end) end = Math.max(end, e);
    else {
      emit();
      start = s;
      end = e;
    }
  }
  emit();
  if (h * w > pos || counts.length === 0) counts.push(h * w - pos);
  return { size: [h, w], counts };
}
