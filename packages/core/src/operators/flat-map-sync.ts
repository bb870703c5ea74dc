import { Observable, type OperatorFunction } from 'rxjs';

/**
 * `mergeMap(project)` for a `project` that returns an array synchronously (zero, one or more
 * values per input), without an inner subscription per value: the per-item cost of the
 * feature operators on large listings. A throwing `project` errors the stream;
 * unsubscribing unsubscribes the source. @internal
 */
export function flatMapSync<A, B>(project: (value: A) => readonly B[]): OperatorFunction<A, B> {
  return (source) =>
    new Observable<B>((subscriber) =>
      source.subscribe({
        next: (value) => {
          let out: readonly B[];
          try {
            out = project(value);
          } catch (e) {
            subscriber.error(e);
            return;
          }
          for (let i = 0; i < out.length; i++) subscriber.next(out[i]!);
        },
        error: (e: unknown) => subscriber.error(e),
        complete: () => subscriber.complete(),
      }),
    );
}
