import { Observable, type OperatorFunction } from 'rxjs';

/**
 * Groups items into arrays of at most `maxCount` items whose sizes (plus one separator byte
 * each and two for the brackets, as in a JSON array) sum to at most `maxBytes`. An item
 * larger than `maxBytes` on its own travels alone. The last partial group is emitted when the
 * source completes; nothing is emitted for an empty source. Unsubscribing drops the pending group.
 * @param maxCount - Items per group (at least 1).
 * @param maxBytes - Bytes per group.
 * @param sizeOf - Size of one item in bytes.
 */
export function batchBySize<T>(
  maxCount: number,
  maxBytes: number,
  sizeOf: (item: T) => number,
): OperatorFunction<T, T[]> {
  const count = Math.max(1, Math.floor(maxCount));
  return (source) =>
    new Observable<T[]>((subscriber) => {
      let group: T[] = [];
      let bytes = 2;
      return source.subscribe({
        next: (item) => {
          const size = sizeOf(item);
          if (group.length > 0 && (group.length >= count || bytes + 1 + size > maxBytes)) {
            const full = group;
            group = [];
            bytes = 2;
            subscriber.next(full);
          }
          bytes += size + (group.length > 0 ? 1 : 0);
          group.push(item);
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => {
          if (group.length > 0) subscriber.next(group);
          group = [];
          subscriber.complete();
        },
      });
    });
}
