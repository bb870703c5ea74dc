import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { CytomineClient, ImageInstance, UploadLedger, UploadTarget } from '@cytorx/core';
import { defineCommand } from '../context.js';
import { UsageError } from '../exit-codes.js';
import { progressMode } from '../export-progress.js';
import { checkIds, checkNumbers, type NumberRule, positiveInteger } from '../options.js';
import { uploadProgressView } from '../upload-progress.js';
import { confirmWideReplace, firstLines, planLines, summaryLine, uploadColumns } from '../upload-view.js';

type Core = typeof import('@cytorx/core');

/**
 * `cytorx upload --project ID --from PATH [--image ID] [--classes FILE] [--coords image|cytomine]
 * [--zoom Z] [--connectivity 4|8] [--simplify PX] [--batch-size N] [--max-batch-bytes N]
 * [--max-vertices N] [--dry-run] [--replace [--replace-from LEDGER...]
 * [--replace-scope ledger|user-terms] [--yes]] [--ledger FILE] [--progress auto|json|none]`.
 */
export const uploadCommand = defineCommand({
  command: 'upload',
  describe:
    'create annotations from GeoJSON, COCO (polygons or RLE) or class-index masks (e.g. model predictions), idempotently, with a ledger',
  builder: (y) =>
    y
      .option('project', { type: 'number', demandOption: true, describe: 'project id' })
      .option('from', {
        type: 'string',
        demandOption: true,
        describe:
          'a GeoJSON file, a folder of {imageId}.geojson, a COCO .json (polygons, RLE, tiled), {imageId}_mask.png masks or a folder of them (tiled: {imageId}/{x}_{y}.png), or an export folder holding masks/',
      })
      .option('image', { type: 'number', describe: 'image of features without an image_id property' })
      .option('classes', {
        type: 'string',
        describe:
          "classes.json mapping class ids (and names) to term ids (default: the export's own, if found)",
      })
      .option('coords', {
        choices: ['image', 'cytomine'] as const,
        default: 'image' as const,
        describe: 'frame of GeoJSON input: image (top-left, y down) or cytomine (bottom-left, y up)',
      })
      .option('zoom', {
        type: 'number',
        describe:
          "masks/COCO written at this zoom level: scaled by 2^zoom back to full resolution (default: the export's manifest, else the level the mask size fits)",
      })
      .option('connectivity', {
        choices: [4, 8] as const,
        default: 8 as const,
        describe: 'masks: pixels of one class touching at a corner are one annotation (8) or not (4)',
      })
      .option('simplify', {
        type: 'number',
        default: 0,
        describe: 'masks: simplify polygons with this error bound in pixels (0: exact pixel edges)',
      })
      .option('batch-size', { type: 'number', default: 100, describe: 'annotations per batch POST' })
      .option('max-batch-bytes', { type: 'number', default: 1_000_000, describe: 'bytes per batch POST' })
      .option('max-vertices', {
        type: 'number',
        default: 2000,
        describe: 'simplify polygons above this vertex count (0: no cap)',
      })
      .option('dry-run', {
        type: 'boolean',
        default: false,
        describe: 'print the plan (every delete included), write nothing',
      })
      .option('replace', {
        type: 'boolean',
        default: false,
        describe:
          'first delete earlier uploads on the input images: what this input created that is no longer in it, and what --replace-from ledgers created (each checked on the server)',
      })
      .option('replace-from', {
        type: 'string',
        array: true,
        describe: 'with --replace: earlier ledgers whose uploads this one replaces',
      })
      .option('replace-scope', {
        choices: ['ledger', 'user-terms'] as const,
        default: 'ledger' as const,
        describe:
          "with --replace: ledger (only what uploads created) or user-terms (also ALL of this user's annotations with the input's terms, hand-drawn ones included; needs --yes or a typed confirmation)",
      })
      .option('yes', { type: 'boolean', default: false, describe: 'confirm --replace-scope user-terms' })
      .option('ledger', {
        type: 'string',
        describe: 'ledger file (default: PATH.cytorx-ledger.jsonl, beside the input)',
      })
      .option('progress', {
        choices: ['auto', 'json', 'none'] as const,
        default: 'auto' as const,
        describe: 'auto: a bar on stderr when it is a terminal; json: one event per line on stdout',
      })
      .check(checkIds('project', 'image'))
      .check(
        checkNumbers({
          'batch-size': positiveInteger(),
          'max-batch-bytes': positiveInteger('number of bytes'),
          'max-vertices': [
            (n) => n === 0 || (Number.isSafeInteger(n) && n >= 4),
            '0 (no cap) or an integer >= 4',
          ],
          zoom: [(n) => Number.isInteger(n) && n >= 0 && n <= 30, 'an integer in 0..30'],
          simplify: [(n) => Number.isFinite(n) && n >= 0, 'a number of px >= 0'],
        } satisfies Record<string, NumberRule>),
      )
      .check((a) => {
        if (!a.replace && (a.replaceFrom !== undefined || a.replaceScope !== 'ledger')) {
          throw new UsageError('--replace-from and --replace-scope need --replace');
        }
        return true;
      }),
  handler: async (args, ctx) => {
    const [core, { readPredictions }, { from, lastValueFrom, tap }] = await Promise.all([
      import('@cytorx/core'),
      import('@cytorx/writers'),
      import('rxjs'),
    ]);
    const cwd = ctx.io.cwd;
    const signal = ctx.io.signal;
    const source = resolve(cwd, args.from);
    const mode = progressMode(args.progress, ctx.io.stderr);
    const view = uploadProgressView(mode, ctx.io);
    const client = await ctx.client();
    // The user first, alone: wrong keys fail on this one request.
    const target = await core.uploadTarget(client, args.project, signal);
    const ledgerPath =
      args.ledger === undefined
        ? `${source.replace(/[/\\]+$/, '')}.cytorx-ledger.jsonl`
        : resolve(cwd, args.ledger);
    const ledger = openTargetLedger(core, ledgerPath, target, args.dryRun, args.ledger === undefined);
    const earlier: UploadLedger[] = [];
    try {
      for (const other of ledger.others()) {
        ctx.message(
          `ledger ${ledgerPath}: ${other.created} entries recorded for ${other.target} do not count for ${core.ledgerTargetKey(target)}`,
        );
      }
      for (const path of args.replaceFrom ?? []) {
        const full = resolve(cwd, path);
        if (!existsSync(full)) throw new core.ConfigError(`--replace-from ${path}: no such ledger file`);
        earlier.push(core.openLedger(full, { readOnly: true, target }));
      }
      const classesPath = args.classes === undefined ? exportClasses(source) : resolve(cwd, args.classes);
      const classes =
        classesPath === undefined
          ? undefined
          : core.parseClassMapping(await readFile(classesPath, 'utf8'), {
              source: args.classes ?? classesPath,
            });
      if (args.classes === undefined && classesPath !== undefined) {
        ctx.message(`classes: ${classesPath} (the export's own; give --classes to use another)`);
      }
      const input = await readPredictions(source, {
        imageSize: imageSizes(core, client, args.project, signal),
        ...(args.image !== undefined ? { imageId: args.image } : {}),
        ...(args.zoom !== undefined ? { zoom: args.zoom } : {}),
        connectivity: args.connectivity,
        simplify: args.simplify,
        ignore: [classes?.background ?? 0, classes?.unlabeled ?? 255],
        onFile: (e) => view.onEvent({ type: 'read', ...e }),
        ...(signal ? { signal } : {}),
      });
      const plan = await core.planUpload(client, {
        project: args.project,
        features: input.features,
        images: input.images,
        frame: args.coords,
        ledger,
        userId: target.user,
        maxVertices: args.maxVertices,
        ...(args.replace ? { replace: { scope: args.replaceScope, from: earlier } } : {}),
        ...(classes ? { classes } : {}),
        ...(signal ? { signal } : {}),
      });
      view.onEvent({
        type: 'plan',
        create: plan.create.length,
        update: plan.update.length,
        delete: plan.delete.length,
        skip: plan.skip.length,
        refused: plan.refused.length,
        spared: plan.spared.length,
      });
      view.finish();
      ctx.message(`read ${input.features.length} features from ${args.from} (${input.kind})`);
      for (const line of planLines(plan, args.dryRun)) ctx.message(line);
      const printRows = ctx.format !== 'table' && mode !== 'json';
      if (args.dryRun) {
        if (printRows) await ctx.print(from(core.planRows(plan)), uploadColumns);
        ctx.message('dry run: nothing was sent');
        if (plan.refused.length > 0)
          throw new Error(
            `${plan.refused.length} item(s) refused (reasons above); fix them or leave them out`,
          );
        return;
      }
      if (args.replace && args.replaceScope === 'user-terms' && plan.delete.length > 0) {
        await confirmWideReplace(ctx, plan, target, args.yes);
      }
      const tally = new core.UploadTally(plan);
      await lastValueFrom(
        core
          .runUpload(client, plan, {
            ledger,
            batchSize: args.batchSize,
            maxBatchBytes: args.maxBatchBytes,
            maxVertices: args.maxVertices,
            frame: args.coords,
            onBatch: (items) => view.onEvent({ type: 'batch', items }),
            ...(signal ? { signal } : {}),
          })
          .pipe(tap((r) => view.onEvent({ type: 'item', ...tally.add(r) }))),
        { defaultValue: undefined },
      );
      const summary = tally.summary();
      const { rows: _rows, problems: _problems, ...counts } = summary;
      view.onEvent({ type: 'done', ...counts });
      view.finish();
      if (printRows) await ctx.print(from(summary.rows), uploadColumns);
      ctx.message(summaryLine(summary, ledgerPath));
      for (const line of firstLines(
        summary.problems.map((r) => `  ${r.status} ${r.label}: ${r.reason ?? ''}`),
      ))
        ctx.message(line);
      const error = core.uploadError(summary);
      if (error) throw error;
    } finally {
      view.finish();
      ledger.close();
      for (const l of earlier) l.close();
    }
  },
});

