import type { RequestContext, RouteResponse } from './context.js';
import { parseLong } from './params.js';
import { badRequest } from './respond.js';

const MAX_INT = 2_147_483_647;

/** Content type of JSON answers. */
export const JSON_CONTENT_TYPE = 'application/json;charset=UTF-8';

/** Page parameters read from `max` and `offset` (`max=0` means everything). */
export interface PageRequest {
  max: number;
  offset: number;
}

/** Reads `max`/`offset`; 400 when negative. */
export function pageRequest(ctx: RequestContext): PageRequest {
  const max = parseLong('max', ctx.query.get('max')) ?? 0;
  const offset = parseLong('offset', ctx.query.get('offset')) ?? 0;
  if (max < 0 || offset < 0) badRequest('max and offset must be >= 0');
  return { max: max === 0 ? MAX_INT : max, offset };
}

/** The part of a list of `size` items that a request asks for (after the `pageCap` fault). */
export interface PageSlice extends PageRequest {
  /** First index of the page. */
  start: number;
  /** Index after the page's last item. */
  end: number;
}

/** Reads `max`/`offset` (400 when negative) and bounds the page of a list of `size` items. */
export function pageSlice(ctx: RequestContext, size: number): PageSlice {
  const { max, offset } = pageRequest(ctx);
  const cap = ctx.state.faults.pageCap;
  const limit = cap !== undefined && cap > 0 ? Math.min(max, cap) : max;
  return { max, offset, start: Math.min(offset, size), end: Math.min(size, offset + limit) };
}

function envelopeFields(
  p: PageSlice,
  size: number,
  pageLength: number,
  kind: 'memory' | 'db',
): { offset: number; perPage: number; size: number; totalPages: number } {
  return {
    offset: p.offset,
    perPage: kind === 'memory' ? Math.min(p.max, size) : Math.min(p.max, pageLength),
    size,
    totalPages: size === 0 ? 0 : Math.ceil(size / p.max),
  };
}

/**
 * The §3.2 list envelope of the page `p` of `items` (see {@link listResponse}).
 */
export function listBody<T, R>(
  p: PageSlice,
  items: readonly T[],
  kind: 'memory' | 'db',
  map: (item: T) => R,
): { collection: R[]; offset: number; perPage: number; size: number; totalPages: number } {
  const page = items.slice(p.start, p.end).map(map);
  return { collection: page, ...envelopeFields(p, items.length, page.length, kind) };
}

/**
 * The §3.2 list envelope. `kind` picks the meaning of `perPage`: `memory` lists give
 * `min(max, size)`, `db` pages give `min(max, items in this page)`. The fault option
 * `pageCap` silently limits the page length.
 */
export function listResponse<T, R>(
  ctx: RequestContext,
  items: readonly T[],
  kind: 'memory' | 'db',
  map: (item: T) => R,
): RouteResponse {
  return { status: 200, body: listBody(pageSlice(ctx, items.length), items, kind, map) };
}
