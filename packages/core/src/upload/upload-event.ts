import type { UploadCounts, UploadReportRow } from './upload-summary.js';

/**
 * What an upload reports as it goes (`cytorx upload --progress json` prints one per line):
 * - `read`: a file (mask, COCO, GeoJSON) was read and gave `features`;
 * - `plan`: the plan is made (counts of what will be created, updated, deleted, skipped, refused);
 * - `batch`: a batch POST of `items` annotations was sent (a resend counts again);
 * - `item`: one item's outcome (`status` as in the report rows);
 * - `done`: the final counts.
 */
export type UploadEvent =
  | { type: 'read'; file: string; features: number }
  | {
      type: 'plan';
      create: number;
      update: number;
      delete: number;
      skip: number;
      refused: number;
      spared: number;
    }
  | { type: 'batch'; items: number }
  | ({ type: 'item' } & UploadReportRow)
  | ({ type: 'done' } & UploadCounts);
