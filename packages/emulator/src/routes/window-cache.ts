/**
 * Encoded image windows, least recently used out past a byte budget. The synthetic slide
 * repeats every 4096 px in both directions and is the same for every image, so windows are
 * keyed by their region modulo 4096, their size and format: a client tiling images asks for the
 * same few windows again and again.
 */
export class WindowCache {
  private readonly entries = new Map<string, Buffer>();
  private bytes = 0;

  /** @param maxBytes - byte budget, default 32 MiB; an encoding over half of it is not kept. */
  constructor(private readonly maxBytes = 32 * 1024 * 1024) {}

  /** The cached encoding of `key`, or `encode()` stored under it. */
  get(key: string, encode: () => Buffer): Buffer {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const bytes = encode();
    if (bytes.length > this.maxBytes / 2) return bytes;
    this.entries.set(key, bytes);
    this.bytes += bytes.length;
    for (const [k, v] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(k);
      this.bytes -= v.length;
    }
    return bytes;
  }
}
