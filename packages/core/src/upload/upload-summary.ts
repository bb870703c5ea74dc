import { CytorxError } from '../errors/cytorx-error.js';
import type { UploadPlan } from './plan-upload.js';
import type { UploadResult, UploadStatus } from './types.js';

/**
 * One line of an upload report. `status` is what happened (`created`, `updated`, `deleted`,
 * `skipped`, `refused`, `failed`), `spared` for a `--replace` candidate the server check kept,
 * or, in a plan (dry run), what would happen: `create`, `update`, `delete`, `skip`.
 */
export interface UploadReportRow {
  label: string;
  status: UploadStatus | 'spared' | 'create' | 'update' | 'delete' | 'skip';
  annotationId?: number;
  reason?: string;
  key?: string;
  notes?: string[];
}

/** How many items ended how (`spared`: `--replace` candidates the server check kept). */
export interface UploadCounts {
  created: number;
  updated: number;
  deleted: number;
  skipped: number;
  refused: number;
  failed: number;
  spared: number;
}

/** Counts of an upload, and its rows. */
export interface UploadSummary extends UploadCounts {
  /** Every item: plan refusals, skips and spared candidates, then the results in arrival order. */
  rows: UploadReportRow[];
  /** Rows that need attention: failures, and refusals the server (not the plan) gave. */
  problems: UploadReportRow[];
}

/**
 * The rows of a plan, for a dry run: the refused, skipped and spared `--replace` candidates,
 * then what would be created, updated and deleted (every one).
 * @param plan - From `planUpload`.
 * @example
 * ```ts
 * import { planRows } from '@cytorx/core';
 * for (const r of planRows(plan)) console.log(r.status, r.label);
 * ```
 */
export function planRows(plan: UploadPlan): UploadReportRow[] {
  return [
    ...settledRows(plan, 'skip'),
    ...plan.create.map((i): UploadReportRow => ({ label: i.label ?? '', status: 'create' })),
    ...plan.update.map(
      (u): UploadReportRow => ({ label: u.label ?? '', status: 'update', annotationId: u.annotationId }),
    ),
    ...plan.delete.map(
      (d): UploadReportRow => ({
        label: d.label ?? '',
        status: 'delete',
        annotationId: d.annotationId,
        reason: d.reason,
      }),
    ),
  ];
}

/** The rows the plan already settles: refusals, skips (as `skip`), spared candidates. */
function settledRows(plan: UploadPlan, skip: 'skip' | 'skipped'): UploadReportRow[] {
  return [
    ...plan.refused.map((r): UploadReportRow => ({ label: r.label, status: 'refused', reason: r.reason })),
    ...plan.skip.map(
      (s): UploadReportRow => ({ label: s.label, status: skip, annotationId: s.annotationId }),
    ),
    ...plan.spared.map(
      (s): UploadReportRow => ({
        label: s.label,
        status: 'spared',
        annotationId: s.annotationId,
        reason: s.reason,
      }),
    ),
  ];
}

/**
 * Tallies the results of `runUpload` for a plan. Feed it each result as it arrives
 * (`add`); `summary()` gives the counts and rows at any time.
 * @example
 * ```ts
 * import { UploadTally, runUpload } from '@cytorx/core';
 * const tally = new UploadTally(plan);
 * runUpload(client, plan, { ledger }).subscribe({ next: (r) => tally.add(r), complete: () => console.log(tally.summary()) });
 * ```
 */
export class UploadTally {
  private readonly rows: UploadReportRow[];
  private readonly planned: number;
  private readonly counts = { created: 0, updated: 0, deleted: 0, skipped: 0, refused: 0, failed: 0 };

  /** @param plan - The plan being run (its refusals, skips and spared candidates are rows too). */
  constructor(plan: UploadPlan) {
    this.rows = settledRows(plan, 'skipped');
    this.planned = plan.refused.length;
    this.counts.refused = plan.refused.length;
    this.counts.skipped = plan.skip.length;
  }

  /** Records one result of `runUpload`; returns its report row. */
  add(r: UploadResult<{ label?: string }>): UploadReportRow {
    const row: UploadReportRow = { label: r.item.label ?? r.key, status: r.status, key: r.key };
    if (r.annotationId !== undefined) row.annotationId = r.annotationId;
    if (r.reason !== undefined) row.reason = r.reason;
    if (r.notes !== undefined) row.notes = r.notes;
    this.rows.push(row);
    this.counts[r.status]++;
    return row;
  }

  /** The counts and rows so far. */
  summary(): UploadSummary {
    const spared = this.rows.filter((r) => r.status === 'spared').length;
    const problems = this.rows.filter(
      (r, i) => r.status === 'failed' || (r.status === 'refused' && i >= this.planned),
    );
    return { ...this.counts, spared, rows: [...this.rows], problems };
  }
}

/**
 * The error an upload ends with, if any: failed items (server or network: rerunning with
 * the same ledger creates only what is missing) give a `CYTORX_NETWORK` error; refused items
 * a plain error. `undefined` when everything went through.
 * @param summary - From {@link UploadTally.summary}.
 * @example
 * ```ts
 * import { uploadError } from '@cytorx/core';
 * const error = uploadError(tally.summary());
 * if (error) throw error;
 * ```
 */
export function uploadError(summary: UploadSummary): Error | undefined {
  if (summary.failed > 0) {
    return new CytorxError(
      'CYTORX_NETWORK',
      `${summary.failed} item(s) failed (server or network); rerun the same command: the ledger makes it create only what is missing`,
    );
  }
  if (summary.refused > 0)
    return new Error(`${summary.refused} item(s) refused (reasons above); fix them or leave them out`);
  return undefined;
}
