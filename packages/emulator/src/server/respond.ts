import type { RouteResponse } from './context.js';

/** 200 with a JSON body. */
export function ok(body: unknown): RouteResponse {
  return { status: 200, body };
}

/** Cytomine's exception-handler error: `{"errors":{"message":...},"errorValues":null}`. */
export function apiError(status: number, message: string): RouteResponse {
  return { status, body: { errors: { message }, errorValues: null } };
}

/** `GET /x/{id}.json` on an unknown id: `{"errors":{"message":"Project not found with filters : {id=42}"}}`. */
export function notFound(entity: string, id: number | string): RouteResponse {
  return { status: 404, body: { errors: { message: `${entity} not found with filters : {id=${id}}` } } };
}

/** An add/update/delete failure as `RestCytomineController` answers it (`errors` is a string). */
export function commandError(status: number, message: string): RouteResponse {
  return { status, body: { success: false, errors: message, errorValues: null } };
}

/** Spring Boot's default error JSON (401 from `sendError`, unknown paths). */
export function springError(status: number, error: string, path: string): RouteResponse {
  return { status, body: { timestamp: new Date().toISOString(), status, error, path } };
}

/** An error a handler throws to answer early. */
export class HttpAnswer extends Error {
  constructor(readonly response: RouteResponse) {
    super(`HTTP ${response.status}`);
  }
}

/** Throws a 400 `{"errors":{"message"}}` answer. */
export function badRequest(message: string): never {
  throw new HttpAnswer(apiError(400, message));
}
