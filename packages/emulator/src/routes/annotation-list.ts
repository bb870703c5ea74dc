import { intersectsRect } from '../geometry/intersects-rect.js';
import { parseWkt } from '../geometry/wkt.js';
import type { RequestContext, RouteResponse } from '../server/context.js';
import { JSON_CONTENT_TYPE, listBody, pageSlice } from '../server/envelope.js';
import { wktEnvelope } from '../server/json.js';
import { parseBool, parseDateMs, parseLong, parseLongList, toParam } from '../server/params.js';
import { badRequest, HttpAnswer, notFound } from '../server/respond.js';
import type { DatasetAnnotation, DatasetImage } from '../types.js';
import { GROUPS, type Group, itemLayout, visitItemInputs } from './annotation-item.js';

const GROUP_PARAM: Record<Group, string> = {
  basic: 'Basic',
  meta: 'Meta',
  wkt: 'WKT',
  gis: 'GIS',
  term: 'Term',
  image: 'Image',
  user: 'User',
  slice: 'Slice',
  track: 'Track',
};

/** `ParamsService.getPropertyGroupToShow`: default basic+meta+term when no showX is true. */
function groupsToShow(q: Map<string, string>): Set<Group> {
  const shown = GROUPS.filter((g) => parseBool(q.get(`show${GROUP_PARAM[g]}`)));
  const set = new Set<Group>(shown.length === 0 ? ['basic', 'meta', 'term'] : ['basic', ...shown]);
  for (const g of GROUPS) if (parseBool(q.get(`hide${GROUP_PARAM[g]}`))) set.delete(g);
  return set;
}

function parseBbox(v: string): [number, number, number, number] {
  const parts = v.split(',').map((s) => Number(s.trim()));
  if (parts.length === 4 && parts.every(Number.isFinite)) return parts as [number, number, number, number];
  const env = wktEnvelope(v);
  if (env.some(Number.isNaN)) badRequest(`bbox is not valid: ${v}`);
  return env;
}

/**
 * `GET /api/annotation.json`, `GET|POST /api/annotation/search.json`: the annotation listing
 * of §4.5 (container filter required, filters, show-groups, `ORDER BY id DESC`, in-memory
 * envelope, and the quirks: columns decided from the first row, scalar `term` when filtered by
 * term without `showTerm`).
 */
