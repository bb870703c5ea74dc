import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { ConfigError } from '../errors/config-error.js';
import { coordinatesProblem } from '../geometry/coordinates-problem.js';
import type { Geometry, Position } from '../pipeline/types.js';

/** One feature read from an upload source, before classes are resolved. */
export interface SourceFeature {
  /** Where it comes from, for reports: `preds.geojson#3`, `12.geojson#0`, `annotations.json#ann 7`. */
  label: string;
  /** Image space (top-left origin, y down) unless the caller says otherwise. */
  geometry?: Geometry;
  imageId?: number;
  /** The feature's own id (GeoJSON `id`, COCO annotation id), used for a stable ledger key. */
  featureId?: string | number;
  /** Explicit term ids (GeoJSON `term_ids`). */
  termIds?: number[];
  classId?: number;
  className?: string;
  /** Why the feature cannot be uploaded at all (unreadable geometry, RLE mask, ...). */
  problem?: string;
}

/** What {@link readUploadSource} (or `readPredictions` of @cytorx/writers) found. */
export interface UploadSource {
  kind: 'geojson' | 'folder' | 'coco' | 'masks';
  features: SourceFeature[];
  /** Images the input covers, even those with no feature (e.g. an empty mask), ascending. */
  images?: number[];
}

const GEOMETRY_TYPES = new Set([
  'Point',
  'MultiPoint',
  'LineString',
  'MultiLineString',
  'Polygon',
  'MultiPolygon',
]);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function positiveInt(v: unknown): number | undefined {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

function geoJsonFeatures(doc: unknown, file: string, imageFromName: number | undefined): SourceFeature[] {
  const list: unknown[] = Array.isArray(doc)
    ? doc
    : isRecord(doc) && doc.type === 'FeatureCollection' && Array.isArray(doc.features)
      ? doc.features
      : [doc];
  return list.map((f, i): SourceFeature => {
    const label = `${file}#${i}`;
    if (!isRecord(f)) return { label, problem: 'not a GeoJSON feature' };
    const g = f.type === 'Feature' ? f.geometry : f;
    const props = isRecord(f.properties) ? f.properties : {};
    const out: SourceFeature = { label };
    if (
      isRecord(g) &&
      typeof g.type === 'string' &&
      GEOMETRY_TYPES.has(g.type) &&
      Array.isArray(g.coordinates)
    ) {
      const problem = coordinatesProblem(g.type, g.coordinates);
      if (problem === undefined) out.geometry = g as unknown as Geometry;
      else out.problem = problem;
    } else {
      out.problem =
        isRecord(g) && g.type === 'GeometryCollection'
          ? 'GeometryCollection is not supported'
          : 'no usable geometry';
    }
    const image = positiveInt(props.image_id) ?? imageFromName;
    if (image !== undefined) out.imageId = image;
    if (typeof f.id === 'string' || typeof f.id === 'number') out.featureId = f.id;
    if (Array.isArray(props.term_ids) && props.term_ids.every((t) => positiveInt(t) !== undefined)) {
      out.termIds = props.term_ids.map(Number);
    }
    if (typeof props.class_id === 'number') out.classId = props.class_id;
    if (typeof props.class_name === 'string' && props.class_name !== '') out.className = props.class_name;
    return out;
  });
}

function cocoPolygon(segmentation: unknown): Geometry | undefined {
  if (!Array.isArray(segmentation) || segmentation.length === 0) return undefined;
  const parts: Position[][][] = [];
  for (const flat of segmentation) {
    if (!Array.isArray(flat) || flat.length < 6 || flat.length % 2 !== 0) return undefined;
    const ring: Position[] = [];
    for (let k = 0; k < flat.length; k += 2) ring.push([Number(flat[k]), Number(flat[k + 1])]);
    ring.push([ring[0]![0], ring[0]![1]]);
    parts.push([ring]);
  }
  return parts.length === 1
    ? { type: 'Polygon', coordinates: parts[0]! }
    : { type: 'MultiPolygon', coordinates: parts };
}

/**
 * The features of a parsed COCO document, one per annotation in order: polygon segmentations
 * become (Multi)Polygons in the COCO image's pixels, `category_id` the class (its name the
 * class name), `image_id` the image; an RLE segmentation is reported as a `problem` (the
 * writers' `readPredictions` vectorises it).
 * @param doc - The parsed JSON (with `images`, `annotations`, `categories`).
 * @param file - Its name, for labels (`file#ann 7`).
 * @example
 * ```ts
 * import { readCocoFeatures } from '@cytorx/core';
 * const features = readCocoFeatures(JSON.parse(text), 'annotations.json');
 * ```
 */
export function readCocoFeatures(doc: Record<string, unknown>, file: string): SourceFeature[] {
  const categories = new Map<number, string>();
  for (const c of Array.isArray(doc.categories) ? doc.categories : []) {
    if (isRecord(c) && typeof c.id === 'number' && typeof c.name === 'string') categories.set(c.id, c.name);
  }
  const annotations = Array.isArray(doc.annotations) ? doc.annotations : [];
  return annotations.map((a, i): SourceFeature => {
    if (!isRecord(a)) return { label: `${file}#${i}`, problem: 'not a COCO annotation' };
    const label = `${file}#ann ${typeof a.id === 'number' ? a.id : i}`;
    const out: SourceFeature = { label };
    if (typeof a.id === 'number') out.featureId = a.id;
    const image = positiveInt(a.image_id);
    if (image !== undefined) out.imageId = image;
    if (typeof a.category_id === 'number') {
      out.classId = a.category_id;
      const name = categories.get(a.category_id);
      if (name !== undefined) out.className = name;
    }
    if (isRecord(a.segmentation)) {
      out.problem = 'RLE segmentation is not supported (vectorise it, or export COCO with polygons)';
    } else {
      const g = cocoPolygon(a.segmentation);
      if (g) out.geometry = g;
      else out.problem = 'no usable polygon segmentation';
    }
    return out;
  });
}

/**
 * Reads the features of an upload source:
 * - a GeoJSON file (FeatureCollection, Feature or array of features); the image is each
 *   feature's `image_id` property, else `options.imageId`;
 * - a folder of `{imageId}.geojson` files (as `cytorx export` writes them in `geojson/`):
 *   the image comes from the file name unless the feature says otherwise;
 * - a COCO `annotations.json` (has `images` and `annotations` arrays) whose image ids are
 *   Cytomine image ids; polygon segmentations only (RLE is reported as a problem).
 * Properties read: `image_id`, `class_id`, `class_name`, `term_ids`, and the feature `id`.
 * Coordinates are returned as found (image space by convention).
 * @param path - File or folder.
 * @param options - `imageId`: the image of features that name none.
 * @throws ConfigError (`CYTORX_CONFIG`) when the path cannot be read or is not JSON.
 * @example
 * ```ts
 * import { readUploadSource } from '@cytorx/core';
 * const { kind, features } = await readUploadSource('out/geojson');
 * ```
 */
export async function readUploadSource(
  path: string,
  options: { imageId?: number } = {},
): Promise<UploadSource> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (cause) {
    throw new ConfigError(`cannot read ${path}`, { cause });
  }
  const parse = async (file: string): Promise<unknown> => {
    try {
      return JSON.parse(await readFile(file, 'utf8'));
    } catch (cause) {
      throw new ConfigError(`${file} is not readable JSON: ${(cause as Error).message}`, { cause });
    }
  };
  if (info.isDirectory()) {
    const names = (await readdir(path)).filter((n) => n.endsWith('.geojson')).sort();
    if (names.length === 0) throw new ConfigError(`${path} holds no .geojson file`);
    const features: SourceFeature[] = [];
    for (const name of names) {
      const fromName = positiveInt(/^(\d+)\.geojson$/.exec(name)?.[1]) ?? options.imageId;
      features.push(...geoJsonFeatures(await parse(join(path, name)), name, fromName));
    }
    return { kind: 'folder', features };
  }
  const doc = await parse(path);
  const file = basename(path);
  if (isRecord(doc) && Array.isArray(doc.images) && Array.isArray(doc.annotations)) {
    return { kind: 'coco', features: readCocoFeatures(doc, file) };
  }
  return { kind: 'geojson', features: geoJsonFeatures(doc, file, options.imageId) };
}
