import {
  type ClassMapping,
  ConfigError,
  type CytomineClient,
  classMappingToJson,
  defaultClassMapping,
  getProject,
  listImages,
  listTerms,
  parseClassMapping,
} from '@cytorx/core';
import {
  concat,
  defer,
  finalize,
  firstValueFrom,
  from,
  lastValueFrom,
  mergeMap,
  type Observable,
  of,
  toArray,
} from 'rxjs';
import { createOutputDir } from '../fs/output-dir.js';
import { imagesWriter } from '../images/images-writer.js';
import type { Writer, WriterContext } from '../writer.js';
import { alreadyFinished } from './already-finished.js';
import { checkExportOptions, type ExportConfig, resolveTermFilter } from './export-config.js';
import { ExportRun } from './export-run.js';
import type { ExportEvent, ExportOptions } from './export-types.js';
import { jobRunner } from './job-runner.js';
import { lockOutput, type OutputLock } from './output-lock.js';
import { RunState } from './run-state.js';
import { shardImages } from './shard.js';
import { toCytomineBatch } from './tracked-writer.js';
import { zoomFor } from './zoom-for.js';

/** Largest canvas `withImages` fetches for one untiled image (the images writer's default). */
const MAX_IMAGE_PIXELS = 100_000_000;
/**
 * Exports a Cytomine project to a training dataset and reports progress as events. One
 * pipeline of public pieces: project → ontology terms → images (filters, shard) → at most
 * `concurrency` image jobs at a time (each: the image's annotations listed with
 * `listAnnotations`, then `parseWkt` → `toImageSpace` → `resolveTerms` → `mapClasses` →
 * `repair` → `clipToImage` → `scale` → the image's batch or tiles → `writeTo` with the
 * built-in writers; in the calling thread, or in `workers` worker threads) → the images and
 * third-party writers in the calling thread → each image's record → finish (COCO assembled
 * from the images' parts, report.json, manifest.json).
 *
 * Output in `out`: `classes.json`, `geojson/{imageId}.geojson`, `masks/{imageId}_mask.png`,
 * `coco/annotations.json` (or split files), `images/...` (with `withImages`), tiles as
 * `{dir}/{imageId}/{x}_{y}.*`, `report.json` (counts per class and image, every skipped
 * annotation with its reason, contested pixels, writers) and `manifest.json` (what is
 * complete). Every file is written atomically. Nothing in the output depends on timing or
 * concurrency (aggregates are sorted by image id), so a run resumed after a kill (`resume`)
 * produces the same bytes as an uninterrupted one. Memory is bounded by the images in flight.
 *
 * Cold: each subscription runs the export; unsubscribing (or aborting `signal`) stops it, the
 * writers discard incomplete files, and images already recorded stay complete for a resume.
 *
 * @param client - A client from `createClient` (its retries, page size and pool apply).
 * @param options - See {@link ExportOptions}; defaults: formats `geojson,mask`, concurrency 3,
 *   multiTerm `first`, overlap `smaller-on-top`, coords `image`, full resolution, no tiles.
 * @returns Events ({@link ExportEvent}): `start`, per-image progress, files, warnings, `done`.
 * @throws ConfigError `CYTORX_CONFIG` synchronously for invalid options, and as the stream's
 *   error for an unknown term or image, or a resume into a directory written with other
 *   options; `CYTORX_HTTP`/`CYTORX_NETWORK`/`CYTORX_AUTH`/`CYTORX_NOT_FOUND` from the client;
 *   `CYTORX_WRITER` after `done` when a writer failed (unless `errorOnFailure: false`).
 * @example
 * ```ts
 * import { createClient } from '@cytorx/core';
 * import { exportProject } from '@cytorx/writers';
 * import { filter, lastValueFrom } from 'rxjs';
 * const client = createClient({ host, publicKey, privateKey });
 * const done = await lastValueFrom(
 *   exportProject(client, { project: 12, out: './dataset', formats: ['geojson', 'mask', 'coco'] })
 *     .pipe(filter((e) => e.type === 'done')),
 * );
 * console.log(done.summary.report);
 * ```
 */
