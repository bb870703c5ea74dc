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
 * fractions with a positive sum (normalised), names from `names` or train/val/test/split4...
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
  if (sum <= 0) throw new ConfigError('split fractions must not all be 0');
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
