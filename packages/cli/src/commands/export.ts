import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CytomineClient } from '@cytorx/core';
import type { ExportFormat, ExportSummary, Writer } from '@cytorx/writers';
import { type CommandContext, defineCommand, type GlobalArgs } from '../context.js';
import { UsageError } from '../exit-codes.js';
import {
  progressMode,
  progressView,
  skippedByStage,
  splitAssignmentNote,
  summaryLines,
} from '../export-progress.js';
import { checkFormatFlags } from '../export-usage.js';
import { masksOverPilLimit, pilWarning } from '../large-masks.js';
import { checkIds, checkNumbers, integerAtLeast, positiveInteger } from '../options.js';
import { overviewStep } from '../overview-step.js';

const FORMATS: readonly ExportFormat[] = ['geojson', 'mask', 'coco', 'ome-zarr'];

/**
 * `cytorx export --project ID --out DIR [...]`: a whole project to a training dataset (see
 * `exportProject` in @cytorx/writers). Without any host (flag, env, config file) it exports
 * from an embedded emulator, and says so.
 */
export const exportCommand = defineCommand({
  command: 'export',
  options: ['connection', 'requests', 'paging'],
  describe: 'export a project to GeoJSON, label masks and COCO (resumable, sharded, concurrent)',
  builder: (y) =>
    y
      .option('project', { type: 'number', demandOption: true, describe: 'project id' })
      .option('out', { type: 'string', demandOption: true, describe: 'output directory' })
      .option('format', {
        type: 'string',
        default: 'geojson,mask',
        describe: `outputs, comma-separated: ${FORMATS.join(', ')}`,
      })
      .option('image', { type: 'number', array: true, describe: 'only these image ids' })
      .option('term', {
        type: 'string',
        array: true,
        describe: 'only annotations with these terms (name or id)',
      })
      .option('user', { type: 'number', array: true, describe: 'only annotations by these user ids' })
      .option('reviewed', { type: 'boolean', describe: 'only reviewed annotations' })
      .option('after', { type: 'string', describe: 'only annotations created after this ISO date' })
      .option('classes', {
        type: 'string',
        describe: 'classes.json mapping (default: ontology terms 1..N by id)',
      })
      .option('unlabeled', {
        type: 'number',
        describe: 'class id of annotations without a mapped term (default 255)',
      })
      .option('multi-term', {
        choices: ['first', 'skip', 'duplicate', 'priority'] as const,
        describe:
          'annotations with several terms: first (default: the first term decides), priority (the term whose class comes first in classes.json), skip (left out, in the report), duplicate (one feature per term)',
      })
      .option('overlap', {
        choices: ['smaller-on-top', 'order', 'priority'] as const,
        describe:
          'who is on top where annotations overlap in a mask: smaller-on-top (default; equal areas: higher id on top), order (painted by ascending annotation id: the newest on top), priority (the class listed first in classes.json)',
      })
      .option('coords', {
        choices: ['image', 'cytomine'] as const,
        describe: 'GeoJSON frame: image pixels, y down (default) or Cytomine, y up',
      })
      .option('zoom', { type: 'number', describe: 'downsample by 2^zoom' })
      .option('max-size', { type: 'number', describe: 'downsample each image by a power of two to fit N px' })
      .option('tile', { type: 'number', describe: 'cut images into SIZE x SIZE tiles' })
      .option('tile-overlap', { type: 'number', describe: 'pixels shared by neighbouring tiles (default 0)' })
      .option('tiles', {
        choices: ['all', 'annotated'] as const,
        describe: 'which tiles to write (default all)',
      })
      .option('with-images', {
        type: 'boolean',
        describe: 'also write the image pixels aligned with the masks',
      })
      .option('split', {
        type: 'string',
        describe:
          'COCO split fractions summing to 1, e.g. 0.8,0.1,0.1: whole images, each to the part its seeded hash falls in (needs --format coco)',
      })
      .option('seed', { type: 'number', describe: 'seed of the split (default 0; needs --split)' })
      .option('coco-segmentation', {
        choices: ['auto', 'polygon', 'rle'] as const,
        describe:
          'COCO segmentations. auto (default): polygons only where pycocotools decodes them to exactly the PNG mask pixels, else RLE; polygon: polygons wherever the shape allows (area/bbox as pycocotools decodes them; holes and overlaps stay RLE); rle: every annotation RLE',
      })
      .option('geojson-flavor', {
        choices: ['default', 'qupath'] as const,
        describe:
          'GeoJSON properties. qupath: also objectType, classification {name, color} and a UUID id, as QuPath imports them',
      })
      .option('writer', {
        type: 'string',
        array: true,
        describe:
          'extra writer: a built-in (coco, geojson, mask: to pass them options; ome-zarr: OME-Zarr label pyramids), ./module.js or a package name',
      })
      .option('writer-option', {
        type: 'string',
        array: true,
        describe: 'key=value option for the --writer writers',
      })
      .option('concurrency', {
        type: 'number',
        describe: 'images exported at the same time, and list pages per image (default 3)',
      })
      .option('workers', {
        type: 'number',
        describe:
          'worker threads running image jobs besides the main thread (which lists the annotations and runs a job whenever it has none); default: from 4 cores on, one per extra core, at most concurrency-1; else 0. Same files either way',
      })
      .option('resume', {
        type: 'boolean',
        describe:
          'continue an interrupted export in --out; refused (naming what differs) when it was made with another host, project, filters or options',
      })
      .option('overwrite', {
        type: 'boolean',
        describe:
          'replace the export in --out: remove the files its manifest.json records, then export (other files are never removed). Without it, a non-empty --out that holds no export, or one with other options, is refused',
      })
      .option('overview', {
        type: 'boolean',
        default: true,
        describe: 'write overview.html (masks over slide thumbnails); --no-overview to skip',
      })
      .option('shard', {
        type: 'string',
        describe:
          'export shard I of N (I counts from 0: 0/4 .. 3/4): the selected images sorted by id, image of rank r in shard r mod N, so shard sizes differ by at most one. The manifest records the image set; coco-merge refuses shards cut from different sets, overlapping or missing',
      })
      .option('progress', {
        choices: ['auto', 'json', 'none'] as const,
        default: 'auto' as const,
        describe: 'auto: a bar on stderr when it is a terminal; json: one event per line on stdout',
      })
      .conflicts('zoom', 'max-size')
      .conflicts('resume', 'overwrite')
      .check(checkIds('project', 'image', 'user'))
      .check(
        checkNumbers({
          'max-size': positiveInteger('number of px'),
          tile: positiveInteger('number of px'),
          'tile-overlap': integerAtLeast(0),
          zoom: integerAtLeast(0),
          unlabeled: [(n) => Number.isInteger(n) && n >= 1 && n <= 255, 'an integer class id 1..255'],
          seed: [Number.isSafeInteger, 'an integer'],
          concurrency: integerAtLeast(1),
          workers: integerAtLeast(0),
        }),
      )
      .check((a) => {
        const formats = a.format.split(',').map((s) => s.trim());
        if (a.tile !== undefined && [...formats, ...(a.writer ?? [])].includes('ome-zarr')) {
          throw new UsageError(
            '--tile cannot be used with ome-zarr: OME-Zarr is already chunked (--zoom or --max-size choose its finest level)',
          );
        }
        for (const f of formats) {
          if (!FORMATS.includes(f as ExportFormat)) {
            throw new UsageError(`--format: unknown format "${f}" (${FORMATS.join(', ')})`);
          }
        }
        if (a.tile === undefined && (a['tile-overlap'] !== undefined || a.tiles !== undefined)) {
          throw new UsageError('--tile-overlap and --tiles need --tile SIZE');
        }
        checkFormatFlags(a);
        if (a.shard !== undefined && !/^\d+\/\d+$/.test(a.shard)) {
          throw new UsageError(`--shard must be I/N, e.g. 0/4, got ${a.shard}`);
        }
        return true;
      }),
  handler: async (args, ctx) => {
    const [{ exportProject, resolveWriter }, core, { lastValueFrom, tap, toArray }] = await Promise.all([
      import('@cytorx/writers'),
      import('@cytorx/core'),
      import('rxjs'),
    ]);
    const cwd = ctx.io.cwd;
    const classes =
      args.classes === undefined
        ? undefined
        : core.parseClassMapping(await readFile(resolve(cwd, args.classes), 'utf8'), {
            source: args.classes,
          });
    const writers: Writer[] = [];
    for (const spec of args.writer ?? []) {
      writers.push(await resolveWriter(spec, args.writerOption ?? [], { cwd }));
    }
    const { client, stop } = await connect(args, ctx);
    if (classes !== undefined) {
      try {
        const terms = await lastValueFrom(core.listTerms(client, { project: args.project }).pipe(toArray()));
        core.checkClassTerms(classes, terms, args.classes);
      } catch (e) {
        await stop();
        throw e;
      }
    }
    const view = progressView(progressMode(args.progress, ctx.io.stderr), ctx.io);
    const started = performance.now();
    let summary: ExportSummary | undefined;
    const masks: string[] = [];
    const runWarnings: string[] = []; // warnings about the whole run (e.g. how a split was assigned)
    try {
      const events$ = exportProject(client, {
        project: args.project,
        out: resolve(cwd, args.out),
        formats: args.format.split(',').map((s) => s.trim()) as ExportFormat[],
        ...(args.image !== undefined ? { images: args.image } : {}),
        ...(args.term !== undefined ? { terms: args.term } : {}),
        ...(args.user !== undefined ? { users: args.user } : {}),
        ...(args.reviewed !== undefined ? { reviewed: args.reviewed } : {}),
        ...(args.after !== undefined ? { after: args.after } : {}),
        ...(classes !== undefined ? { classes } : {}),
        ...(args.unlabeled !== undefined ? { unlabeled: args.unlabeled } : {}),
        ...(args.multiTerm !== undefined ? { multiTerm: args.multiTerm } : {}),
        ...(args.overlap !== undefined ? { overlap: args.overlap } : {}),
        ...(args.coords !== undefined ? { coords: args.coords } : {}),
        ...(args.zoom !== undefined ? { zoom: args.zoom } : {}),
        ...(args.maxSize !== undefined ? { maxSize: args.maxSize } : {}),
        ...(args.tile !== undefined
          ? { tile: { size: args.tile, overlap: args.tileOverlap ?? 0, select: args.tiles ?? 'all' } }
          : {}),
        ...(args.withImages !== undefined ? { withImages: args.withImages } : {}),
        ...(args.split !== undefined ? { split: args.split } : {}),
        ...(args.seed !== undefined ? { seed: args.seed } : {}),
        ...(args.cocoSegmentation !== undefined ? { cocoSegmentation: args.cocoSegmentation } : {}),
        ...(args.geojsonFlavor !== undefined ? { geojsonFlavor: args.geojsonFlavor } : {}),
        writers,
        ...(args.concurrency !== undefined ? { concurrency: args.concurrency } : {}),
        ...(args.workers !== undefined ? { workers: args.workers } : {}),
        ...(args.resume !== undefined ? { resume: args.resume } : {}),
        ...(args.overwrite !== undefined ? { overwrite: args.overwrite } : {}),
        ...(args.shard !== undefined ? { shard: args.shard } : {}),
        ...(ctx.io.signal !== undefined ? { signal: ctx.io.signal } : {}),
      });
      await lastValueFrom(
        events$.pipe(
          tap((e) => {
            view.onEvent(e);
            if (e.type === 'file' && e.writer === 'mask') masks.push(e.path);
            if (e.type === 'warning' && e.warning.stage === 'lock')
              ctx.message(`warning: ${e.warning.message}`);
            if (e.type === 'done') summary = e.summary;
            if (e.type === 'warning' && e.warning.imageId === undefined) runWarnings.push(e.warning.message);
          }),
        ),
        { defaultValue: undefined },
      );
      if (args.overview) await overviewStep(resolve(cwd, args.out), client, ctx);
    } finally {
      view.finish();
      if (summary !== undefined) {
        const seconds = (performance.now() - started) / 1000;
        const byStage = await skippedByStage(summary.report);
        for (const line of summaryLines(summary, seconds, byStage)) ctx.message(line);
        const note =
          args.split === undefined ? undefined : await splitAssignmentNote(summary.out, args.split);
        if (note !== undefined && !runWarnings.includes(note)) runWarnings.push(note);
        for (const message of runWarnings) ctx.message(`  warning: ${message}`);
        const over = await masksOverPilLimit(summary.out, masks);
        if (over.length > 0) ctx.message(pilWarning(over));
      }
      await stop();
    }
  },
});

