import { clipToRect } from '../geometry/clip.js';
import { envelope, type Geometry, isEmpty } from '../geometry/geometry.js';
import { invalidReason } from '../geometry/validate.js';
import { parseWkt, writeWkt } from '../geometry/wkt.js';
import type { Dataset, DatasetImage } from '../types.js';

/** A refused write: status and the server's message. */
export interface Refusal {
  status: number;
  message: string;
}

/** A location that passed the server's checks, as it will be stored. */
export interface CheckedLocation {
  wkt: string;
  bbox: [number, number, number, number];
}

/** Finds the image of a write body (`image`, or `slice`). */
export function resolveImage(d: Dataset, body: Record<string, unknown>): DatasetImage | Refusal {
  const image = body.image ?? null;
  const slice = body.slice ?? null;
  if (image === null && slice === null) return { status: 400, message: 'Cannot retrieve slice or image' };
  const found =
    image !== null
      ? d.images.find((i) => i.id === Number(image))
      : d.images.find((i) => i.slice === Number(slice));
  if (!found) {
    return image !== null
      ? { status: 404, message: `ImageInstance ${String(image)} not found` }
      : { status: 404, message: `SliceInstance ${String(slice)} not found` };
  }
  return found;
}

const isLine = (g: Geometry): boolean => g.type === 'LineString' || g.type === 'MultiLineString';
const isPoint = (g: Geometry): boolean => g.type === 'Point' || g.type === 'MultiPoint';

/**
 * The checks of `UserAnnotationService.add`: the WKT must parse and be valid, it is clipped
 * to `POLYGON((0 0,0 H,W H,W 0,0 0))` when its envelope sticks out, and a non-line whose
 * envelope has `(int)width == 0` or `(int)height == 0` is refused (points are fine).
 */
export function checkLocation(location: unknown, image: DatasetImage): CheckedLocation | Refusal {
  if (typeof location !== 'string' || location.trim() === '') {
    return { status: 400, message: 'Annotation must have a valid geometry: location is missing' };
  }
  let g: Geometry;
  try {
    g = parseWkt(location);
  } catch {
    return { status: 400, message: 'Annotation location is not valid' };
  }
  if (isEmpty(g) || invalidReason(g) !== null)
    return { status: 400, message: 'Annotation location is not valid' };
  let env = envelope(g);
  if (env[0] < 0 || env[1] < 0 || env[2] > image.width || env[3] > image.height) {
    g = clipToRect(g, image.width, image.height);
    env = envelope(g);
  }
  if (!isPoint(g) && !isLine(g)) {
    const w = isEmpty(g) ? 0 : Math.trunc(env[2] - env[0]);
    const h = isEmpty(g) ? 0 : Math.trunc(env[3] - env[1]);
    if (w === 0 || h === 0) return { status: 400, message: 'Annotation dimension not valid' };
  } else if (isEmpty(g)) {
    return { status: 400, message: 'Annotation location is not valid' };
  }
  return { wkt: writeWkt(g), bbox: env };
}

/** Term ids of a write body (`term` or `terms`, a number or an array), each checked against the ontology. */
export function checkTerms(d: Dataset, body: Record<string, unknown>, projectId: number): number[] | Refusal {
  const raw = body.term ?? body.terms ?? [];
  const list = Array.isArray(raw) ? raw : [raw];
  const ontology = d.projects.find((p) => p.id === projectId)?.ontology;
  const out: number[] = [];
  for (const v of list) {
    if (v === null || v === undefined) continue;
    const id = Number(v);
    const term = d.terms.find((t) => t.id === id);
    if (!term) return { status: 404, message: `Term ${String(v)} not found` };
    if (term.ontology !== ontology) {
      return { status: 400, message: `Term ${term.id} is not in the ontology of the project` };
    }
    if (!out.includes(id)) out.push(id);
  }
  return out;
}

/** True when `x` is a {@link Refusal}. */
export function isRefusal(x: unknown): x is Refusal {
  return typeof x === 'object' && x !== null && 'status' in x && 'message' in x && !('id' in x);
}