export function exportProject(client: CytomineClient, options: ExportOptions): Observable<ExportEvent> {
  const config = checkExportOptions(options);
  const extra = options.writers ?? [];
  return defer(() => {
    // The folder's lock, released (synchronously) when the stream ends in any way.
    const held: { lock?: OutputLock } = {};
    return from(prepare(client, config, options, extra, held)).pipe(
      mergeMap((prepared) => {
        const notices = of(...lockNotices(held.lock, config.out));
        return concat(notices, 'finished' in prepared ? of(...prepared.finished) : prepared.run.run());
      }),
      finalize(() => held.lock?.release()),
    );
  });
}

/** A stale lock taken over is said so, as a run warning (stage `lock`). */
function lockNotices(lock: OutputLock | undefined, out: string): ExportEvent[] {
  const stale = lock?.takenOver;
  if (stale === undefined) return [];
  const message = `took over the stale lock of ${out} left by pid ${stale.pid} on ${stale.host} (no longer running)`;
  return [{ type: 'warning', warning: { code: 'OTHER', stage: 'lock', message, skipped: false } }];
}

async function prepare(
  client: CytomineClient,
  config: ExportConfig,
  options: ExportOptions,
  extra: readonly Writer[],
  held: { lock?: OutputLock },
): Promise<{ run: ExportRun } | { finished: ExportEvent[] }> {
  const project = await firstValueFrom(getProject(client, config.project));
  const terms = await lastValueFrom(listTerms(client, { project: project.id }).pipe(toArray()));
  const termIds = config.terms === undefined ? undefined : resolveTermFilter(config.terms, terms);
  const mapping = classMapping(options.classes, options.unlabeled, terms);

  const all = await lastValueFrom(listImages(client, project.id).pipe(toArray()));
  const byId = new Map(all.map((im) => [im.id, im]));
  for (const id of config.images ?? []) {
    if (!byId.has(id)) throw new ConfigError(`image ${id} is not in project ${project.id}`);
  }
  const { shard } = config;
  const chosen = (config.images === undefined ? all : config.images.map((id) => byId.get(id)!)).sort(
    (a, b) => a.id - b.id,
  );
  const partition = chosen.map((im) => im.id);
  const mine = shard === undefined ? undefined : new Set(shardImages(partition, shard));
  const images = chosen.filter((im) => mine === undefined || mine.has(im.id));
  if (config.withImages && config.tile === undefined) {
    for (const im of images) {
      const s = 2 ** -zoomFor(im.width, im.height, config.zoom);
      const px = Math.ceil(im.width * s) * Math.ceil(im.height * s);
      if (px > MAX_IMAGE_PIXELS) {
        throw new ConfigError(
          `image ${im.id} is ${im.width}x${im.height} px: too large to fetch whole (${Math.round(px / 1e6)} Mpx at this zoom, limit ${MAX_IMAGE_PIXELS / 1e6} Mpx); use --tile SIZE, --zoom Z or --max-size N`,
        );
      }
    }
  }

  const out = await createOutputDir(config.out);
  held.lock = await lockOutput(out.root);
  const fingerprint = { host: client.host, ...manifestOptions(config, termIds, mapping, extra) };
  const state = await RunState.open(out, {
    options: fingerprint,
    selected: images.map((im) => im.id),
    shard: shard === undefined ? undefined : { ...shard, images: partition },
    resume: config.resume,
    overwrite: config.overwrite,
  });
  const projectInfo = { id: project.id, name: project.name };
  if (state.finished) return { finished: await alreadyFinished(out.root, projectInfo, images.length) };
  await out.writeFile('classes.json', classMappingToJson(mapping));

  const projectCtx = {
    ...projectInfo,
    ...(typeof project.ontologyName === 'string' ? { ontologyName: project.ontologyName } : {}),
  };
  // A plain context (not createWriterContext's, which keeps every warning): the run routes
  // warnings to their image's record, released with it, so memory does not grow with the project.
  const ctx: WriterContext = {
    out,
    classes: mapping,
    project: projectCtx,
    warn: () => undefined,
    logger: { debug: () => undefined, info: () => undefined },
    signal: options.signal ?? new AbortController().signal,
  };
  // The images writer and third-party writers run in the calling thread, on the jobs' features.
  const here: Writer[] = [];
  if (config.withImages) here.push(imagesWriter({ client }));
  here.push(...extra.map((w) => (config.coords === 'cytomine' ? framedWriter(w) : w)));
  const jobs = jobRunner(
    {
      root: out.root,
      classes: classMappingToJson(mapping),
      project: projectCtx,
      terms,
      multiTerm: config.multiTerm,
      tile: config.tile,
      formats: config.formats,
      overlap: config.overlap,
      split: config.split,
      seed: config.seed,
      coords: config.coords,
      cocoSegmentation: config.cocoSegmentation,
      geojsonFlavor: config.geojsonFlavor,
      withFeatures: here.length > 0,
    },
    config.workers,
  );
  const run = new ExportRun({
    project: projectInfo,
    options: fingerprint,
    images,
    state,
    ctx,
    builtins: config.formats,
    writers: here,
    coco: config.formats.includes('coco') ? { split: config.split, seed: config.seed } : undefined,
    listing: {
      client,
      query: {
        ...(termIds !== undefined ? { terms: termIds } : {}),
        ...(config.users !== undefined ? { users: config.users } : {}),
        ...(config.reviewed ? { reviewed: true } : {}),
        ...(config.after !== undefined ? { afterThan: config.after } : {}),
      },
      ...(options.pageConcurrency !== undefined ? { pageConcurrency: options.pageConcurrency } : {}),
    },
    jobs,
    zoom: config.zoom,
    concurrency: config.concurrency,
    errorOnFailure: options.errorOnFailure ?? true,
  });
  return { run };
}

