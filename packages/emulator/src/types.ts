/**
 * Public types of `@cytorx/emulator`: the live dataset the server serves, the fault options
 * and the request counters.
 */

/** An authentication mode the emulator can accept (same names as the client's `auth`). */
export type AuthMode = 'hmac' | 'hmac-pathless' | 'headers' | 'bearer';

/** How a batch `POST` of a JSON array is answered (cytomine-api.md §4.6). */
export type BatchStyle = 'spring' | 'grails';

/** A user of the dataset. `users[0]` is the user the emulator's keys belong to. */
export interface DatasetUser {
  id: number;
  username: string;
  firstname: string;
  lastname: string;
  email: string;
  /** API public key (HMAC and `headers` modes). */
  publicKey: string;
  /** API private key: never logged by the emulator. */
  privateKey: string;
  /** Bearer token (`bearer` mode). */
  token: string;
  admin: boolean;
  created: number;
}

/** A term of an ontology. */
export interface DatasetTerm {
  id: number;
  name: string;
  /** `#RRGGBB`. */
  color: string;
  ontology: number;
  parent: number | null;
  comment: string | null;
  created: number;
}

/** An ontology. */
export interface DatasetOntology {
  id: number;
  name: string;
  user: number;
  created: number;
}

/** A project. */
export interface DatasetProject {
  id: number;
  name: string;
  ontology: number;
  created: number;
  updated: number | null;
  isReadOnly: boolean;
}

/** An image instance. Sizes are full-resolution pixels. */
export interface DatasetImage {
  id: number;
  project: number;
  /** The id of its (single) reference slice, for `slice`/`slices` filters. */
  slice: number;
  baseImage: number;
  width: number;
  height: number;
  filename: string;
  /** µm per pixel, or `null` (then areas are in pixels²). */
  physicalSizeX: number | null;
  magnification: number | null;
  created: number;
}

/** A link between an annotation and a term, made by a user (an `AnnotationTerm`). */
export interface DatasetAnnotationTerm {
  id: number;
  term: number;
  user: number;
  created: number;
}

/**
 * A user annotation. `location` is WKT in Cytomine's frame (origin at the image's
 * bottom-left corner, y up), possibly malformed when the dataset was generated with
 * `malformedWkt`.
 */
export interface DatasetAnnotation {
  id: number;
  image: number;
  project: number;
  user: number;
  location: string;
  /** Envelope `[minX, minY, maxX, maxY]` of `location` (NaN when it does not parse). */
  bbox: [number, number, number, number];
  terms: DatasetAnnotationTerm[];
  created: number;
  updated: number | null;
  reviewed: boolean;
}

/**
 * The data an emulator serves. Plain objects: tests read expected values from it and the
 * server's writes land in it. `annotations` is kept sorted by id (ascending).
 */
export interface Dataset {
  seed: number;
  users: DatasetUser[];
  ontologies: DatasetOntology[];
  terms: DatasetTerm[];
  projects: DatasetProject[];
  images: DatasetImage[];
  annotations: DatasetAnnotation[];
  /** Next id handed out by writes (annotations, annotation-term links, commands). */
  nextId: number;
}

/** Options of {@link generateDataset}. */
export interface GenerateOptions {
  /** RNG seed; the same seed gives the same dataset. Default 42. */
  seed?: number;
  /** Number of projects (all sharing one ontology except every third). Default 3. */
  projects?: number;
  /** Images per project. Default 3. The first image of each project is 2048x1536. */
  imagesPerProject?: number;
  /** Annotations per image. Default 20. */
  annotationsPerImage?: number;
  /** Include some malformed WKT strings (about 1 in 50, at least one per image). Default false. */
  malformedWkt?: boolean;
  /** Largest image width in px (slide-sized images go up to it). Default 100,000. */
  maxImageWidth?: number;
  /**
   * Geometry kinds to generate, default all of them. `simple` = valid polygon inside the image;
   * `hole` = polygon with a hole; `multi` = multipolygon; `subpixel` = polygon under 1 px wide;
   * `outside` = polygon partly outside the image; `point`; `line`; `bowtie` = self-intersecting
   * polygon.
   */
  kinds?: readonly AnnotationKind[];
  /**
   * Radius range of the generated shapes, in pixels (e.g. `{ min: 8, max: 100 }` for nuclei).
   * Default: from 10 px to a tenth of the image's shorter side, at most 300 px.
   */
  radius?: { min: number; max: number };
  /** Number of terms in the ontology. Default 5. */
  terms?: number;
  /** Fixed image size for every image (overrides the slide sizes), e.g. `{ width: 4096, height: 4096 }`. */
  imageSize?: { width: number; height: number };
}

/** A kind of generated annotation geometry (see {@link GenerateOptions.kinds}). */
export type AnnotationKind =
  | 'simple'
  | 'hole'
  | 'multi'
  | 'subpixel'
  | 'outside'
  | 'point'
  | 'line'
  | 'bowtie';

/** Fault injection settings; every field is optional and defaults to "no fault". */
export interface FaultOptions {
  /** 0..1, fraction of API requests answered with an injected failure (before any processing). Default 0. */
  failureRate?: number;
  /** Codes chosen among for injected failures, default `[503, 500, 502]`. 503 carries `Retry-After`, 502 an HTML body. */
  failureCodes?: number[];
  /** `Retry-After` value on injected 503s, default 0 (the header is still sent). */
  retryAfterSeconds?: number;
  /**
   * 0..1, fraction of API responses whose connection is destroyed mid-body. On a write
   * (POST/PUT/DELETE) the write is NOT applied. Default 0.
   */
  resetRate?: number;
  /** 0..1, fraction of writes that ARE applied and whose response connection is then destroyed mid-body. Default 0. */
  resetAfterWriteRate?: number;
  /** Fixed latency added to each API request, default 0 ms. */
  latencyMs?: number;
  /** Random extra latency, uniform in [0, jitterMs), default 0. */
  jitterMs?: number;
  /** Lists return at most this many items whatever `max` asks. Default: no cap. */
  pageCap?: number;
  /** Fault RNG seed (deterministic sequence of decisions). Default 1. */
  seed?: number;
  /** HTTP methods faults apply to, default all. */
  methods?: string[];
}

/** Request counters of a running emulator. */
export interface EmulatorStats {
  /** Every request received (ping included). */
  requests: number;
  /** Requests per HTTP method. */
  byMethod: Record<string, number>;
  /** Requests per route pattern, e.g. `/api/project/{id}/imageinstance.json`; unknown paths under `(unmatched)`. */
  byRoute: Record<string, number>;
  /** Writes that changed data (POST/PUT/DELETE applied; each element of a batch counts once). */
  writes: number;
  /** Injected failures (503/500/502). */
  failuresInjected: number;
  /** Connections destroyed on purpose (resetRate and resetAfterWriteRate). */
  resetsInjected: number;
  /** Requests refused with 401. */
  authFailures: number;
  /**
   * Connections the client closed before its response was completely sent (while the server
   * waited, processed or wrote the body): a cancelled request. Resets the emulator injects and
   * connections `close()` destroys do not count.
   */
  clientAborts: number;
}
