import type { DatasetAnnotation } from '../types.js';

/**
 * Filtered and id-sorted annotation listings, keyed by the normalised filter set (every
 * parameter except `max`, `offset` and the show-groups), so that each page of a listing does
 * not filter and sort the whole dataset again (only the page's items are then serialised).
 *
 * A generation lasts while the dataset version (incremented on every write through the API) is
 * unchanged and `dataset.annotations` is the same array with the same length and the same first
 * and last elements, an O(1) check that also catches direct edits of the array (push, splice,
 * filter and reassign). In-place edits of the fields the filters read (`user`, `terms`,
 * `reviewed`, ...) of existing annotation objects are not detected: replace the array
 * afterwards (`dataset.annotations = [...dataset.annotations]`). At most `maxEntries` filter
 * sets are kept (least recently used out first).
 */
export class ListingCache {
  private version = -1;
  private list: readonly DatasetAnnotation[] | undefined;
  private length = 0;
  private first: DatasetAnnotation | undefined;
  private last: DatasetAnnotation | undefined;
  private readonly entries = new Map<string, readonly DatasetAnnotation[]>();

  constructor(private readonly maxEntries = 16) {}

  /**
   * The cached result of `key`, or `compute()` stored under it.
   * @param version - the dataset version (bumped on every write)
   * @param list - the live `dataset.annotations`
   */
  get(
    version: number,
    list: readonly DatasetAnnotation[],
    key: string,
    compute: () => readonly DatasetAnnotation[],
  ): readonly DatasetAnnotation[] {
    const n = list.length;
    if (
      version !== this.version ||
      list !== this.list ||
      n !== this.length ||
      list[0] !== this.first ||
      list[n - 1] !== this.last
    ) {
      this.entries.clear();
      this.version = version;
      this.list = list;
      this.length = n;
      this.first = list[0];
      this.last = list[n - 1];
    }
    const hit = this.entries.get(key);
    if (hit) {
      // Refresh its place in the LRU order.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const result = compute();
    this.entries.set(key, result);
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return result;
  }
}