/** A third-party writer that receives its features back in Cytomine's frame (`coords: 'cytomine'`). */
function framedWriter(writer: Writer): Writer {
  const framed: Writer = {
    name: writer.name,
    write: (batch, ctx) => writer.write(toCytomineBatch(batch), ctx),
    close: (ctx) => writer.close(ctx),
  };
  if (writer.open !== undefined) {
    const open = writer.open.bind(writer);
    framed.open = (ctx) => open(ctx);
  }
  return framed;
}

/** The mapping in force: the given one (with `unlabeled` overriding its own), else the default. */
function classMapping(
  given: ClassMapping | undefined,
  unlabeled: number | undefined,
  terms: Parameters<typeof defaultClassMapping>[0],
): ClassMapping {
  if (given === undefined) return defaultClassMapping(terms, unlabeled === undefined ? {} : { unlabeled });
  return parseClassMapping(unlabeled === undefined ? given : { ...given, unlabeled }, { source: 'classes' });
}

/** The options that shape the output, as recorded in manifest.json and report.json. */
function manifestOptions(
  c: ExportConfig,
  termIds: number[] | undefined,
  mapping: ClassMapping,
  extra: readonly Writer[],
): Record<string, unknown> {
  return {
    project: c.project,
    formats: c.formats,
    images: c.images ?? null,
    terms: termIds ?? null,
    users: c.users ?? null,
    reviewed: c.reviewed,
    after: c.after === undefined ? null : new Date(c.after).toISOString(),
    classes: JSON.parse(classMappingToJson(mapping)) as unknown,
    multiTerm: c.multiTerm,
    overlap: c.overlap,
    coords: c.coords,
    zoom: c.zoom.zoom ?? null,
    maxSize: c.zoom.maxSize ?? null,
    tile: c.tile ?? null,
    withImages: c.withImages,
    split: c.split === undefined ? null : String(c.split),
    seed: c.split === undefined ? null : c.seed,
    cocoSegmentation: c.formats.includes('coco') ? c.cocoSegmentation : null,
    geojsonFlavor: c.formats.includes('geojson') ? c.geojsonFlavor : null,
    writers: extra.map((w) => w.name),
    shard: c.shard === undefined ? null : `${c.shard.index}/${c.shard.count}`,
  };
}
