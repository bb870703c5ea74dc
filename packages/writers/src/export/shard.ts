import { createHash } from 'node:crypto';
import { ConfigError } from '@cytorx/core';

/** One shard of a partition of a project's images: shard `index` of `count` (0-based). */
export interface Shard {
  index: number;
  count: number;
}

/**
 * Parses `"I/N"` (0 <= I < N) into a {@link Shard}.
 * @param spec - `"2/8"`, or a {@link Shard} (checked and returned).
 * @throws ConfigError `CYTORX_CONFIG` when it is not `I/N` with integers 0 <= I < N <= 100,000.
 * @example
 * ```ts
 * import { parseShard } from '@cytorx/writers';
 * parseShard('1/4'); // { index: 1, count: 4 }
 * ```
 */
export function parseShard(spec: string | Shard): Shard {
  const m = typeof spec === 'string' ? /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(spec) : null;
  const index = typeof spec === 'string' ? Number(m?.[1]) : spec.index;
  const count = typeof spec === 'string' ? Number(m?.[2]) : spec.count;
  if (
    !Number.isInteger(index) ||
    !Number.isInteger(count) ||
    count < 1 ||
    count > 100_000 ||
    index < 0 ||
    index >= count
  ) {
    throw new ConfigError(`shard must be I/N with 0 <= I < N (e.g. 0/4), got ${JSON.stringify(spec)}`);
  }
  return { index, count };
}

/**
 * The shard an image belongs to: the first 48 bits of SHA-256 of the decimal image id, modulo
 * `count`. A pure function of the id: stable across runs, machines and versions, independent of
 * which other images exist or their order, and well spread even when ids are not consecutive
 * (Cytomine ids come from one sequence shared by every kind of object, so `id mod N` can be
 * badly unbalanced). Every image is in exactly one shard.
 * @param imageId - The Cytomine image id.
 * @param count - Number of shards, >= 1.
 * @example
 * ```ts
 * import { shardOf } from '@cytorx/writers';
 * const mine = images.filter((im) => shardOf(im.id, 4) === 1);
 * ```
 */
export function shardOf(imageId: number, count: number): number {
  const digest = createHash('sha256').update(String(imageId)).digest();
  return digest.readUIntBE(0, 6) % count;
}
