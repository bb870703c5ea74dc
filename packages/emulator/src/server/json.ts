import { envelope } from '../geometry/geometry.js';
import { measure } from '../geometry/measure.js';
import { parseWkt } from '../geometry/wkt.js';
import type {
  Dataset,
  DatasetAnnotation,
  DatasetAnnotationTerm,
  DatasetImage,
  DatasetOntology,
  DatasetProject,
  DatasetTerm,
  DatasetUser,
} from '../types.js';

const str = (t: number | null): string | null => (t === null ? null : String(t));
const PKG = 'be.cytomine.domain';

/** The ULG superset of `GET /api/user/current.json`. */
export function userJson(u: DatasetUser): Record<string, unknown> {
  return {
    class: `${PKG}.security.User`,
    id: u.id,
    created: String(u.created),
    updated: null,
    username: u.username,
    name: `${u.firstname} ${u.lastname}`,
    fullName: `${u.firstname} ${u.lastname}`,
    origin: 'BOOTSTRAP',
    algo: false,
    firstname: u.firstname,
    lastname: u.lastname,
    email: u.email,
    language: 'ENGLISH',
    publicKey: u.publicKey,
    privateKey: u.privateKey,
    passwordExpired: false,
    isDeveloper: false,
    enabled: true,
    user: null,
    admin: u.admin,
    guest: false,
    adminByNow: u.admin,
    userByNow: true,
    guestByNow: false,
    isSwitched: false,
  };
}

/** A public view of a user (`/api/user/{id}.json`): no keys. */
export function publicUserJson(u: DatasetUser): Record<string, unknown> {
  const { publicKey: _p, privateKey: _k, email: _e, ...rest } = userJson(u);
  return rest;
}

/** `Project.getDataFromDomain`. */
export function projectJson(d: Dataset, p: DatasetProject): Record<string, unknown> {
  let images = 0;
  for (const i of d.images) if (i.project === p.id) images++;
  let annotations = 0;
  let reviewed = 0;
  for (const a of d.annotations) {
    if (a.project === p.id) {
      annotations++;
      if (a.reviewed) reviewed++;
    }
  }
  return {
    class: `${PKG}.project.Project`,
    id: p.id,
    created: String(p.created),
    updated: str(p.updated),
    deleted: null,
    name: p.name,
    ontology: p.ontology,
    ontologyName: d.ontologies.find((o) => o.id === p.ontology)?.name ?? null,
    blindMode: false,
    areImagesDownloadable: true,
    numberOfSlides: images,
    numberOfImages: images,
    numberOfAnnotations: annotations,
    numberOfJobAnnotations: 0,
    numberOfReviewedAnnotations: reviewed,
    isClosed: false,
    isReadOnly: p.isReadOnly,
    isRestricted: false,
    hideUsersLayers: false,
    hideAdminsLayers: false,
  };
}

/** `Term.getDataFromDomain`. */
export function termJson(t: DatasetTerm): Record<string, unknown> {
  return {
    class: `${PKG}.ontology.Term`,
    id: t.id,
    created: String(t.created),
    updated: null,
    name: t.name,
    comment: t.comment,
    ontology: t.ontology,
    color: t.color,
    parent: t.parent,
  };
}

/** `Ontology.getDataFromDomain`, with the term tree in `children`. */
export function ontologyJson(d: Dataset, o: DatasetOntology): Record<string, unknown> {
  return {
    class: `${PKG}.ontology.Ontology`,
    id: o.id,
    created: String(o.created),
    updated: null,
    name: o.name,
    title: o.name,
    data: o.name,
    attr: { id: o.id, type: `${PKG}.ontology.Ontology` },
    isFolder: true,
    key: o.id,
    hideCheckbox: true,
    state: 'open',
    user: o.user,
    projects: d.projects.filter((p) => p.ontology === o.id).map((p) => ({ id: p.id, name: p.name })),
    children: d.terms
      .filter((t) => t.ontology === o.id)
      .map((t) => ({
        id: t.id,
        key: t.id,
        title: t.name,
        data: t.name,
        name: t.name,
        color: t.color,
        class: `${PKG}.ontology.Term`,
        parent: t.parent,
        isFolder: false,
        hideCheckbox: false,
        checked: false,
        attr: { id: t.id, type: `${PKG}.ontology.Term` },
        children: [],
      })),
  };
}