/** The classes.json of the export the input comes from (beside its manifest.json), if any. */
function exportClasses(source: string): string | undefined {
  for (const dir of [source, dirname(source), dirname(dirname(source))]) {
    if (existsSync(join(dir, 'manifest.json')) && existsSync(join(dir, 'classes.json')))
      return join(dir, 'classes.json');
  }
  return undefined;
}

/** Image sizes for mask reading: the project's images, listed once. */
function imageSizes(
  core: Core,
  client: CytomineClient,
  project: number,
  signal: AbortSignal | undefined,
): (id: number) => Promise<{ width: number; height: number }> {
  let images: Promise<Map<number, ImageInstance>> | undefined;
  const list = async (): Promise<Map<number, ImageInstance>> => {
    const { lastValueFrom, toArray } = await import('rxjs');
    const all = await lastValueFrom(
      core.listImages(client, project, signal ? { signal } : {}).pipe(toArray()),
    );
    return new Map(all.map((i) => [i.id, i]));
  };
  return async (id) => {
    images ??= list();
    const image = (await images).get(id);
    if (image === undefined)
      throw new core.ConfigError(`image ${id} (named by the input) is not in project ${project}`);
    return image;
  };
}

/** Opens the ledger section of the target; a default path that cannot be written says to use --ledger. */
function openTargetLedger(
  core: Core,
  path: string,
  target: UploadTarget,
  readOnly: boolean,
  isDefault: boolean,
): UploadLedger {
  try {
    return core.openLedger(path, { readOnly, target });
  } catch (error) {
    if (!isDefault || !core.isCytorxError(error, 'CYTORX_CONFIG')) throw error;
    throw new core.ConfigError(
      `${error.message}; the ledger goes beside the input by default: give --ledger FILE in a writable folder`,
      { cause: error },
    );
  }
}
