import { ConfigError, type MultiTermPolicy, type Term, type TileOptions } from '@cytorx/core';
import { COCO_SEGMENTATION_MODES, type CocoSegmentationMode } from '../coco/segmentation.js';
import { planSplit } from '../coco/split.js';
import { GEOJSON_FLAVORS, type GeojsonFlavor } from '../geojson/feature-json.js';
import type { OverlapPolicy } from '../mask/composite.js';
import type { ExportFormat, ExportOptions } from './export-types.js';
import { defaultWorkers } from './job-runner.js';
import { parseShard, type Shard } from './shard.js';
import { zoomFor } from './zoom-for.js';

/** {@link ExportOptions} checked, with defaults. @internal */
export interface ExportConfig {
  project: number;
  out: string;
  formats: ExportFormat[];
  images: number[] | undefined;
  terms: ReadonlyArray<number | string> | undefined;
  users: number[] | undefined;
  reviewed: boolean;
  /** Epoch ms. */
  after: number | undefined;
  multiTerm: MultiTermPolicy;
  overlap: OverlapPolicy;
  coords: 'image' | 'cytomine';
  zoom: { zoom?: number; maxSize?: number };
  tile: TileOptions | undefined;
  withImages: boolean;
  split: number[] | string | undefined;
  seed: number;
  cocoSegmentation: CocoSegmentationMode;
  geojsonFlavor: GeojsonFlavor;
  concurrency: number;
  workers: number;
  shard: Shard | undefined;
  resume: boolean;
  overwrite: boolean;
}

const FORMATS: readonly ExportFormat[] = ['geojson', 'mask', 'coco', 'ome-zarr'];
const POLICIES: readonly MultiTermPolicy[] = ['first', 'skip', 'duplicate', 'priority'];
const OVERLAPS: readonly OverlapPolicy[] = ['smaller-on-top', 'order', 'priority'];

/**
 * Checks the options that can be checked without the server.
 * @throws ConfigError `CYTORX_CONFIG` naming the option. @internal
 */
