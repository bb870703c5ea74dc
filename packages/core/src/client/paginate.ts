import { concat, concatMap, defer, EMPTY, expand, from, map, Observable, Subscription } from 'rxjs';
import { BadResponseError } from '../errors/bad-response-error.js';

/** One page as read from the server. */
interface Page<T> {
  items: T[];
  /** `size` of the envelope (total matching items), when given. */
  size: number | undefined;
  /** The answer was a bare JSON array: one complete listing. */
  bare: boolean;
}

/** Fetches the raw JSON of the page at `offset` with `max` items asked. */
export type PageFetcher = (offset: number, max: number) => Observable<unknown>;

/** Options of {@link paginateWith}. */
export interface PaginateWithOptions {
  /** `max` of each page; 0 asks for everything. */
  pageSize: number;
  /** Pages in flight (or buffered ahead of the consumer) once `size` is known. */
  concurrency: number;
  /** Describes a page request for errors, e.g. `GET /api/project.json?max=10&offset=20`. */
  describe: (offset: number, max: number) => { method: string; path: string };
}

function readPage<T>(json: unknown, where: { method: string; path: string }): Page<T> {
  if (Array.isArray(json)) return { items: json as T[], size: undefined, bare: true };
  const excerpt = (): string => {
    const text = JSON.stringify(json) ?? String(json);
    return text.length > 200 ? `${text.slice(0, 200)}…` : text;
  };
  if (typeof json !== 'object' || json === null) {
    throw new BadResponseError({
      ...where,
      reason: 'expected a list envelope or a JSON array',
      bodyExcerpt: excerpt(),
    });
  }
  const { collection, size } = json as { collection?: unknown; size?: unknown };
  if (!Array.isArray(collection)) {
    throw new BadResponseError({
      ...where,
      reason: 'the list envelope has no "collection" array',
      bodyExcerpt: excerpt(),
    });
  }
  const total = typeof size === 'number' && Number.isFinite(size) ? size : undefined;
  return { items: collection as T[], size: total, bare: false };
}

/** Subscribes to `factory()` unless the subscriber is already closed (then does nothing). */
function whileSubscribed<T>(factory: () => Observable<T>): Observable<T> {
  return new Observable<T>((subscriber) => (subscriber.closed ? undefined : factory().subscribe(subscriber)));
}

/**
 * Emits the results of `count` tasks in index order, keeping at most `concurrency` tasks
 * in flight or finished-but-not-yet-emitted (so memory stays bounded when an early page is
 * slow). Task `i` is started only when it enters that window. Written as an Observable
 * because `mergeMap` alone would emit out of order and an unbounded reorder buffer is needed
 * otherwise.
 */
function orderedConcurrent<T>(
  count: number,
  task: (index: number) => Observable<T[]>,
  concurrency: number,
): Observable<T> {
  return new Observable<T>((subscriber) => {
    const subscriptions = new Subscription();
    const done = new Map<number, T[]>();
    let nextToStart = 0;
    let nextToEmit = 0;

    const startMore = (): void => {
      while (!subscriber.closed && nextToStart < count && nextToStart - nextToEmit < concurrency) {
        const index = nextToStart++;
        const chunks: T[] = [];
        subscriptions.add(
          task(index).subscribe({
            next: (items) => {
              for (const item of items) chunks.push(item);
            },
            error: (error: unknown) => subscriber.error(error),
            complete: () => {
              done.set(index, chunks);
              flush();
            },
          }),
        );
      }
    };

    const flush = (): void => {
      for (let items = done.get(nextToEmit); items !== undefined; items = done.get(nextToEmit)) {
        done.delete(nextToEmit);
        nextToEmit++;
        for (const item of items) {
          if (subscriber.closed) return;
          subscriber.next(item);
        }
      }
      if (nextToEmit >= count) subscriber.complete();
      else startMore();
    };

    if (count === 0) subscriber.complete();
    else startMore();
    return subscriptions;
  });
}

/**
 * A paginated listing (cytomine-api.md §3) as an Observable of its items, in server order.
 *
 * - The first page is fetched with `offset=0&max=pageSize`. A bare JSON array is the whole
 *   listing. Otherwise `offset += collection.length` until `offset >= size` or an empty page.
 * - Once the first page told `size`, the remaining pages are planned from the observed page
 *   length (a server page cap may return fewer items than asked) and fetched `concurrency`
 *   at a time; a page shorter than planned has its gap fetched before the listing moves on.
 * - Without `size`, or with `concurrency <= 1`, pages are fetched one after another.
 * - Pages are only fetched when the consumer still listens: `take(n)` stops paging.
 * - A page that is neither an array nor an envelope with a `collection` array fails with
 *   `BadResponseError` (not retried).
 */
export function paginateWith<T>(fetchPage: PageFetcher, options: PaginateWithOptions): Observable<T> {
  const { pageSize, concurrency, describe } = options;
  const page = (offset: number, max: number): Observable<Page<T>> =>
    fetchPage(offset, max).pipe(map((json) => readPage<T>(json, describe(offset, max))));

  // One page after another, from `offset` (the first page is already out).
  const sequential = (start: number, firstSize: number | undefined): Observable<T> => {
    type Step = Page<T> & { next: number };
    const step = (offset: number): Observable<Step> =>
      page(offset, pageSize).pipe(map((p) => ({ ...p, next: offset + p.items.length })));
    return step(start).pipe(
      expand((p) => {
        const total = p.size ?? firstSize;
        const finished = p.bare || p.items.length === 0 || (total !== undefined && p.next >= total);
        // `expand` subscribes the next page right after pushing this one downstream, even
        // when the consumer has just unsubscribed (take(n)): only start it if still wanted.
        return finished ? EMPTY : whileSubscribed(() => step(p.next));
      }),
      concatMap((p) => from(p.items)),
    );
  };

  // Items [offset, offset + count) as one or more pages (more when the server returns fewer).
  const segment = (offset: number, count: number): Observable<T[]> =>
    page(offset, count).pipe(
      concatMap((p) => {
        const got = p.items.length;
        if (got === 0) return EMPTY; // the listing shrank: nothing more here
        if (got >= count || p.bare) return [p.items.slice(0, count)];
        return concat(
          [p.items],
          defer(() => segment(offset + got, count - got)),
        );
      }),
    );

  return page(0, pageSize).pipe(
    concatMap((first) => {
      const got = first.items.length;
      const { size } = first;
      if (first.bare || got === 0 || (size !== undefined && got >= size)) return from(first.items);
      if (size === undefined || concurrency <= 1) {
        return concat(
          from(first.items),
          defer(() => sequential(got, size)),
        );
      }
      const step = pageSize > 0 ? Math.min(pageSize, got) : got;
      const count = Math.ceil((size - got) / step);
      const rest = orderedConcurrent<T>(
        count,
        (i) => {
          const offset = got + i * step;
          return segment(offset, Math.min(step, size - offset));
        },
        concurrency,
      );
      return concat(from(first.items), rest);
    }),
  );
}
