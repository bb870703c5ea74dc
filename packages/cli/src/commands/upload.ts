import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { UploadPlan } from '@cytorx/core';
import { defineCommand } from '../context.js';
import { checkIds, checkNumbers, positiveInteger } from '../options.js';
import type { Column } from '../output.js';

/** One line of the per-item report (`--json` / `--ndjson`). */
interface Row {
  label: string;
  status: string;
  annotationId?: number;
  reason?: string;
  key?: string;
  notes?: string[];
}

const columns: ReadonlyArray<Column<Row>> = [
  { header: 'STATUS', value: (r) => r.status },
  { header: 'ID', value: (r) => r.annotationId, align: 'right' },
  { header: 'ITEM', value: (r) => r.label, maxWidth: 40 },
  { header: 'REASON', value: (r) => r.reason, maxWidth: 60 },
];

/** At most `n` lines of a list, then how many more. */
function firstLines(lines: string[], n = 20): string[] {
  return lines.length <= n ? lines : [...lines.slice(0, n), `  ... and ${lines.length - n} more`];
}

function describePlan(plan: UploadPlan): string[] {
  const out = [
    `plan: create ${plan.create.length}, update ${plan.update.length}, delete ${plan.delete.length}, ` +
      `skip ${plan.skip.length} (already uploaded), refused ${plan.refused.length}`,
  ];
  out.push(...firstLines(plan.delete.map((d) => `  delete ${d.annotationId}: ${d.reason}`)));
  out.push(...firstLines(plan.refused.map((r) => `  refused ${r.label}: ${r.reason}`)));
  return out;
}

/**
 * `cytorx upload --project ID --from PATH [--image ID] [--classes FILE] [--coords image|cytomine]
 * [--batch-size N] [--max-batch-bytes N] [--dry-run] [--replace] [--ledger FILE]`.
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
        describe: 'simplify polygons above this vertex count',
      })
      .option('dry-run', { type: 'boolean', default: false, describe: 'print the plan, write nothing' })
      .option('replace', {
        type: 'boolean',
        default: false,
        describe: "first delete this user's annotations with the same terms on the target images",
      })
      .option('ledger', { type: 'string', describe: 'ledger file (default: PATH.cytorx-ledger.jsonl)' })
      .check(checkIds('project', 'image'))
      .check(
        checkNumbers({
          'batch-size': positiveInteger(),
          'max-batch-bytes': positiveInteger('number of bytes'),
          'max-vertices': positiveInteger(),
        }),
      ),
  handler: async (args, ctx) => {
    const core = await import('@cytorx/core');
    const { from } = await import('rxjs');
    const cwd = ctx.io.cwd;
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
    const ledgerPath =
      args.ledger === undefined
        ? `${source.replace(/[/\\]+$/, '')}.cytorx-ledger.jsonl`
        : resolve(cwd, args.ledger);
    const ledger = core.openLedger(ledgerPath, { readOnly: args.dryRun });
    try {
      const client = await ctx.client();
      const signal = ctx.io.signal;
      const plan = await core.planUpload(client, {
        project: args.project,
        features,
        frame: args.coords,
        ledger,
        replace: args.replace,
        maxVertices: args.maxVertices,
        ...(classes ? { classes } : {}),
        ...(signal ? { signal } : {}),
      });
      ctx.message(`read ${features.length} features from ${args.from} (${kind})`);
      for (const line of describePlan(plan)) ctx.message(line);
      const rows: Row[] = plan.refused.map((r) => ({ label: r.label, status: 'refused', reason: r.reason }));
      if (args.dryRun) {
        rows.push(
          ...plan.create.map((i) => ({ label: i.label ?? '', status: 'create' })),
          ...plan.update.map((u) => ({
            label: u.label ?? '',
            status: 'update',
            annotationId: u.annotationId,
          })),
          ...plan.delete.map((d) => ({
            label: d.label ?? '',
            status: 'delete',
            annotationId: d.annotationId,
            reason: d.reason,
          })),
          ...plan.skip.map((s) => ({ label: s.label, status: 'skip', annotationId: s.annotationId })),
        );
        if (ctx.format !== 'table') await ctx.print(from(rows), columns);
        ctx.message('dry run: nothing was sent');
      } else {
        const run = core.runUpload(client, plan, {
          ledger,
          batchSize: args.batchSize,
          maxBatchBytes: args.maxBatchBytes,
          maxVertices: args.maxVertices,
          frame: args.coords,
          ...(signal ? { signal } : {}),
        });
        for (const s of plan.skip)
          rows.push({ label: s.label, status: 'skipped', annotationId: s.annotationId });
        await new Promise<void>((done, fail) => {
          run.subscribe({
            next: (r) => {
              const row: Row = { label: r.item.label ?? r.key, status: r.status, key: r.key };
              if (r.annotationId !== undefined) row.annotationId = r.annotationId;
              if (r.reason !== undefined) row.reason = r.reason;
              if (r.notes !== undefined) row.notes = r.notes;
              rows.push(row);
            },
            error: fail,
            complete: done,
          });
        });
        if (ctx.format !== 'table') await ctx.print(from(rows), columns);
        const count = (status: string): number => rows.filter((r) => r.status === status).length;
        ctx.message(
          `upload: created ${count('created')}, updated ${count('updated')}, deleted ${count('deleted')}, ` +
            `skipped ${count('skipped')}, refused ${count('refused')}, failed ${count('failed')} (ledger ${ledgerPath})`,
        );
        const problems = rows.filter(
          (r) =>
            r.status === 'failed' ||
            (r.status === 'refused' && !plan.refused.some((p) => p.label === r.label)),
        );
        for (const line of firstLines(problems.map((r) => `  ${r.status} ${r.label}: ${r.reason ?? ''}`)))
          ctx.message(line);
      }
      const refused = rows.filter((r) => r.status === 'refused').length;
      const failed = rows.filter((r) => r.status === 'failed').length;
      if (failed > 0) {
        throw new core.CytorxError(
          'CYTORX_NETWORK',
          `${failed} item(s) failed (server or network); rerun the same command: the ledger makes it create only what is missing`,
        );
      }
      if (refused > 0)
        throw new Error(`${refused} item(s) refused (reasons above); fix them or leave them out`);
    } finally {
      ledger.close();
    }
  },
});
