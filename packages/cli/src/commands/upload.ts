import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { UploadLedger, UploadPlan, UploadReportRow, UploadSummary, UploadTarget } from '@cytorx/core';
import { from, lastValueFrom, tap } from 'rxjs';
import { canAsk, typedConfirmation } from '../confirm.js';
import { type CommandContext, defineCommand } from '../context.js';
import { UsageError } from '../exit-codes.js';
import { checkIds } from '../options.js';
import type { Column } from '../output.js';

const columns: ReadonlyArray<Column<UploadReportRow>> = [
  { header: 'STATUS', value: (r) => r.status },
  { header: 'ID', value: (r) => r.annotationId, align: 'right' },
  { header: 'ITEM', value: (r) => r.label, maxWidth: 40 },
  { header: 'REASON', value: (r) => r.reason, maxWidth: 60 },
];

/** At most `n` lines of a list, then how many more. */
function firstLines(lines: string[], n = 20): string[] {
  return lines.length <= n ? lines : [...lines.slice(0, n), `  ... and ${lines.length - n} more`];
}

function describePlan(plan: UploadPlan, all: boolean): string[] {
  const cap = all ? Number.POSITIVE_INFINITY : 20;
  return [
    `plan: create ${plan.create.length}, update ${plan.update.length}, delete ${plan.delete.length}, ` +
      `skip ${plan.skip.length} (already uploaded), refused ${plan.refused.length}`,
    ...firstLines(
      plan.delete.map((d) => `  delete ${d.annotationId}: ${d.reason}`),
      cap,
    ),
    ...firstLines(
      plan.spared.map((s) => `  not deleted ${s.label}: ${s.reason}`),
      cap,
    ),
    ...firstLines(plan.refused.map((r) => `  refused ${r.label}: ${r.reason}`)),
  ];
}

function summaryLine(s: UploadSummary, ledger: string): string {
  return (
    `upload: created ${s.created}, updated ${s.updated}, deleted ${s.deleted}, skipped ${s.skipped}, ` +
    `refused ${s.refused}, failed ${s.failed}${s.spared > 0 ? `, not deleted ${s.spared}` : ''} (ledger ${ledger})`
  );
}

/**
 * `cytorx upload --project ID --from PATH [--image ID] [--classes FILE] [--coords image|cytomine]
 * [--batch-size N] [--max-batch-bytes N] [--dry-run] [--replace [--replace-from LEDGER...]
 * [--replace-scope ledger|user-terms] [--yes]] [--ledger FILE]`.
 */
export const uploadCommand = defineCommand({
  command: 'upload',
  describe: 'create annotations from GeoJSON or COCO (e.g. model predictions), idempotently, with a ledger',
  builder: (y) =>
    y
      .option('project', { type: 'number', demandOption: true, describe: 'project id' })
      .option('from', {
        type: 'string',
        demandOption: true,
        describe: 'a GeoJSON file, a folder of {imageId}.geojson, or a COCO annotations.json',
      })
      .option('image', { type: 'number', describe: 'image of features without an image_id property' })
      .option('classes', {
        type: 'string',
        describe: 'classes.json mapping class_id (and names) to term ids',
      })
      .option('coords', {
        choices: ['image', 'cytomine'] as const,
        default: 'image' as const,
        describe: 'frame of the input: image (top-left, y down) or cytomine (bottom-left, y up)',
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
          'first delete earlier uploads on the input images: those this input created that are no longer in it, and those of --replace-from ledgers (each checked on the server)',
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
      .check(checkIds('project', 'image', 'batch-size', 'max-batch-bytes'))
      .check((a) => {
        if (!a.replace && (a.replaceFrom !== undefined || a.replaceScope !== 'ledger')) {
          throw new UsageError('--replace-from and --replace-scope need --replace');
        }
        const cap = a.maxVertices as number;
        if (!Number.isSafeInteger(cap) || cap < 0 || (cap > 0 && cap < 4)) {
          throw new UsageError(`--max-vertices must be 0 (no cap) or an integer >= 4, got ${String(cap)}`);
        }
        return true;
      }),
  handler: async (args, ctx) => {
    const core = await import('@cytorx/core');
    const cwd = ctx.io.cwd;
    const signal = ctx.io.signal;
    const source = resolve(cwd, args.from);
    const classes =
      args.classes === undefined
        ? undefined
        : core.parseClassMapping(await readFile(resolve(cwd, args.classes), 'utf8'), {
            source: args.classes,
          });
    const { kind, features } = await core.readUploadSource(
      source,
      args.image === undefined ? {} : { imageId: args.image },
    );
    const client = await ctx.client();
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
      const plan = await core.planUpload(client, {
        project: args.project,
        features,
        frame: args.coords,
        ledger,
        userId: target.user,
        maxVertices: args.maxVertices,
        ...(args.replace ? { replace: { scope: args.replaceScope, from: earlier } } : {}),
        ...(classes ? { classes } : {}),
        ...(signal ? { signal } : {}),
      });
      ctx.message(`read ${features.length} features from ${args.from} (${kind})`);
      for (const line of describePlan(plan, args.dryRun)) ctx.message(line);
      if (args.dryRun) {
        const rows = core.planRows(plan);
        if (ctx.format !== 'table') await ctx.print(from(rows), columns);
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
            ...(signal ? { signal } : {}),
          })
          .pipe(tap((r) => tally.add(r))),
        { defaultValue: undefined },
      );
      const summary = tally.summary();
      if (ctx.format !== 'table') await ctx.print(from(summary.rows), columns);
      ctx.message(summaryLine(summary, ledgerPath));
      for (const line of firstLines(
        summary.problems.map((r) => `  ${r.status} ${r.label}: ${r.reason ?? ''}`),
      ))
        ctx.message(line);
      const error = core.uploadError(summary);
      if (error) throw error;
    } finally {
      ledger.close();
      for (const l of earlier) l.close();
    }
  },
});

/** Opens the ledger section of the target; a default path that cannot be written says to use --ledger. */
function openTargetLedger(
  core: typeof import('@cytorx/core'),
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

/** `--replace-scope user-terms`: the count first, then `--yes` or, on a terminal, a typed confirmation. */
async function confirmWideReplace(
  ctx: CommandContext,
  plan: UploadPlan,
  target: UploadTarget,
  yes: boolean,
): Promise<void> {
  const n = plan.delete.length;
  const images = new Set(plan.delete.map((d) => d.label?.match(/\(image (\d+)\)/)?.[1])).size;
  ctx.message(
    `--replace-scope user-terms: ${n} annotation(s) of user ${target.username} (id ${target.user}) on ${images} image(s) will be deleted, hand-drawn ones included`,
  );
  if (yes) return;
  if (!canAsk(ctx.io)) {
    throw new UsageError(
      `--replace-scope user-terms would delete ${n} annotation(s): add --yes to confirm (review them first with --dry-run)`,
    );
  }
  const expected = `delete ${n}`;
  const ok = await typedConfirmation(
    ctx.io,
    `type "${expected}" to confirm, anything else cancels: `,
    expected,
  );
  if (!ok) throw new UsageError(`not confirmed: nothing was deleted or created (expected "${expected}")`);
}
