import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '@cytorx/core';
import type { Manifest, ManifestShard } from '../export/run-state.js';
import { shardImages } from '../export/shard.js';

interface ShardInput {
  input: string;
  shard: ManifestShard;
  status: Manifest['status'];
}

/**
 * Checks that merge inputs coming from `export --shard I/N` runs are exactly the shards of one
 * partition: every input a complete shard, all cut from the same image set into the same
 * count, no shard twice, none missing. Inputs without a manifest (plain COCO files) are not
 * checked, unless mixed with shards. The manifest of a directory input is its `manifest.json`;
 * a file input `DIR/coco/NAME.json` has `DIR/manifest.json`. @internal
 * @throws ConfigError `CYTORX_CONFIG` naming the inputs and the images concerned.
 */
export async function checkShards(inputs: ReadonlyArray<{ input: string; file: string }>): Promise<void> {
  const found = await Promise.all(
    inputs.map(async ({ input, file }) => ({ input, m: await manifestOf(input, file) })),
  );
  const shards: ShardInput[] = found.flatMap(({ input, m }) =>
    m?.shard === undefined ? [] : [{ input, shard: m.shard, status: m.status }],
  );
  if (shards.length === 0) return;
  const fail = (msg: string): never => {
    throw new ConfigError(`coco-merge: ${msg}`);
  };
  const plain = found.filter(({ m }) => m?.shard === undefined).map(({ input }) => input);
  if (plain.length > 0) fail(`${plain.join(', ')} not from an export --shard run, mixed with shards`);
  const first = shards[0]!;
  const name = (s: ShardInput) => `shard ${s.shard.index}/${s.shard.count} (${s.input})`;
  for (const s of shards) {
    if (s.shard.count !== first.shard.count) {
      fail(`${name(s)} and ${name(first)} split the images into different numbers of shards`);
    }
    const diff = setDifference(first.shard.images, name(first), s.shard.images, name(s));
    if (diff !== undefined) {
      fail(
        `the shards were cut from different image sets (${diff}); export every shard again from the same images`,
      );
    }
    if (s.status !== 'complete') fail(`${name(s)} is ${s.status}: finish it with --resume`);
  }
  const byIndex = new Map<number, ShardInput>();
  for (const s of shards) {
    const seen = byIndex.get(s.shard.index);
    if (seen !== undefined)
      fail(`${seen.input} and ${s.input} are both shard ${s.shard.index}/${s.shard.count}`);
    byIndex.set(s.shard.index, s);
  }
  const { count, images } = first.shard;
  const missing = Array.from({ length: count }, (_, index) => index).filter((i) => !byIndex.has(i));
  if (missing.length > 0) {
    const left = missing.flatMap((index) => shardImages(images, { index, count }));
    fail(
      `shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')} missing: images ${list(left)} would be left out`,
    );
  }
}

async function manifestOf(input: string, file: string): Promise<Manifest | undefined> {
  const dir = path.resolve(input) === path.resolve(file) ? path.dirname(path.dirname(file)) : input;
  if (path.resolve(input) === path.resolve(file) && path.basename(path.dirname(file)) !== 'coco')
    return undefined;
  try {
    return JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
}

/** `images 5, 9 only in A; images 12 only in B`, or undefined when the sets are equal. */
function setDifference(
  a: readonly number[],
  nameA: string,
  b: readonly number[],
  nameB: string,
): string | undefined {
  const sa = new Set(a);
  const sb = new Set(b);
  const onlyA = a.filter((id) => !sb.has(id));
  const onlyB = b.filter((id) => !sa.has(id));
  const parts = [];
  if (onlyA.length > 0) parts.push(`images ${list(onlyA)} only in ${nameA}`);
  if (onlyB.length > 0) parts.push(`images ${list(onlyB)} only in ${nameB}`);
  return parts.length === 0 ? undefined : parts.join('; ');
}

function list(ids: readonly number[]): string {
  return ids.length > 20 ? `${ids.slice(0, 20).join(', ')}, ... (${ids.length} in all)` : ids.join(', ');
}
