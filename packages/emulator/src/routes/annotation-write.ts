import type { RequestContext, RouteResponse } from '../server/context.js';
import { annotationJson } from '../server/json.js';
import { commandError, notFound, ok } from '../server/respond.js';
import type { Dataset, DatasetAnnotation, DatasetUser } from '../types.js';
import { checkLocation, checkTerms, isRefusal, type Refusal, resolveImage } from './annotation-validate.js';

function now(d: Dataset): number {
  const last = d.annotations[d.annotations.length - 1]?.created ?? 0;
  return Math.max(Date.now(), last + 1);
}

/** Binary search by id in the id-sorted annotation array. */
export function annotationIndex(d: Dataset, id: number): number {
  let lo = 0;
  let hi = d.annotations.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = d.annotations[mid]!.id;
    if (v === id) return mid;
    if (v < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** Creates one annotation from a body element, or says why the server refuses it. */
function createOne(d: Dataset, me: DatasetUser, el: unknown): DatasetAnnotation | Refusal {
  if (typeof el !== 'object' || el === null || Array.isArray(el)) {
    return { status: 400, message: 'The body cannot be parsed, is the body content in the good format?' };
  }
  const body = el as Record<string, unknown>;
  const image = resolveImage(d, body);
  if (isRefusal(image)) return image;
  const project = d.projects.find((p) => p.id === image.project);
  if (project?.isReadOnly) return { status: 403, message: 'The project is in read-only mode' };
  const location = checkLocation(body.location, image);
  if (isRefusal(location)) return location;
  const terms = checkTerms(d, body, image.project);
  if (isRefusal(terms)) return terms;
  const owner = d.users.find((u) => u.id === Number(body.user)) ?? me;
  const created = now(d);
  const a: DatasetAnnotation = {
    id: d.nextId++,
    image: image.id,
    project: image.project,
    user: owner.id,
    location: location.wkt,
    bbox: location.bbox,
    terms: [],
    created,
    updated: null,
    reviewed: false,
  };
  a.terms = terms.map((term) => ({ id: d.nextId++, term, user: owner.id, created }));
  d.annotations.push(a);
  return a;
}

function commandBody(
  ctx: RequestContext,
  verb: 'Add' | 'Edit' | 'Delete',
  a: DatasetAnnotation,
  json: Record<string, unknown>,
): RouteResponse {
  const past = verb === 'Add' ? 'added' : verb === 'Edit' ? 'edited' : 'deleted';
  return ok({
    message: `UserAnnotation ${a.id} (${a.location.slice(0, 40)}) in image ${a.image} ${past}`,
    callback: {
      method: `be.cytomine.${verb}UserAnnotationCommand`,
      userannotationID: String(a.id),
      annotationID: String(a.id),
      imageID: String(a.image),
      projectID: String(a.project),
    },
    printMessage: true,
    annotation: json,
    command: ctx.state.dataset.nextId++,
  });
}

/**
 * `POST /api/annotation.json` (and `/api/userannotation.json`): one object, or a JSON array
 * (batch, answered in the `spring` or `grails` style).
 */
export function createAnnotations(ctx: RequestContext): RouteResponse {
  const d = ctx.state.dataset;
  if (!Array.isArray(ctx.body)) {
    if (ctx.body === undefined)
      return commandError(400, 'The body cannot be parsed, is the body content in the good format?');
    const a = createOne(d, ctx.user, ctx.body);
    if (isRefusal(a)) return commandError(a.status, a.message);
    ctx.wrote();
    return commandBody(ctx, 'Add', a, annotationJson(d, ctx.state.url, a));
  }
  const ids: number[] = [];
  const errors: { data: unknown; message: string }[] = [];
  for (const el of ctx.body) {
    const a = createOne(d, ctx.user, el);
    if (isRefusal(a)) errors.push({ data: el, message: a.message });
    else {
      ids.push(a.id);
      ctx.wrote();
    }
  }
  const list = `userannotations ${ids.join(',')}`;
  let status: number;
  let data: Record<string, unknown>;
  if (errors.length === 0) {
    status = 200;
    data = { message: `${list} added` };
  } else if (ids.length === 0) {
    status = 400;
    data = { success: false, message: 'No entry saved', errors };
  } else {
    status = 206;
    data = { success: false, message: `Only part of the entries (${list}) added.`, errors };
  }
  return ctx.state.batchStyle === 'grails' ? { status, body: data } : ok({ data, status });
}

/** `GET /api/annotation/{id}.json` (and `/api/userannotation/{id}.json`). */
export function getAnnotation(ctx: RequestContext): RouteResponse {
  const d = ctx.state.dataset;
  const id = Number(ctx.params[0]);
  const k = annotationIndex(d, id);
  return k < 0 ? notFound('Annotation', id) : ok(annotationJson(d, ctx.state.url, d.annotations[k]!));
}

/** `PUT /api/annotation/{id}.json`: the body must carry `location` and `image`. */
export function updateAnnotation(ctx: RequestContext): RouteResponse {
  const d = ctx.state.dataset;
  const id = Number(ctx.params[0]);
  const k = annotationIndex(d, id);
  if (k < 0) return commandError(404, `UserAnnotation ${id} not found`);
  const a = d.annotations[k]!;
  if (typeof ctx.body !== 'object' || ctx.body === null || Array.isArray(ctx.body)) {
    return commandError(400, 'The body cannot be parsed, is the body content in the good format?');
  }
  const body = ctx.body as Record<string, unknown>;
  if (body.location === undefined || body.location === null) {
    return commandError(400, 'Annotation must have a valid geometry: location is missing');
  }
  if (body.image === undefined && body.slice === undefined)
    return commandError(400, 'Cannot retrieve slice or image');
  const image = resolveImage(d, body);
  if (isRefusal(image)) return commandError(image.status, image.message);
  if (image.id !== a.image) return commandError(400, 'The image of an annotation cannot be changed');
  const location = checkLocation(body.location, image);
  if (isRefusal(location)) return commandError(location.status, location.message);
  a.location = location.wkt;
  a.bbox = location.bbox;
  a.updated = Math.max(Date.now(), a.created + 1);
  ctx.wrote();
  return commandBody(ctx, 'Edit', a, annotationJson(d, ctx.state.url, a));
}

/** `DELETE /api/annotation/{id}.json`. */
export function deleteAnnotation(ctx: RequestContext): RouteResponse {
  const d = ctx.state.dataset;
  const id = Number(ctx.params[0]);
  const k = annotationIndex(d, id);
  if (k < 0) return commandError(404, `UserAnnotation ${id} not found`);
  const a = d.annotations[k]!;
  const json = annotationJson(d, ctx.state.url, a);
  d.annotations.splice(k, 1);
  ctx.wrote();
  return commandBody(ctx, 'Delete', a, json);
}
