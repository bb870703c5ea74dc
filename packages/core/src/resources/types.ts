/**
 * Types of the JSON the Cytomine API returns, as the real server writes it: any key may be
 * missing (the annotation listing decides its columns from the first row), dates come as
 * numbers or strings of epoch ms, and `term` can be an array or a scalar. Normalised views
 * (e.g. {@link Annotation.term} as an array) are produced by the resource functions.
 */

/** The list envelope of §3.2. Use `collection.length`, `size` and `offset` only. */
export interface ListEnvelope<T> {
  collection: T[];
  offset?: number;
  perPage?: number;
  size?: number;
  totalPages?: number;
}

/** `GET /api/user/current.json`. Only `id` and `username` are reliable across core lines. */
export interface CurrentUser {
  id: number;
  username: string;
  name?: string;
  fullName?: string;
  firstname?: string;
  lastname?: string;
  email?: string;
  [key: string]: unknown;
}

/** A project (`/api/project/{id}.json`). */
export interface Project {
  id: number;
  name: string;
  ontology?: number | null;
  ontologyName?: string | null;
  numberOfImages?: number;
  numberOfAnnotations?: number;
  created?: number | string;
  updated?: number | string | null;
  [key: string]: unknown;
}

/** A term of an ontology. `color` is `#RRGGBB`. */
export interface Term {
  id: number;
  name: string;
  color?: string;
  ontology?: number;
  parent?: number | null;
  comment?: string | null;
  [key: string]: unknown;
}

/** An ontology (`/api/ontology/{id}.json`); `children` is the term tree. */
export interface Ontology {
  id: number;
  name: string;
  children?: unknown[];
  [key: string]: unknown;
}

/** An image instance (`/api/imageinstance/{id}.json`). Sizes are full-resolution pixels. */
export interface ImageInstance {
  id: number;
  width: number;
  height: number;
  project?: number;
  baseImage?: number;
  instanceFilename?: string | null;
  originalFilename?: string | null;
  filename?: string | null;
  depth?: number;
  zoom?: number;
  physicalSizeX?: number | null;
  magnification?: number | null;
  created?: number | string;
  [key: string]: unknown;
}

/**
 * An annotation as listed (`/api/annotation.json`) or fetched (`/api/annotation/{id}.json`),
 * after normalisation: `term` is always an array, `created`/`updated` are numbers when present.
 * `location` is WKT in Cytomine's frame (origin bottom-left, y up).
 */
export interface Annotation {
  id: number;
  image?: number;
  project?: number;
  slice?: number;
  user?: number;
  location?: string;
  term: number[];
  created?: number;
  updated?: number;
  area?: number;
  perimeter?: number;
  reviewed?: boolean;
  [key: string]: unknown;
}
