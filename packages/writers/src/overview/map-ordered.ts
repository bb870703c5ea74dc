/**
 * Runs `task` over `items` with at most `concurrency` running at once and hands each result
 * to `onResult` in input order (a result waits for the ones before it). Tasks start in input
 * order; the first failure stops starting new ones and rejects once the running ones settle.
 * @internal
 */
export async function mapOrdered<T, R>(
  items: readonly T[],
  concurrency: number,
  task: (item: T, index: number) => Promise<R>,
  onResult: (result: R, index: number) => void,
): Promise<void> {
  const results = new Map<number, R>();
  let next = 0; // next item to start
  let emit = 0; // next result to hand over
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < items.length) {
      const i = next++;
      try {
        results.set(i, await task(items[i]!, i));
      } catch (error) {
        failure ??= { error };
        return;
      }
      while (results.has(emit)) {
        const r = results.get(emit)!;
        results.delete(emit);
        onResult(r, emit++);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  if (failure !== undefined) throw failure.error;
}
