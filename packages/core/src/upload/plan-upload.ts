import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import type { CytomineClient } from '../client/types.js';
import type { ClassMapping, Frame } from '../pipeline/types.js';
import { currentUser } from '../resources/current-user.js';
import { listImages } from '../resources/images.js';
import { listTerms } from '../resources/terms.js';
import type { ImageInstance, Term } from '../resources/types.js';
import { contentKey } from './create-annotations.js';
import type { UploadLedger } from './ledger.js';
import { planReplace, type ReplaceOptions, type SparedAnnotation } from './plan-replace.js';
import { prepareGeometry } from './prepare-geometry.js';
import type { SourceFeature } from './read-upload-source.js';
import type { DeleteItem, UpdateItem, UploadItem } from './types.js';

/** An item the plan will not send, with the reason. */
export interface PlanRefusal {
  label: string;
  reason: string;
}

/** What an upload will do; nothing has been written yet. */
export interface UploadPlan {
  project: number;
  userId: number;
  /** Images of the project, by id (only those the features target). */
  images: Map<number, ImageInstance>;
  create: UploadItem[];
  /** Features already uploaded whose geometry changed (same key and terms): PUT. */
  update: Array<UpdateItem & { key: string; hash: string; termIds: number[] }>;
  /** `--replace` deletions, and earlier uploads whose terms changed. */
  delete: Array<DeleteItem & { reason: string }>;
  /** Already uploaded and unchanged (ledger). */
  skip: Array<{ label: string; annotationId: number }>;
  refused: PlanRefusal[];
  /** `--replace` candidates the server check spared (absent, another user's, edited terms...). */
  spared: SparedAnnotation[];
}

/** Options of {@link planUpload}. */
export interface PlanUploadOptions {
  project: number;
  features: readonly SourceFeature[];
  /** `classes.json` mapping, for `class_id` (and `class_name`) to terms. */
  classes?: ClassMapping;
  /** Frame of the features' coordinates (default `'image'`). */
  frame?: Frame;
  /** The ledger of this input, opened for this target (see `openLedger`). */
  ledger: UploadLedger;
  /**
   * Delete earlier uploads on the input's images first (see {@link ReplaceOptions}; default:
   * no deletion). Only annotations an upload created unless `scope` is `'user-terms'`.
   */
  replace?: ReplaceOptions;
  /**
   * Images the input covers even where it has no feature (e.g. an empty mask): `replace`
   * applies to them too. Default: the images of the features.
   */
  images?: readonly number[];
  /** Id of the user the client authenticates as (default: fetched first, alone). */
  userId?: number;
  /** Vertex cap used by the geometry check (default 2000; 0: none). */
  maxVertices?: number;
  signal?: AbortSignal;
}

function termsFor(
  f: SourceFeature,
  byName: Map<string, Term>,
  classes: ClassMapping | undefined,
): number[] | string {
  if (f.termIds !== undefined && f.termIds.length > 0) return f.termIds;
  if (classes !== undefined && f.classId !== undefined) {
    if (f.classId === classes.background || f.classId === classes.unlabeled) {
      return `class ${f.classId} is ${f.classId === 0 ? 'background' : 'unlabeled'}: nothing to upload`;
    }
    const c = classes.classes.find((x) => x.id === f.classId);
    if (c) return c.termIds;
    return `unknown class_id ${f.classId} (not in the classes file)`;
  }
  if (f.className !== undefined) {
    const c = classes?.classes.find((x) => x.name === f.className);
    if (c) return c.termIds;
    const term = byName.get(f.className) ?? byName.get(f.className.toLowerCase());
    if (term) return [term.id];
    return `unknown class "${f.className}" (no term of that name in the project's ontology)`;
  }
  if (f.classId !== undefined) return `class_id ${f.classId} needs --classes FILE to be mapped to terms`;
  return [];
}

const sameTerms = (a: readonly number[] | undefined, b: readonly number[]): boolean =>
  a !== undefined && a.length === b.length && [...a].sort().join(',') === [...b].sort().join(',');

