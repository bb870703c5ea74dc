import { Observable } from 'rxjs';
import { AbortedError } from '../errors/aborted-error.js';

/**
 * Mirrors `source` until `signal` aborts; then errors with `AbortedError` (which unsubscribes
 * from `source`, aborting its request or pending retry). An already aborted signal errors at
 * once without subscribing.
 */
export function abortable<T>(
  source: Observable<T>,
  signal: AbortSignal | undefined,
  what: string,
): Observable<T> {
  if (signal === undefined) return source;
  return new Observable<T>((subscriber) => {
    const onAbort = (): void =>
      subscriber.error(new AbortedError(`${what} aborted`, { cause: signal.reason }));
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    const subscription = source.subscribe(subscriber);
    return () => {
      signal.removeEventListener('abort', onAbort);
      subscription.unsubscribe();
    };
  });
}
