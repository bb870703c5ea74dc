import { annotationUrls, gisFields, termIds, userByTerm } from '../server/json.js';
import type { DatasetAnnotation, DatasetImage, DatasetUser } from '../types.js';

/** The property groups of the annotation listing (`showX`/`hideX`). */
export const GROUPS = ['basic', 'meta', 'wkt', 'gis', 'term', 'image', 'user', 'slice', 'track'] as const;
/** A property group. */
export type Group = (typeof GROUPS)[number];

/** What the items of one listing request depend on. */
export interface ItemOptions {
  groups: ReadonlySet<Group>;
  /** `term` as a scalar (term filter without the term group). */
  scalarTerm: boolean;
  /** The `class` of every item. */
  cls: string;
  images: ReadonlyMap<number, DatasetImage>;
  users: ReadonlyMap<number, DatasetUser>;
  baseUrl: string;
}

type Item = Record<string, unknown>;

/**
 * Builds one item, keys in the order Cytomine writes them (`class`, `id`, then the meta, WKT,
 * GIS, term, image, user, slice and track properties), leaving out the keys `keep` says no to.
 * Every store is a named property store, in one order: items of a request share one hidden
 * class and `JSON.stringify` stays on its fast path (objects filled with computed keys or
 * `delete` fall back to slow dictionary mode).
 */
function build(o: ItemOptions, keep: (key: string) => boolean, a: DatasetAnnotation): Item {
  const g = o.groups;
  const img = o.images.get(a.image);
  const item: Item = { class: o.cls, id: a.id };
  if (g.has('meta')) {
    const u = annotationUrls(o.baseUrl, a);
    if (keep('created')) item.created = a.created;
    if (keep('updated')) item.updated = a.updated;
    if (keep('image')) item.image = a.image;
    if (keep('slice')) item.slice = img?.slice ?? null;
    if (keep('project')) item.project = a.project;
    if (keep('user')) item.user = a.user;
    if (keep('nbComments')) item.nbComments = 0;
    if (keep('countReviewedAnnotations')) item.countReviewedAnnotations = a.reviewed ? 1 : 0;
    if (keep('reviewed')) item.reviewed = a.reviewed;
    if (keep('cropURL')) item.cropURL = u.cropURL;
    if (keep('smallCropURL')) item.smallCropURL = u.smallCropURL;
    if (keep('url')) item.url = u.url;
    if (keep('imageURL')) item.imageURL = u.imageURL;
  }
  if (g.has('wkt')) {
    if (keep('location')) item.location = a.location;
    if (keep('geometryCompression')) item.geometryCompression = 0.0;
  }
  if (g.has('gis')) {
    const gis = gisFields(a, img);
    if (keep('area')) item.area = gis.area;
    if (keep('areaUnit')) item.areaUnit = gis.areaUnit;
    if (keep('perimeter')) item.perimeter = gis.perimeter;
    if (keep('perimeterUnit')) item.perimeterUnit = gis.perimeterUnit;
    if (keep('centroid')) item.centroid = gis.centroid;
  }
  if (g.has('term')) {
    if (keep('term')) item.term = termIds(a);
    if (keep('userByTerm')) item.userByTerm = userByTerm(a);
  } else if (o.scalarTerm && keep('term')) item.term = termIds(a)[0] ?? null;
  if (g.has('image')) {
    if (keep('originalFilename')) item.originalFilename = img?.filename ?? null;
    if (keep('instanceFilename')) item.instanceFilename = img?.filename ?? null;
  }
  if (g.has('user')) {
    const u = o.users.get(a.user);
    if (keep('creator')) item.creator = u?.username ?? null;
    if (keep('name')) item.name = u ? `${u.firstname} ${u.lastname}` : null;
  }
  if (g.has('slice')) {
    if (keep('channel')) item.channel = 0;
    if (keep('zStack')) item.zStack = 0;
    if (keep('time')) item.time = 0;
  }
  if (g.has('track')) {
    if (keep('track')) item.track = [];
    if (keep('annotationTrack')) item.annotationTrack = [];
  }
  return item;
}

/** How the items of one listing request are written. */
export interface ItemLayout {
  /** Names everything of the request an item's JSON depends on (besides the item's own data). */
  key: string;
  /** The JSON object of an item. */
  build(a: DatasetAnnotation): Item;
}

/**
 * How to build the items of a listing. The columns are decided from `first` (the first row of
 * the whole result, Cytomine's quirk): a key whose value is `null` or `undefined` there is left
 * out of every item.
 */
export function itemLayout(o: ItemOptions, first: DatasetAnnotation | undefined): ItemLayout {
  const sample = first ? build(o, () => true, first) : {};
  const dropped = new Set(Object.keys(sample).filter((k) => sample[k] === null || sample[k] === undefined));
  const keep = (key: string): boolean => !dropped.has(key);
  return {
    key: [[...o.groups].join(','), [...dropped].join(','), o.cls, o.scalarTerm, o.baseUrl].join('|'),
    build: (a) => build(o, keep, a),
  };
}

/**
 * Visits everything {@link itemLayout}'s `build` reads of an annotation, its image and its
 * creator, in one fixed order (the one place that lists them): recording the values once and
 * comparing them later tells whether a serialised item is still what `build` would give.
 * Stops and returns false as soon as `visit` does.
 */
export function visitItemInputs(
  a: DatasetAnnotation,
  img: DatasetImage | undefined,
  u: DatasetUser | undefined,
  visit: (v: unknown) => boolean,
): boolean {
  if (
    !visit(a) ||
    !visit(a.id) ||
    !visit(a.created) ||
    !visit(a.updated) ||
    !visit(a.image) ||
    !visit(a.project) ||
    !visit(a.user) ||
    !visit(a.reviewed) ||
    !visit(a.location) ||
    !visit(a.terms) ||
    !visit(a.terms.length)
  ) {
    return false;
  }
  for (const l of a.terms) if (!visit(l.id) || !visit(l.term) || !visit(l.user)) return false;
  return (
    visit(img) &&
    visit(img?.slice) &&
    visit(img?.filename) &&
    visit(img?.physicalSizeX) &&
    visit(u) &&
    visit(u?.username) &&
    visit(u?.firstname) &&
    visit(u?.lastname)
  );
}
