import type { Frame, Geometry } from '../pipeline/types.js';

/** One annotation to create. */
export interface UploadItem {
  /** Target image instance id. */
  imageId: number;
  /** GeoJSON geometry in `frame` (default: the operator's `frame`, itself `'image'` by default). */
  geometry: Geometry;
  /** Term ids to attach (may be empty). */
  termIds: readonly number[];
  /** Frame of `geometry`: `'image'` (top-left origin, y down) or `'cytomine'` (bottom-left, y up). */
  frame?: Frame;
  /**
   * Stable identity of the item across runs, used as the ledger key (e.g. the input file and
   * feature id). Default: a hash of image id, sorted term ids and the geometry, plus `#n`
   * for the n-th identical item of the run.
   */
  key?: string;
  /** Where the item comes from, for reports (e.g. `preds.geojson#12`). */
  label?: string;
}

/** One annotation to update (PUT): new geometry for an existing annotation. */
export interface UpdateItem {
  annotationId: number;
  /** The annotation's image (the server reads it from the body). */
  imageId: number;
  geometry: Geometry;
  frame?: Frame;
  label?: string;
}

/** One annotation to delete. */
export interface DeleteItem {
  annotationId: number;
  label?: string;
}

/**
 * What happened to an item:
 * - `created` / `updated` / `deleted`: done (`annotationId` set);
 * - `skipped`: nothing to do: already created by an earlier run (ledger or server listing), or
 *   already absent for a delete;
 * - `refused`: the item cannot be sent or the server refused it (`reason`); resending will not help;
 * - `failed`: the outcome could not be made certain (network/server failure after the
 *   allowed attempts); a rerun with the same ledger settles it.
 */
export type UploadStatus = 'created' | 'updated' | 'deleted' | 'skipped' | 'refused' | 'failed';

/** The outcome for one item, emitted once per input item. */
export interface UploadResult<I = UploadItem> {
  item: I;
  /** Ledger key (creates) or `annotation:{id}` (updates, deletes). */
  key: string;
  status: UploadStatus;
  /** Annotation id on the server (created, updated, deleted, skipped). */
  annotationId?: number;
  /** Why it was refused or failed, in the server's words when it gave some. */
  reason?: string;
  /** Changes made before sending (`repaired (...)`, `clipped to the image`, `simplified ...`). */
  notes?: string[];
}
