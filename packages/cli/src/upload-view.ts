/** Text of `cytorx upload`: the plan, the summary, the `--replace-scope user-terms` confirmation. @internal */
import type { UploadPlan, UploadReportRow, UploadSummary, UploadTarget } from '@cytorx/core';
import { canAsk, typedConfirmation } from './confirm.js';
import type { CommandContext } from './context.js';
import { UsageError } from './exit-codes.js';
import type { Column } from './output.js';

/** Columns of the per-item report (`--json` / `--ndjson`, and the table). */
export const uploadColumns: ReadonlyArray<Column<UploadReportRow>> = [
  { header: 'STATUS', value: (r) => r.status },
  { header: 'ID', value: (r) => r.annotationId, align: 'right' },
  { header: 'ITEM', value: (r) => r.label, maxWidth: 40 },
  { header: 'REASON', value: (r) => r.reason, maxWidth: 60 },
];

/** At most `n` lines of a list, then how many more. */
export function firstLines(lines: string[], n = 20): string[] {
  return lines.length <= n ? lines : [...lines.slice(0, n), `  ... and ${lines.length - n} more`];
}

/** The plan: counts, then the deletes and spared candidates (all of them with `all`), then refusals. */
export function planLines(plan: UploadPlan, all: boolean): string[] {
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

/** The closing line. */
export function summaryLine(s: UploadSummary, ledger: string): string {
  return (
    `upload: created ${s.created}, updated ${s.updated}, deleted ${s.deleted}, skipped ${s.skipped}, ` +
    `refused ${s.refused}, failed ${s.failed}${s.spared > 0 ? `, not deleted ${s.spared}` : ''} (ledger ${ledger})`
  );
}

/**
 * `--replace-scope user-terms`: prints the count first, then needs `--yes` or, when stdin and
 * stderr are a terminal, the typed words `delete N`.
 * @throws UsageError when not confirmed.
 */
export async function confirmWideReplace(
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