/**
 * The client: the configured server, or, when no host is configured anywhere (flag, env,
 * config file), an embedded emulator serving the demo dataset (the one `cytorx emulator`
 * and `cytorx demo` serve).
 */
async function connect(
  args: GlobalArgs,
  ctx: CommandContext,
): Promise<{ client: CytomineClient; stop: () => Promise<void> }> {
  if (await hostConfigured(args, ctx)) return { client: await ctx.client(), stop: async () => undefined };
  const { startEmulator } = await import('@cytorx/emulator');
  const emulator = await startEmulator({ port: 0, dataset: { seed: 42 } });
  ctx.message(
    `cytorx export: no --host, CYTOMINE_HOST or config file: exporting from an embedded Cytomine emulator at ${emulator.url} (generated demo data; its slides are large, try --max-size 4096)`,
  );
  const client = await ctx.client({
    host: emulator.url,
    auth: 'hmac',
    publicKey: emulator.publicKey,
    privateKey: emulator.privateKey,
  });
  return { client, stop: () => emulator.close() };
}

async function hostConfigured(args: GlobalArgs, ctx: CommandContext): Promise<boolean> {
  if (args.host !== undefined && args.host !== '') return true;
  const env = ctx.io.env.CYTOMINE_HOST;
  if (env !== undefined && env !== '') return true;
  if (args.config !== undefined) return true; // an explicit file: let the connection report its problems
  // Loaded here, not at the top: it loads @cytorx/core, which `cytorx --help` does not need.
  const { defaultConfigPath, readConfigFile } = await import('../connection.js');
  try {
    const file = readConfigFile(defaultConfigPath(ctx.io.env, ctx.io.home), process.platform);
    return file?.host !== undefined && file.host !== '';
  } catch {
    return true; // an unsafe or invalid config file is reported by ctx.client()
  }
}
