import { listAnnotations } from '../routes/annotation-list.js';
import { addAnnotationTerm, deleteAnnotationTerm, listAnnotationTerms } from '../routes/annotation-terms.js';
import {
  createAnnotations,
  deleteAnnotation,
  getAnnotation,
  updateAnnotation,
} from '../routes/annotation-write.js';
import { imageThumb } from '../routes/image-thumb.js';
import { imageWindow } from '../routes/image-window.js';
import {
  currentUser,
  getImage,
  getOntology,
  getProject,
  getTerm,
  getUser,
  listImages,
  listOntologies,
  listProjects,
  listProjectsBy,
  listTerms,
  listUsers,
} from '../routes/resources.js';
import type { Handler } from './context.js';

/** A route: methods, a path regex with captures, the pattern name used in stats. */
export interface Route {
  methods: readonly string[];
  re: RegExp;
  name: string;
  handler: Handler;
}

const ID = '(\\d+)';
const routes: Route[] = [];

/** Registers a route; `{id}` segments in `pattern` match digits. */
function route(methods: string | readonly string[], pattern: string, handler: Handler): void {
  const source = pattern
    .split(/(\{[a-zA-Z]+\})/)
    .map((part) => (/^\{[a-zA-Z]+\}$/.test(part) ? ID : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  routes.push({
    methods: typeof methods === 'string' ? [methods] : methods,
    re: new RegExp(`^${source}$`),
    name: pattern,
    handler,
  });
}

/** Registers a route with a raw regex. */
function routeRe(methods: readonly string[], re: RegExp, name: string, handler: Handler): void {
  routes.push({ methods, re, name, handler });
}

/** Finds the route of a path; `allowed` lists the methods of a path that matched another method. */
export function matchRoute(
  method: string,
  path: string,
): { route: Route; params: string[] } | { route: undefined; name: string; allowed: string[] } {
  const allowed: string[] = [];
  let name = '(unmatched)';
  for (const r of routes) {
    const m = r.re.exec(path);
    if (!m) continue;
    if (r.methods.includes(method)) return { route: r, params: m.slice(1) };
    allowed.push(...r.methods);
    name = r.name;
  }
  return { route: undefined, name, allowed };
}

route('GET', '/api/user/current.json', currentUser);
route('GET', '/api/currentuser.json', currentUser);
route('GET', '/api/user.json', listUsers);
route('GET', '/api/user/{id}.json', getUser);
route('GET', '/api/user/{id}/project.json', listProjectsBy('user'));
route('GET', '/api/project.json', listProjects);
route('GET', '/api/project/{id}.json', getProject);
route('GET', '/api/project/{id}/term.json', listTerms('project'));
route('GET', '/api/project/{id}/imageinstance.json', listImages);
route('GET', '/api/ontology.json', listOntologies);
route('GET', '/api/ontology/{id}.json', getOntology);
route('GET', '/api/ontology/{id}/term.json', listTerms('ontology'));
route('GET', '/api/ontology/{id}/project.json', listProjectsBy('ontology'));
route('GET', '/api/term.json', listTerms('all'));
route('GET', '/api/term/{id}.json', getTerm);
route('GET', '/api/imageinstance/{id}.json', getImage);
route('GET', '/api/annotation.json', listAnnotations);
route(['GET', 'POST'], '/api/annotation/search.json', listAnnotations);
for (const base of ['/api/annotation', '/api/userannotation']) {
  route('POST', `${base}.json`, createAnnotations);
  route('GET', `${base}/{id}.json`, getAnnotation);
  route('PUT', `${base}/{id}.json`, updateAnnotation);
  route('DELETE', `${base}/{id}.json`, deleteAnnotation);
}
route('GET', '/api/annotation/{id}/term.json', listAnnotationTerms);
route('POST', '/api/annotation/{id}/term/{id}.json', addAnnotationTerm(false));
route('POST', '/api/annotation/{id}/term/{id}/clearBefore.json', addAnnotationTerm(true));
route('DELETE', '/api/annotation/{id}/term/{id}.json', deleteAnnotationTerm);
route('DELETE', '/api/annotation/{id}/term/{id}/user/{id}.json', deleteAnnotationTerm);
routeRe(
  ['GET', 'POST'],
  /^\/api\/imageinstance\/(\d+)\/window-(-?\d+)-(-?\d+)-(\d+)-(\d+)\.([A-Za-z]+)$/,
  '/api/imageinstance/{id}/window-{x}-{y}-{w}-{h}.{format}',
  imageWindow,
);
routeRe(
  ['GET', 'POST'],
  /^\/api\/imageinstance\/(\d+)\/thumb\.([A-Za-z]+)$/,
  '/api/imageinstance/{id}/thumb.{format}',
  imageThumb(512),
);
routeRe(
  ['GET', 'POST'],
  /^\/api\/imageinstance\/(\d+)\/preview\.([A-Za-z]+)$/,
  '/api/imageinstance/{id}/preview.{format}',
  imageThumb(1024),
);
