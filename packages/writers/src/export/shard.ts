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
 * The shard an image belongs to in a partition of `imageIds` into `count` shards: the image's
 * rank among the ids in ascending order, modulo `count`. Balanced (no shard holds more than one
 * image above another) and deterministic, but a function of the whole image set: shards must be
 * cut from the same set, which the export records in each shard's manifest (`shard.images`) and
 * `mergeCoco` checks. (It used to be `shardOf(imageId, count)`, a hash of the id alone, which
 * could leave a shard empty: 8 images in 3 shards gave 3/0/5.)
 * @param imageId - The Cytomine image id; must be in `imageIds`.
 * @param imageIds - Every image id of the partition (any order; duplicates ignored).
 * @param count - Number of shards, >= 1.
 * @throws ConfigError `CYTORX_CONFIG` when `imageId` is not in `imageIds` or `count` < 1.
 * @example
 * ```ts
 * import { shardOf } from '@cytorx/writers';
 * const ids = images.map((im) => im.id);
 * const mine = images.filter((im) => shardOf(im.id, ids, 4) === 1);
 * ```
 */
export function shardOf(imageId: number, imageIds: readonly number[], count: number): number {
  if (!Number.isInteger(count) || count < 1) throw new ConfigError(`shard count must be >= 1, got ${count}`);
  const ids = new Set(imageIds);
  if (!ids.has(imageId)) throw new ConfigError(`image ${imageId} is not in the partitioned image set`);
  let rank = 0;
  for (const id of ids) if (id < imageId) rank++;
  return rank % count;
}

/**
 * The ids of one shard of `imageIds`, ascending: those whose rank is `index` modulo `count`
 * (see {@link shardOf}).
 * @param imageIds - Every image id of the partition (any order; duplicates ignored).
 * @param shard - The shard, e.g. from {@link parseShard}.
 * @example
 * ```ts
 * import { shardImages } from '@cytorx/writers';
 * shardImages([40, 10, 30, 20, 50], { index: 1, count: 2 }); // [20, 40]
 * ```
 */
export function shardImages(imageIds: readonly number[], shard: Shard): number[] {
  const sorted = [...new Set(imageIds)].sort((a, b) => a - b);
  return sorted.filter((_, rank) => rank % shard.count === shard.index);
}