export function listAnnotations(ctx: RequestContext): RouteResponse {
  const q = new Map(ctx.query);
  if (ctx.body !== undefined) {
    if (typeof ctx.body !== 'object' || ctx.body === null || Array.isArray(ctx.body)) {
      badRequest('The body cannot be parsed, is the body content in the good format?');
    }
    for (const [k, v] of Object.entries(ctx.body as Record<string, unknown>)) {
      const s = toParam(v);
      if (s !== undefined) q.set(k, s);
    }
  }
  const d = ctx.state.dataset;
  const images = new Map<number, DatasetImage>(d.images.map((i) => [i.id, i]));

  const project = parseLong('project', q.get('project'));
  const image = parseLong('image', q.get('image'));
  const imageList = parseLongList('images', q.get('images'));
  const slice = parseLong('slice', q.get('slice'));
  const sliceList = parseLongList('slices', q.get('slices'));
  if (project === undefined && image === undefined && !imageList && slice === undefined && !sliceList) {
    badRequest('There is no project or image or slice filter. We cannot check acl!');
  }
  if (project !== undefined && !d.projects.some((p) => p.id === project)) {
    throw new HttpAnswer(notFound('Project', project));
  }
  let imageSet: Set<number> | undefined;
  const addImages = (ids: number[], entity: 'ImageInstance' | 'SliceInstance'): void => {
    imageSet ??= new Set();
    for (const x of ids) {
      const img = entity === 'ImageInstance' ? images.get(x) : d.images.find((i) => i.slice === x);
      if (!img) throw new HttpAnswer(notFound(entity, x));
      imageSet.add(img.id);
    }
  };
  if (image !== undefined) addImages([image], 'ImageInstance');
  if (imageList) addImages(imageList, 'ImageInstance');
  if (slice !== undefined) addImages([slice], 'SliceInstance');
  if (sliceList) addImages(sliceList, 'SliceInstance');
  if (imageSet && new Set([...imageSet].map((i) => images.get(i)!.project)).size > 1) {
    badRequest('Images from filter must all be from the same project!');
  }

  const user = parseLong('user', q.get('user'));
  const users = parseLongList('users', q.get('users'));
  const userSet =
    user !== undefined || users ? new Set([...(users ?? []), ...(user !== undefined ? [user] : [])]) : null;
  const term = parseLong('term', q.get('term'));
  const terms = parseLongList('terms', q.get('terms'));
  const termSet =
    term !== undefined || terms ? new Set([...(terms ?? []), ...(term !== undefined ? [term] : [])]) : null;
  const usersForTerm = parseLongList('usersForTerm', q.get('usersForTerm'));
  const usersForTermSet = usersForTerm ? new Set(usersForTerm) : null;
  const noTerm = parseBool(q.get('noTerm'));
  const multipleTerm = parseBool(q.get('multipleTerm'));
  const reviewed = parseBool(q.get('reviewed'));
  const notReviewedOnly = parseBool(q.get('notReviewedOnly'));
  const afterThan = parseDateMs('afterThan', q.get('afterThan'));
  const beforeThan = parseDateMs('beforeThan', q.get('beforeThan'));
  const excluded = parseLongList('excludedAnnotation', q.get('excludedAnnotation'));
  const excludedSet = excluded ? new Set(excluded) : null;
  const bboxParam = q.get('bbox') ?? q.get('bboxAnnotation');
  const bbox = bboxParam ? parseBbox(bboxParam) : null;

  const matches = (a: DatasetAnnotation): boolean => {
    if (project !== undefined && a.project !== project) return false;
    if (imageSet && !imageSet.has(a.image)) return false;
    if (userSet && !userSet.has(a.user)) return false;
    if (reviewed && !a.reviewed) return false;
    if (notReviewedOnly && a.reviewed) return false;
    if (afterThan !== undefined && !(a.created > afterThan)) return false;
    if (beforeThan !== undefined && !(a.created < beforeThan)) return false;
    if (excludedSet?.has(a.id)) return false;
    if (termSet) {
      const hit = a.terms.some(
        (l) => termSet.has(l.term) && (!usersForTermSet || usersForTermSet.has(l.user)),
      );
      if (!hit && !(noTerm && a.terms.length === 0)) return false;
    } else if (noTerm && a.terms.length > 0) return false;
    if (multipleTerm && new Set(a.terms.map((l) => l.term)).size < 2) return false;
    if (bbox) {
      const b = a.bbox;
      if (!(b[0] <= bbox[2] && b[2] >= bbox[0] && b[1] <= bbox[3] && b[3] >= bbox[1])) return false;
      try {
        if (!intersectsRect(parseWkt(a.location), bbox)) return false;
      } catch {
        return false;
      }
    }
    return true;
  };

  // The filtered, ORDER BY a.id DESC result depends only on the filters: cached per filter set
  // (annotations are stored in ascending id order).
  const sortedIds = (set: ReadonlySet<number> | null | undefined) =>
    set ? [...set].sort((x, y) => x - y) : null;
  const key = [
    project,
    sortedIds(imageSet),
    sortedIds(userSet),
    sortedIds(termSet),
    sortedIds(usersForTermSet),
    noTerm,
    multipleTerm,
    reviewed,
    notReviewedOnly,
    afterThan,
    beforeThan,
    sortedIds(excludedSet),
    bbox,
  ]
    .map(String)
    .join('|');
  const listing = ctx.state.listings.get(ctx.state.version, d.annotations, key, () => {
    const out: DatasetAnnotation[] = [];
    for (let k = d.annotations.length - 1; k >= 0; k--) {
      const a = d.annotations[k]!;
      if (matches(a)) out.push(a);
    }
    return out;
  });
  const result = listing.result;

  const groups = groupsToShow(q);
  const usersById = new Map(d.users.map((u) => [u.id, u]));
  // Columns are decided from the first row of the whole result: a key whose value is null there
  // is absent from every item.
  const layout = itemLayout(
    {
      groups,
      scalarTerm: termSet !== null && !groups.has('term'),
      cls: reviewed
        ? 'be.cytomine.domain.ontology.ReviewedAnnotation'
        : 'be.cytomine.domain.ontology.UserAnnotation',
      images,
      users: usersById,
      baseUrl: ctx.state.url,
    },
    result[0],
  );
  const p = pageSlice(ctx, result.length);
  const pageKey = `${layout.key}#${p.offset}#${p.max}#${p.end}`;
  const inputsOf = (k: number, visit: (v: unknown) => boolean): boolean => {
    const a = result[k]!;
    return visitItemInputs(a, images.get(a.image), usersById.get(a.user), visit);
  };
  const cached = listing.pages.get(pageKey);
  if (cached) {
    const inputs = cached.inputs;
    let i = 0;
    const same = (v: unknown): boolean => inputs[i++] === v;
    let k = p.start;
    while (k < p.end && inputsOf(k, same)) k++;
    if (k === p.end && i === inputs.length) {
      return { status: 200, body: cached.body, contentType: JSON_CONTENT_TYPE };
    }
  }
  const body = Buffer.from(JSON.stringify(listBody(p, result, 'memory', layout.build)), 'utf8');
  const inputs: unknown[] = [];
  const record = (v: unknown): boolean => inputs.push(v) > 0;
  for (let k = p.start; k < p.end; k++) inputsOf(k, record);
  ctx.state.listings.putPage(listing, pageKey, { body, inputs });
  return { status: 200, body, contentType: JSON_CONTENT_TYPE };
}
