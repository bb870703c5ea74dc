import type { Annotation, ImageInstance, Term } from '../resources/types.js';

/** A GeoJSON position `[x, y]`. */
export type Position = [number, number];

/** GeoJSON geometries (RFC 7946) as cytorx uses them: 2-D, no `bbox`. */
export type Geometry =
  | { type: 'Point'; coordinates: Position }
  | { type: 'MultiPoint'; coordinates: Position[] }
  | { type: 'LineString'; coordinates: Position[] }
  | { type: 'MultiLineString'; coordinates: Position[][] }
  | { type: 'Polygon'; coordinates: Position[][] }
  | { type: 'MultiPolygon'; coordinates: Position[][][] }
  | { type: 'GeometryCollection'; geometries: Geometry[] };

/**
 * The coordinate frame of a feature's geometry.
 * - `cytomine`: Cytomine's frame, origin at the image's bottom-left, y up (what the API stores).
 * - `image`: image pixel space, origin at the top-left corner of pixel (0,0), y down.
 */
export type Frame = 'cytomine' | 'image';

/**
 * One annotation on its way through the pipeline: the raw annotation, its image, and its
 * geometry as GeoJSON in {@link Feature.frame}. Operators return new objects; they never
 * mutate their input.
 */
export interface Feature {
  /** Output id: the annotation id, or a derived id for a multi-term duplicate. */
  id: number;
  /** The Cytomine annotation id this feature comes from. */
  annotationId: number;
  /** The image the annotation belongs to (full metadata, for sizes and file names). */
  image: ImageInstance;
  /** The geometry, in `frame` coordinates, multiplied by `scale`. */
  geometry: Geometry;
  /** The frame of `geometry`. */
  frame: Frame;
  /** Downsampling factor applied to the geometry (1 = full resolution; 2^-z at zoom z). */
  scale: number;
  /** Term ids of the annotation, in server order. */
  termIds: number[];
  /** The resolved terms (set by `resolveTerms`); unknown ids are left out. */
  terms?: Term[];
  /** Class id (set by `mapClasses`): 1..254 for a class, `unlabeled` (default 255) otherwise. */
  classId?: number;
  /** Class name (set by `mapClasses`). */
  className?: string;
  /** The raw annotation from the server. */
  annotation: Annotation;
}

/** One class of a {@link ClassMapping}. */
export interface ClassDef {
  /** Class id, 1..254 (0 is background; `unlabeled`, default 255, is reserved). */
  id: number;
  name: string;
  /** `#RRGGBB` (from the term), for previews and QuPath. */
  color?: string;
  /** Cytomine term ids mapped to this class. */
  termIds: number[];
}

/**
 * The class mapping in force for a run; written out as `classes.json` and readable back so
 * ids stay stable across runs.
 */
export interface ClassMapping {
  /** Always 0. */
  background: 0;
  /** Class id for annotations without a term or with a term outside the mapping (default 255). */
  unlabeled: number;
  classes: ClassDef[];
}

/**
 * The region of an image a batch's features are expressed in: the whole image or a tile, at
 * a scale. Coordinates of the features are relative to `(x, y)` in the scaled image.
 */
export interface Canvas {
  /** Left edge of the canvas in scaled image pixels (0 unless tiled). */
  x: number;
  /** Top edge of the canvas in scaled image pixels (0 unless tiled). */
  y: number;
  /** Canvas width in pixels. */
  width: number;
  /** Canvas height in pixels. */
  height: number;
  /** Scale from full-resolution image pixels to canvas pixels (1 = full resolution). */
  scale: number;
}

/**
 * What writers receive: the features of one image (or of one tile of it), all in the same
 * canvas. Produced by `groupByImage()` and `tile()`.
 */
export interface ImageBatch {
  image: ImageInstance;
  canvas: Canvas;
  /** Set when the batch is one tile of a tiled image: grid position of the tile. */
  tile?: { col: number; row: number };
  features: Feature[];
}

/** Codes of the non-fatal problems the pipeline reports. */
export type WarningCode =
  | 'INVALID_WKT'
  | 'EMPTY_GEOMETRY'
  | 'UNKNOWN_IMAGE'
  | 'UNKNOWN_TERM'
  | 'NO_TERM'
  | 'UNMAPPED_TERM'
  | 'MULTI_TERM_SKIPPED'
  | 'OUTSIDE_IMAGE'
  | 'REPAIRED'
  | 'INVALID_GEOMETRY'
  | 'DEGENERATE'
  | 'WRITER'
  | 'OTHER';

/**
 * A non-fatal problem: an annotation skipped or changed, with the reason. Goes to the run's
 * report; never printed with `console.warn`.
 */
export interface PipelineWarning {
  code: WarningCode;
  /** The operator or writer that raised it (`parseWkt`, `clipToImage`, `mask`, ...). */
  stage: string;
  message: string;
  annotationId?: number;
  imageId?: number;
  /** True when the annotation was dropped from the output because of this problem. */
  skipped: boolean;
  /** Pixels concerned, when the problem is about pixels (mask pixels claimed by several classes). */
  pixels?: number;
}

/** Receives warnings. */
export type WarningSink = (warning: PipelineWarning) => void;
