import type { Query, QueryValue } from '../client/types.js';
import { ConfigError } from '../errors/config-error.js';

/**
 * Filters and property groups of the annotation listing (cytomine-api.md §4.5). Lists are
 * sent comma-joined. One container filter (`project`, `image`, `images`, `slice`, `slices`)
 * is required. Property groups default to `showMeta`, `showWKT` and `showTerm`; set one to
 * `false` to leave it out.
 * @example
 * ```ts
 * import { type AnnotationQuery, listAnnotations } from '@cytorx/core';
 * const query: AnnotationQuery = { project: 12, terms: [7, 8], afterThan: new Date('2025-01-01') };
 * listAnnotations(client, query).subscribe((a) => console.log(a.id));
 * ```
 */
export interface AnnotationQuery {
  project?: number;
  image?: number;
  /** Images of one project. */
  images?: readonly number[];
  slice?: number;
  slices?: readonly number[];
  /** Creator. */
  user?: number;
  /** Creators. */
  users?: readonly number[];
  term?: number;
  terms?: readonly number[];
  /** Only annotations without a term. */
  noTerm?: boolean;
  /** Only annotations with several terms. */
  multipleTerm?: boolean;
  /** Only terms added by these users. */
  usersForTerm?: readonly number[];
  /** `true` lists reviewed annotations (the ReviewedAnnotation listing). */
  reviewed?: boolean;
  notReviewedOnly?: boolean;
  reviewUsers?: readonly number[];
  tag?: number;
  tags?: readonly number[];
  noTag?: boolean;
  track?: number;
  tracks?: readonly number[];
  /** Intersecting this box (`minx,miny,maxx,maxy` in Cytomine's frame, or WKT). */
  bbox?: string | readonly [number, number, number, number];
  /** Intersecting this annotation. */
  bboxAnnotation?: number;
  baseAnnotation?: number;
  maxDistanceBaseAnnotation?: number;
  /** Created after this instant (epoch ms or Date). */
  afterThan?: number | Date;
  /** Created before this instant (epoch ms or Date). */
  beforeThan?: number | Date;
  excludedAnnotation?: number;
  kmeans?: boolean;
  kmeansValue?: number;
  showBasic?: boolean;
  /** Default true. */
  showMeta?: boolean;
  /** Default true. */
  showWKT?: boolean;
  showGIS?: boolean;
  /** Default true. */
  showTerm?: boolean;
  showImage?: boolean;
  showUser?: boolean;
  showSlice?: boolean;
  showTrack?: boolean;
  /** Any other parameter, sent as is (never overrides the ones above). */
  extra?: Query;
}

const CONTAINERS = ['project', 'image', 'images', 'slice', 'slices'] as const;
const FILTERS = [
  ...CONTAINERS,
  'user',
  'users',
  'term',
  'terms',
  'noTerm',
  'multipleTerm',
  'usersForTerm',
  'reviewed',
  'notReviewedOnly',
  'reviewUsers',
  'tag',
  'tags',
  'noTag',
  'track',
  'tracks',
  'bbox',
  'bboxAnnotation',
  'baseAnnotation',
  'maxDistanceBaseAnnotation',
  'afterThan',
  'beforeThan',
  'excludedAnnotation',
  'kmeans',
  'kmeansValue',
] as const;
const SHOW = [
  'showBasic',
  'showMeta',
  'showWKT',
  'showGIS',
  'showTerm',
  'showImage',
  'showUser',
  'showSlice',
  'showTrack',
] as const;
const SHOW_DEFAULTS: Partial<Record<(typeof SHOW)[number], boolean>> = {
  showMeta: true,
  showWKT: true,
  showTerm: true,
};

function paramValue(key: string, value: unknown): QueryValue {
  if (value === undefined || value === null) return undefined;
  if (value instanceof Date) return value.getTime();
  if (Array.isArray(value)) {
    if (value.length === 0 && key !== 'bbox') return undefined;
    return (value as number[]).join(',');
  }
  return value as QueryValue;
}

/**
 * The query parameters of an annotation listing, in a stable order, each key once.
 * @throws {ConfigError} `CYTORX_CONFIG` when no container filter is given
 */
export function annotationParams(query: AnnotationQuery): Record<string, string | number | boolean> {
  const hasContainer = CONTAINERS.some((key) => {
    const v = query[key];
    return Array.isArray(v) ? v.length > 0 : v !== undefined;
  });
  if (!hasContainer) {
    throw new ConfigError(
      'an annotation listing needs a project, image, images, slice or slices filter (the server checks ACLs on it)',
    );
  }
  const params: Record<string, string | number | boolean> = {};
  for (const key of FILTERS) {
    const v = paramValue(key, query[key]);
    if (v !== undefined) params[key] = v as string | number | boolean;
  }
  for (const key of SHOW) {
    const on = query[key] ?? SHOW_DEFAULTS[key] ?? false;
    if (on) params[key] = true;
  }
  for (const [key, value] of Object.entries(query.extra ?? {})) {
    const v = paramValue(key, value);
    if (v !== undefined && !(key in params) && key !== 'max' && key !== 'offset') {
      params[key] = v as string | number | boolean;
    }
  }
  return params;
}
