import type { RequestContext, RouteResponse } from './context.js';
import { parseLong } from './params.js';
import { badRequest } from './respond.js';

const MAX_INT = 2_147_483_647;

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
  post?: (page: R[]) => void,
): RouteResponse {
  const { max, offset } = pageRequest(ctx);
  const cap = ctx.state.faults.pageCap;
  const limit = cap !== undefined && cap > 0 ? Math.min(max, cap) : max;
  const size = items.length;
  const page = items.slice(offset, Math.min(size, offset + limit)).map(map);
  post?.(page);
  return {
    status: 200,
    body: {
      collection: page,
      offset,
      perPage: kind === 'memory' ? Math.min(max, size) : Math.min(max, page.length),
      size,
      totalPages: size === 0 ? 0 : Math.ceil(size / max),
    },
  };
}
