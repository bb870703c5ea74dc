import type { RequestContext, RouteResponse } from '../server/context.js';
import { listResponse } from '../server/envelope.js';
import { annotationTermJson } from '../server/json.js';
import { commandError, notFound, ok } from '../server/respond.js';
import type { DatasetAnnotation, DatasetAnnotationTerm } from '../types.js';
import { annotationIndex } from './annotation-write.js';

function findAnnotation(ctx: RequestContext, id: number): DatasetAnnotation | undefined {
  const d = ctx.state.dataset;
  const k = annotationIndex(d, id);
  return k < 0 ? undefined : d.annotations[k];
}

/** `GET /api/annotation/{id}/term.json`: the annotation's AnnotationTerm links. */
export function listAnnotationTerms(ctx: RequestContext): RouteResponse {
  const id = Number(ctx.params[0]);
  const a = findAnnotation(ctx, id);
  if (!a) return notFound('Annotation', id);
  return listResponse(ctx, a.terms, 'memory', (l) => annotationTermJson(a, l));
}

function touch(a: DatasetAnnotation): void {
  a.updated = Math.max(Date.now(), a.created + 1);
}

/**
 * `POST /api/annotation/{id}/term/{termId}.json` (ids read from the body when present, like
 * the core) and `.../clearBefore.json` (removes the user's links first, or everyone's with
 * `clearForAll=true`).
 */
export function addAnnotationTerm(clearBefore: boolean) {
  return (ctx: RequestContext): RouteResponse => {
    const d = ctx.state.dataset;
    const body = (typeof ctx.body === 'object' && ctx.body !== null ? ctx.body : {}) as Record<
      string,
      unknown
    >;
    const annotationId = Number(body.userannotation ?? body.annotation ?? ctx.params[0]);
    const termId = Number(body.term ?? ctx.params[1]);
    const a = findAnnotation(ctx, annotationId);
    if (!a) return commandError(404, `UserAnnotation ${annotationId} not found`);
    const term = d.terms.find((t) => t.id === termId);
    if (!term) return commandError(404, `Term ${termId} not found`);
    const ontology = d.projects.find((p) => p.id === a.project)?.ontology;
    if (term.ontology !== ontology) {
      return commandError(400, `Term ${term.id} is not in the ontology of the project`);
    }
    let changed = false;
    if (clearBefore) {
      const forAll = (ctx.query.get('clearForAll') ?? '').toLowerCase() === 'true';
      const before = a.terms.length;
      a.terms = a.terms.filter((l) => !(forAll || l.user === ctx.user.id) || l.term === termId);
      changed = a.terms.length !== before;
    }
    let link = a.terms.find((l) => l.term === termId && l.user === ctx.user.id);
    if (link && !clearBefore) return commandError(400, `AnnotationTerm with term ${termId} already exists`);
    if (!link) {
      link = { id: d.nextId++, term: termId, user: ctx.user.id, created: Date.now() };
      a.terms.push(link);
      changed = true;
    }
    if (changed) {
      touch(a);
      ctx.wrote();
    }
    return ok({
      message: `AnnotationTerm ${link.id} (annotation ${a.id}, term ${termId}) added`,
      callback: {
        method: 'be.cytomine.AddAnnotationTermCommand',
        annotationtermID: String(link.id),
        annotationID: String(a.id),
        termID: String(termId),
      },
      printMessage: true,
      annotationterm: annotationTermJson(a, link),
      command: d.nextId++,
    });
  };
}

/** `DELETE /api/annotation/{id}/term/{termId}.json` and `.../term/{termId}/user/{userId}.json`. */
export function deleteAnnotationTerm(ctx: RequestContext): RouteResponse {
  const annotationId = Number(ctx.params[0]);
  const termId = Number(ctx.params[1]);
  const userId = ctx.params[2] !== undefined ? Number(ctx.params[2]) : ctx.user.id;
  const a = findAnnotation(ctx, annotationId);
  if (!a) return commandError(404, `UserAnnotation ${annotationId} not found`);
  const k = a.terms.findIndex((l) => l.term === termId && l.user === userId);
  if (k < 0) {
    return commandError(
      404,
      `AnnotationTerm not found (annotation ${annotationId}, term ${termId}, user ${userId})`,
    );
  }
  const [link] = a.terms.splice(k, 1) as [DatasetAnnotationTerm];
  touch(a);
  ctx.wrote();
  return ok({
    message: `AnnotationTerm ${link.id} deleted`,
    callback: { method: 'be.cytomine.DeleteAnnotationTermCommand', annotationtermID: String(link.id) },
    printMessage: true,
    annotationterm: annotationTermJson(a, link),
    command: ctx.state.dataset.nextId++,
  });
}
