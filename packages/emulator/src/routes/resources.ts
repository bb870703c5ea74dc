import type { RequestContext, RouteResponse } from '../server/context.js';
import { listResponse } from '../server/envelope.js';
import { imageJson, ontologyJson, projectJson, publicUserJson, termJson, userJson } from '../server/json.js';
import { notFound, ok } from '../server/respond.js';

const id = (ctx: RequestContext, k = 0): number => Number(ctx.params[k]);

type Sortable = { id: number; created: number; name?: string };

/** DB-page sorting: `sort` (id, created, name) and `order` (asc, desc); default `created desc`. */
function sorted<T extends Sortable>(ctx: RequestContext, items: readonly T[]): T[] {
  const key = ctx.query.get('sort') ?? 'created';
  const desc = (ctx.query.get('order') ?? 'desc').toLowerCase() !== 'asc';
  const k = key === 'id' || key === 'name' ? key : 'created';
  return [...items].sort((a, b) => {
    const x = a[k] ?? '';
    const y = b[k] ?? '';
    const c = x < y ? -1 : x > y ? 1 : a.id - b.id;
    return desc ? -c : c;
  });
}

/** `GET /api/user/current.json` and the guide's `/api/currentuser.json`. */
export function currentUser(ctx: RequestContext): RouteResponse {
  return ok(userJson(ctx.user));
}

/** `GET /api/user/{id}.json`. */
export function getUser(ctx: RequestContext): RouteResponse {
  const u = ctx.state.dataset.users.find((x) => x.id === id(ctx));
  return u ? ok(u.id === ctx.user.id ? userJson(u) : publicUserJson(u)) : notFound('User', id(ctx));
}

/** `GET /api/user.json` (in-memory list). */
export function listUsers(ctx: RequestContext): RouteResponse {
  return listResponse(ctx, ctx.state.dataset.users, 'memory', publicUserJson);
}

/** `GET /api/project.json` (DB page). Every user is a member of every project. */
export function listProjects(ctx: RequestContext): RouteResponse {
  const d = ctx.state.dataset;
  return listResponse(ctx, sorted(ctx, d.projects), 'db', (p) => projectJson(d, p));
}

/** `GET /api/ontology/{id}/project.json` and `/api/user/{id}/project.json`. */
export function listProjectsBy(field: 'ontology' | 'user') {
  return (ctx: RequestContext): RouteResponse => {
    const d = ctx.state.dataset;
    const key = id(ctx);
    if (field === 'ontology' && !d.ontologies.some((o) => o.id === key)) return notFound('Ontology', key);
    if (field === 'user' && !d.users.some((u) => u.id === key)) return notFound('User', key);
    const items = field === 'ontology' ? d.projects.filter((p) => p.ontology === key) : d.projects;
    return listResponse(ctx, sorted(ctx, items), 'memory', (p) => projectJson(d, p));
  };
}

/** `GET /api/project/{id}.json`. */
export function getProject(ctx: RequestContext): RouteResponse {
  const d = ctx.state.dataset;
  const p = d.projects.find((x) => x.id === id(ctx));
  return p ? ok(projectJson(d, p)) : notFound('Project', id(ctx));
}

/** `GET /api/ontology.json`. */
export function listOntologies(ctx: RequestContext): RouteResponse {
  const d = ctx.state.dataset;
  return listResponse(ctx, d.ontologies, 'memory', (o) => ontologyJson(d, o));
}

/** `GET /api/ontology/{id}.json`. */
export function getOntology(ctx: RequestContext): RouteResponse {
  const d = ctx.state.dataset;
  const o = d.ontologies.find((x) => x.id === id(ctx));
  return o ? ok(ontologyJson(d, o)) : notFound('Ontology', id(ctx));
}

/** `GET /api/term.json`, `/api/ontology/{id}/term.json`, `/api/project/{id}/term.json`. */
export function listTerms(by: 'all' | 'ontology' | 'project') {
  return (ctx: RequestContext): RouteResponse => {
    const d = ctx.state.dataset;
    let ontology: number | undefined;
    if (by === 'ontology') {
      ontology = id(ctx);
      if (!d.ontologies.some((o) => o.id === ontology)) return notFound('Ontology', ontology);
    } else if (by === 'project') {
      const p = d.projects.find((x) => x.id === id(ctx));
      if (!p) return notFound('Project', id(ctx));
      ontology = p.ontology;
    }
    const terms = ontology === undefined ? d.terms : d.terms.filter((t) => t.ontology === ontology);
    return listResponse(ctx, terms, 'memory', termJson);
  };
}

/** `GET /api/term/{id}.json`. */
export function getTerm(ctx: RequestContext): RouteResponse {
  const t = ctx.state.dataset.terms.find((x) => x.id === id(ctx));
  return t ? ok(termJson(t)) : notFound('Term', id(ctx));
}

/** `GET /api/project/{id}/imageinstance.json` (DB page, default `created desc`). */
export function listImages(ctx: RequestContext): RouteResponse {
  const d = ctx.state.dataset;
  const projectId = id(ctx);
  if (!d.projects.some((p) => p.id === projectId)) return notFound('Project', projectId);
  const light = (ctx.query.get('light') ?? '').toLowerCase() === 'true';
  const items = sorted(
    ctx,
    d.images.filter((i) => i.project === projectId).map((i) => ({ ...i, name: i.filename })),
  );
  return listResponse(ctx, items, 'db', (i) => {
    if (!light) return imageJson(d, ctx.state.url, i);
    return { id: i.id, instanceFilename: i.filename, blindedName: null, width: i.width, height: i.height };
  });
}

/** `GET /api/imageinstance/{id}.json`. */
export function getImage(ctx: RequestContext): RouteResponse {
  const d = ctx.state.dataset;
  const i = d.images.find((x) => x.id === id(ctx));
  return i ? ok(imageJson(d, ctx.state.url, i)) : notFound('ImageInstance', id(ctx));
}

/** `GET|POST /server/ping(.json)`: no auth. */
export function ping(ctx: { state: { url: string } }): RouteResponse {
  return ok({
    alive: true,
    version: '2024.1.0-cytorx-emulator',
    serverURL: ctx.state.url,
    serverID: 'cytorx-emulator',
  });
}