/**
 * Plans an upload without writing anything: resolves each feature's image (it must belong to
 * the project) and terms (`term_ids`, or `class_id` through `classes`, or `class_name` as a
 * term name of the project's ontology), checks its geometry as the upload will, consults the
 * ledger (unchanged features are skipped; changed geometry is an update; changed terms are a
 * delete plus a create) and, with `replace`, plans the deletion of earlier uploads on the
 * input's images (see {@link ReplaceOptions}), each checked against the server. The current
 * user is fetched first and alone (unless known), so wrong keys fail on one request.
 * @param client - A client from `createClient`.
 * @param options - See {@link PlanUploadOptions}.
 * @returns The plan: `create`, `update`, `delete`, `skip`, `refused` (with reasons).
 * @throws The client's errors (`CYTORX_NOT_FOUND` for an unknown project, `CYTORX_AUTH`, ...).
 * @example
 * ```ts
 * import { openLedger, planUpload, readUploadSource } from '@cytorx/core';
 * const { features } = await readUploadSource('preds.geojson', { imageId: 12 });
 * const plan = await planUpload(client, { project: 7, features, ledger: openLedger() });
 * console.log(plan.create.length, plan.refused);
 * ```
 */
export async function planUpload(client: CytomineClient, options: PlanUploadOptions): Promise<UploadPlan> {
  const frame = options.frame ?? 'image';
  // The user first and alone: wrong keys fail on this one request.
  const userId =
    options.userId ?? options.ledger.target?.user ?? (await firstValueFrom(currentUser(client))).id;
  const [terms, images] = await Promise.all([
    lastValueFrom(listTerms(client, { project: options.project }).pipe(toArray())),
    lastValueFrom(listImages(client, options.project).pipe(toArray())),
  ]);
  const byName = new Map<string, Term>();
  for (const t of terms) {
    byName.set(t.name, t);
    if (!byName.has(t.name.toLowerCase())) byName.set(t.name.toLowerCase(), t);
  }
  const projectImages = new Map(images.map((i) => [i.id, i]));
  const plan: UploadPlan = {
    project: options.project,
    userId,
    images: new Map(),
    create: [],
    update: [],
    delete: [],
    skip: [],
    refused: [],
    spared: [],
  };
  const ledger = options.ledger;
  const seen = new Map<string, number>();
  const termsByImage = new Map<number, Set<number>>();
  const keys = new Set<string>();
  for (const f of options.features) {
    const refuse = (reason: string): void => {
      plan.refused.push({ label: f.label, reason });
    };
    if (f.problem !== undefined || f.geometry === undefined) {
      refuse(f.problem ?? 'no geometry');
      continue;
    }
    if (f.imageId === undefined) {
      refuse('no image: give --image ID or an image_id property');
      continue;
    }
    const image = projectImages.get(f.imageId);
    if (!image) {
      refuse(`image ${f.imageId} is not in project ${options.project}`);
      continue;
    }
    const termIds = termsFor(f, byName, options.classes);
    if (typeof termIds === 'string') {
      refuse(termIds);
      continue;
    }
    const checked = prepareGeometry(f.geometry, image, { frame, maxVertices: options.maxVertices ?? 2000 });
    if (!checked.ok) {
      refuse(checked.reason);
      continue;
    }
    plan.images.set(image.id, image);
    const item: UploadItem = { imageId: image.id, geometry: f.geometry, termIds, frame, label: f.label };
    const hash = contentKey(item, frame);
    // A feature with its own id keeps its key when edited; otherwise the content is the key.
    const base = f.featureId !== undefined ? `i${image.id}:f${String(f.featureId)}` : hash;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    item.key = n === 1 ? base : `${base}#${n}`;
    keys.add(item.key);
    const done = ledger.created(item.key);
    const terms = termsByImage.get(image.id) ?? new Set<number>();
    termsByImage.set(image.id, terms);
    for (const t of termIds) terms.add(t);
    if (done === undefined) plan.create.push(item);
    else if (done.hash === undefined || done.hash === hash)
      plan.skip.push({ label: f.label, annotationId: done.id });
    else if (sameTerms(done.terms, termIds)) {
      plan.update.push({
        annotationId: done.id,
        imageId: image.id,
        geometry: f.geometry,
        frame,
        label: f.label,
        key: item.key,
        hash,
        termIds,
      });
    } else {
      plan.delete.push({ annotationId: done.id, label: f.label, reason: 'its terms changed in the input' });
      plan.create.push(item);
    }
  }
  if (options.replace) {
    const inputImages = new Set([...termsByImage.keys()]);
    for (const id of options.images ?? []) if (projectImages.has(id)) inputImages.add(id);
    const replaced = await planReplace({
      client,
      project: options.project,
      userId,
      ledger,
      options: options.replace,
      images: inputImages,
      termsByImage,
      keys,
      taken: new Set([
        ...plan.skip.map((x) => x.annotationId),
        ...plan.update.map((x) => x.annotationId),
        ...plan.delete.map((x) => x.annotationId),
      ]),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    plan.delete.push(...replaced.delete);
    plan.spared.push(...replaced.spared);
  }
  return plan;
}