/** `ImageInstance.getDataFromDomain`. */
export function imageJson(d: Dataset, baseUrl: string, i: DatasetImage): Record<string, unknown> {
  let annotations = 0;
  let reviewed = 0;
  for (const a of d.annotations) {
    if (a.image === i.id) {
      annotations++;
      if (a.reviewed) reviewed++;
    }
  }
  const levels = Math.ceil(Math.log2(Math.max(i.width, i.height) / 256)) + 1;
  return {
    class: `${PKG}.image.ImageInstance`,
    id: i.id,
    created: String(i.created),
    updated: null,
    deleted: null,
    baseImage: i.baseImage,
    project: i.project,
    user: d.users[0]?.id ?? null,
    instanceFilename: i.filename,
    originalFilename: i.filename,
    filename: `${i.baseImage}/${i.filename}`,
    blindedName: null,
    path: `/data/images/${i.baseImage}/${i.filename}`,
    contentType: 'openslide/svs',
    width: i.width,
    height: i.height,
    depth: 1,
    duration: 1,
    channels: 1,
    extrinsicChannels: 1,
    physicalSizeX: i.physicalSizeX,
    physicalSizeY: i.physicalSizeX,
    physicalSizeZ: null,
    fps: null,
    zoom: Math.max(1, levels),
    tileSize: 256,
    isVirtual: false,
    magnification: i.magnification,
    bitPerSample: 8,
    samplePerPixel: 3,
    colorspace: 'SRGB',
    reviewStart: null,
    reviewStop: null,
    reviewUser: null,
    reviewed: false,
    inReview: false,
    numberOfAnnotations: annotations,
    numberOfJobAnnotations: 0,
    numberOfReviewedAnnotations: reviewed,
    thumb: `${baseUrl}/api/imageinstance/${i.id}/thumb.png?maxSize=512`,
    preview: `${baseUrl}/api/imageinstance/${i.id}/thumb.png?maxSize=1024`,
    macroURL: `${baseUrl}/api/imageinstance/${i.id}/associated/macro.png?maxWidth=512`,
  };
}

/** Distinct term ids of an annotation, ascending. */
export function termIds(a: DatasetAnnotation): number[] {
  return [...new Set(a.terms.map((t) => t.term))].sort((x, y) => x - y);
}

/** `userByTerm`: one entry per term with every user who put it. */
export function userByTerm(a: DatasetAnnotation): { id: number; term: number; user: number[] }[] {
  const out = new Map<number, { id: number; term: number; user: number[] }>();
  for (const l of a.terms) {
    const e = out.get(l.term);
    if (e) {
      if (!e.user.includes(l.user)) e.user.push(l.user);
    } else out.set(l.term, { id: l.id, term: l.term, user: [l.user] });
  }
  return [...out.values()];
}

/** Area/perimeter/centroid with Cytomine's units (µm²/mm when the image is calibrated). */
export function gisFields(a: DatasetAnnotation, image: DatasetImage | undefined): Record<string, unknown> {
  const calibrated = image?.physicalSizeX ?? null;
  let m: ReturnType<typeof measure> | null = null;
  try {
    m = measure(parseWkt(a.location));
  } catch {
    m = null;
  }
  if (!m) {
    return { area: null, areaUnit: null, perimeter: null, perimeterUnit: null, centroid: null };
  }
  return calibrated
    ? {
        area: m.area * calibrated * calibrated,
        areaUnit: 'micron²',
        perimeter: (m.length * calibrated) / 1000,
        perimeterUnit: 'mm',
        centroid: m.centroid,
      }
    : {
        area: Math.round(m.area),
        areaUnit: 'pixels²',
        perimeter: Math.round(m.length),
        perimeterUnit: 'pixels',
        centroid: m.centroid,
      };
}

/** The URLs of an annotation (meta group). */
export function annotationUrls(baseUrl: string, a: DatasetAnnotation): Record<string, string> {
  return {
    cropURL: `${baseUrl}/api/userannotation/${a.id}/crop.png`,
    smallCropURL: `${baseUrl}/api/userannotation/${a.id}/crop.png?maxSize=256`,
    url: `${baseUrl}/#/project/${a.project}/image/${a.image}/annotation/${a.id}`,
    imageURL: `${baseUrl}/#/project/${a.project}/image/${a.image}`,
  };
}

/** `GET /api/annotation/{id}.json` (dates as strings). */
export function annotationJson(d: Dataset, baseUrl: string, a: DatasetAnnotation): Record<string, unknown> {
  const image = d.images.find((i) => i.id === a.image);
  return {
    class: `${PKG}.ontology.UserAnnotation`,
    id: a.id,
    created: String(a.created),
    updated: str(a.updated),
    slice: image?.slice ?? null,
    image: a.image,
    project: a.project,
    user: a.user,
    location: a.location,
    geometryCompression: 0.0,
    ...gisFields(a, image),
    term: termIds(a),
    userByTerm: userByTerm(a),
    nbComments: 0,
    ...annotationUrls(baseUrl, a),
    reviewed: a.reviewed,
  };
}

/** An `AnnotationTerm`. */
export function annotationTermJson(a: DatasetAnnotation, l: DatasetAnnotationTerm): Record<string, unknown> {
  return {
    class: `${PKG}.ontology.AnnotationTerm`,
    id: l.id,
    created: String(l.created),
    updated: null,
    deleted: null,
    userannotation: a.id,
    term: l.term,
    user: l.user,
  };
}

/** Envelope of a WKT string (NaN when it does not parse). */
export function wktEnvelope(wkt: string): [number, number, number, number] {
  try {
    return envelope(parseWkt(wkt));
  } catch {
    return [Number.NaN, Number.NaN, Number.NaN, Number.NaN];
  }
}