export function checkExportOptions(o: ExportOptions): ExportConfig {
  const fail = (msg: string): never => {
    throw new ConfigError(`export: ${msg}`);
  };
  if (!isId(o.project)) fail(`project must be a positive integer id, got ${String(o.project)}`);
  if (typeof o.out !== 'string' || o.out === '') fail('out must be a directory path');
  const formats: ExportFormat[] = [...new Set<ExportFormat>(o.formats ?? ['geojson', 'mask'])];
  for (const f of formats)
    if (!FORMATS.includes(f)) fail(`unknown format ${JSON.stringify(f)} (${FORMATS.join(', ')})`);
  const ids = (name: string, v: readonly number[] | undefined) => {
    if (v === undefined || v.length === 0) return undefined;
    for (const id of v) if (!isId(id)) fail(`${name} must be positive integer ids, got ${String(id)}`);
    return [...new Set(v)].sort((a, b) => a - b);
  };
  let after: number | undefined;
  if (o.after !== undefined) {
    after =
      o.after instanceof Date
        ? o.after.getTime()
        : typeof o.after === 'number'
          ? o.after
          : Date.parse(o.after);
    if (!Number.isFinite(after))
      fail(`after must be a date (ISO 8601, e.g. 2024-05-01), got ${String(o.after)}`);
  }
  const multiTerm = o.multiTerm ?? 'first';
  if (!POLICIES.includes(multiTerm)) fail(`multiTerm must be one of ${POLICIES.join(', ')}`);
  const overlap = o.overlap ?? 'smaller-on-top';
  if (!OVERLAPS.includes(overlap)) fail(`overlap must be one of ${OVERLAPS.join(', ')}`);
  const coords = o.coords ?? 'image';
  if (coords !== 'image' && coords !== 'cytomine') fail('coords must be image or cytomine');
  const zoom = {
    ...(o.zoom !== undefined ? { zoom: o.zoom } : {}),
    ...(o.maxSize !== undefined ? { maxSize: o.maxSize } : {}),
  };
  zoomFor(1, 1, zoom); // validates
  let tile: TileOptions | undefined;
  if (o.tile !== undefined) {
    tile = { size: o.tile.size, overlap: o.tile.overlap ?? 0, select: o.tile.select ?? 'all' };
    if (tile.select !== 'all' && tile.select !== 'annotated') fail('tile.select must be all or annotated');
    if (coords === 'cytomine')
      fail('coords cytomine cannot be combined with tiles (tile coordinates are image pixels)');
    if (formats.includes('ome-zarr'))
      fail(
        'ome-zarr cannot be combined with tiles: the format is already chunked (use zoom or maxSize for the finest level)',
      );
  }
  if (o.split !== undefined) planSplit(o.split, o.seed, undefined);
  const cocoSegmentation = o.cocoSegmentation ?? 'auto';
  if (!COCO_SEGMENTATION_MODES.includes(cocoSegmentation))
    fail(`cocoSegmentation must be one of ${COCO_SEGMENTATION_MODES.join(', ')}`);
  const geojsonFlavor = o.geojsonFlavor ?? 'default';
  if (!GEOJSON_FLAVORS.includes(geojsonFlavor))
    fail(`geojsonFlavor must be one of ${GEOJSON_FLAVORS.join(', ')}`);
  const concurrency = o.concurrency ?? 3;
  if (!Number.isInteger(concurrency) || concurrency < 1)
    fail(`concurrency must be an integer >= 1, got ${concurrency}`);
  const workers = o.workers ?? defaultWorkers(concurrency);
  if (!Number.isInteger(workers) || workers < 0) fail(`workers must be an integer >= 0, got ${workers}`);
  if (o.pageConcurrency !== undefined && (!Number.isInteger(o.pageConcurrency) || o.pageConcurrency < 1)) {
    fail(`pageConcurrency must be an integer >= 1, got ${o.pageConcurrency}`);
  }
  if (o.resume === true && o.overwrite === true) fail('resume and overwrite cannot be combined');
  return {
    project: o.project,
    out: o.out,
    formats,
    images: ids('images', o.images),
    terms: o.terms === undefined || o.terms.length === 0 ? undefined : o.terms,
    users: ids('users', o.users),
    reviewed: o.reviewed ?? false,
    after,
    multiTerm,
    overlap,
    coords,
    zoom,
    tile,
    withImages: o.withImages ?? false,
    split: o.split,
    seed: o.seed ?? 0,
    cocoSegmentation,
    geojsonFlavor,
    concurrency,
    workers,
    shard: o.shard === undefined ? undefined : parseShard(o.shard),
    resume: o.resume ?? false,
    overwrite: o.overwrite ?? false,
  };
}

/**
 * Resolves `--term` values against the ontology: a number (or digits) is a term id, anything
 * else a term name (exact, else case-insensitive). Returns sorted unique ids.
 * @throws ConfigError `CYTORX_CONFIG` for an unknown id or name, or an ambiguous name. @internal
 */
export function resolveTermFilter(spec: ReadonlyArray<number | string>, terms: readonly Term[]): number[] {
  const known = () => terms.map((t) => `${t.id} ${t.name}`).join(', ');
  const ids = spec.map((s) => {
    if (typeof s === 'number' || /^\d+$/.test(s.trim())) {
      const id = Number(s);
      if (!terms.some((t) => t.id === id)) {
        throw new ConfigError(`term ${id} is not in the project's ontology (terms: ${known()})`);
      }
      return id;
    }
    const exact = terms.filter((t) => t.name === s);
    const matches = exact.length > 0 ? exact : terms.filter((t) => t.name.toLowerCase() === s.toLowerCase());
    if (matches.length === 1) return matches[0]!.id;
    throw new ConfigError(
      matches.length > 1
        ? `term name "${s}" is ambiguous (ids ${matches.map((t) => t.id).join(', ')}); give the id`
        : `no term named "${s}" in the project's ontology (terms: ${known()})`,
    );
  });
  return [...new Set(ids)].sort((a, b) => a - b);
}

function isId(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v > 0;
}
