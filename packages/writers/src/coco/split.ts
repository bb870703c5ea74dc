import { createHash } from 'node:crypto';
import { ConfigError } from '@cytorx/core';

/** Default names of the parts of a split, in order. */
export const DEFAULT_SPLIT_NAMES: readonly string[] = ['train', 'val', 'test'];

/** A validated split: fractions summing to 1, a name each, and the seed. */
export interface SplitPlan {
  names: string[];
  /** Cumulative upper bounds in (0, 1], last exactly 1. */
  bounds: number[];
  seed: number;
}

/**
 * Validates a split option (`[0.8, 0.1, 0.1]` or `"0.8,0.1,0.1"`): 1 to 10 non-negative
 * fractions summing to 1 (within 1e-6, for decimal rounding), names from `names` or
 * train/val/test/split4...
 * @internal
 */
export function planSplit(split: unknown, seed: unknown, names: unknown): SplitPlan {
  const raw = typeof split === 'string' ? split.split(',').map((s) => Number(s.trim())) : split;
  if (!Array.isArray(raw) || raw.length === 0 || raw.length > 10) {
    throw new ConfigError(`split must be 1 to 10 fractions like 0.8,0.1,0.1, got ${JSON.stringify(split)}`);
  }
  const fractions = raw.map((v: unknown) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new ConfigError(`split fractions must be non-negative numbers, got ${JSON.stringify(split)}`);
    }
    return v;
  });
  const sum = fractions.reduce((a, b) => a + b, 0);
  if (Math.abs(sum - 1) > 1e-6) {
    throw new ConfigError(
      `split fractions must sum to 1, got ${fractions.join(' + ')} = ${Number(sum.toPrecision(12))} (${JSON.stringify(split)})`,
    );
  }
  if (seed !== undefined && (typeof seed !== 'number' || !Number.isSafeInteger(seed))) {
    throw new ConfigError(`seed must be an integer, got ${JSON.stringify(seed)}`);
  }
  let splitNames: string[];
  if (names === undefined) {
    splitNames = fractions.map((_, i) => DEFAULT_SPLIT_NAMES[i] ?? `split${i + 1}`);
  } else {
    const list = typeof names === 'string' ? names.split(',').map((s) => s.trim()) : names;
    if (
      !Array.isArray(list) ||
      list.length !== fractions.length ||
      list.some((n) => typeof n !== 'string' || !/^[\w-]{1,64}$/.test(n)) ||
      new Set(list).size !== list.length
    ) {
      throw new ConfigError(`splitNames must be ${fractions.length} distinct names of [A-Za-z0-9_-]`);
    }
    splitNames = list as string[];
  }
  let acc = 0;
  const bounds = fractions.map((f) => {
    acc += f / sum;
    return acc;
  });
  bounds[bounds.length - 1] = 1;
  return { names: splitNames, bounds, seed: (seed as number | undefined) ?? 0 };
}

/**
 * The split of an image: a pure function of `(seed, imageId)` (SHA-256 of `"{seed}:{imageId}"`
 * mapped to [0, 1)), so an image's split never depends on which other images exist or on the
 * processing order, and shards agree.
 * @internal
 */
export function assignSplit(plan: SplitPlan, imageId: number): string {
  const digest = createHash('sha256').update(`${plan.seed}:${imageId}`).digest();
  const u = digest.readUIntBE(0, 6) / 2 ** 48;
  const i = plan.bounds.findIndex((b) => u < b);
  return plan.names[i === -1 ? plan.names.length - 1 : i]!;
}

/**
 * Images per part of a split, and, when a part got no image, a note saying how the images
 * were assigned (what the COCO assembly reports as a warning). @internal
 */
export function describeSplit(
  plan: SplitPlan,
  assignment: Readonly<Record<string, string>>,
): { counts: Record<string, number>; note: string | undefined } {
  const perSplit = new Map<string, number>();
  for (const part of Object.values(assignment)) perSplit.set(part, (perSplit.get(part) ?? 0) + 1);
  const counts = Object.fromEntries(plan.names.map((n) => [n, perSplit.get(n) ?? 0]));
  const empty = plan.names.filter((n) => !perSplit.has(n));
  if (empty.length === 0) return { counts, note: undefined };
  const total = Object.keys(assignment).length;
  const list = plan.names.map((n) => `${n} ${counts[n]}`).join(', ');
  const files = empty.map((n) => `${n}.json`).join(', ');
  const note =
    `split: ${total} image${total === 1 ? '' : 's'} over ${plan.names.length} parts: ${list}; ` +
    `${files} ${empty.length === 1 ? 'has' : 'have'} no image. Each image goes to the part its seeded hash ` +
    `(SHA-256 of "seed:imageId") falls in, whatever the other images, so parts get whole images in ` +
    `proportion only on average (coco/splits.json lists each image's part)`;
  return { counts, note };
}

/**
 * How the images of an exported split were assigned, from the split option and the
 * `coco/splits.json` the export wrote: `undefined` when every part got an image, else a note
 * giving the images per part and the assignment rule (a part can stay empty when there are
 * fewer images than parts, or a fraction is small).
 *
 * @param split - The split option as given to the export (`[0.8, 0.1, 0.1]` or `"0.8,0.1,0.1"`).
 * @param assignment - `coco/splits.json`: `{ imageId: part }`.
 * @param names - Part names, if not the default `train`, `val`, `test`, `split4`...
 * @throws ConfigError `CYTORX_CONFIG` for an invalid split (see `cocoWriter`'s `split`).
 * @example
 * ```ts
 * import { splitNote } from '@cytorx/writers';
 * splitNote('0.5,0.25,0.25', { 503: 'train' }); // 'split: 1 image over 3 parts: train 1, val 0, test 0; ...'
 * ```
 */
export function splitNote(
  split: number[] | string,
  assignment: Readonly<Record<string, string>>,
  names?: string[] | string,
): string | undefined {
  return describeSplit(planSplit(split, undefined, names), assignment).note;
}
