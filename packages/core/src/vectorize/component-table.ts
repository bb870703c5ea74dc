import type { EdgeLists, EdgePool } from './edge-pool.js';

/** The root of `a` in a union-find forest, halving the path on the way. */
function root(parent: Int32Array, a: number): number {
  while (parent[a] !== a) {
    const up = parent[parent[a]!]!;
    parent[a] = up;
    a = up;
  }
  return a;
}

/**
 * The 4-connected components of a mask vectorizer, as a union-find over ids (the older id is
 * the root), with their class, pixel count, box `[x0, y0, x1, y1)`, last row, edge list; and,
 * over the same ids, the regions (components joined at corners, 8-connectivity). @internal
 */
export class ComponentTable {
  parent = new Int32Array(256);
  region = new Int32Array(256);
  lastRow = new Int32Array(256);
  regionLast = new Int32Array(256);
  label = new Int16Array(256);
  pixels = new Float64Array(256);
  box = new Int32Array(1024);
  done = new Uint8Array(256);
  private size = 0;

  /**
   * @param eight - Track regions (8-connectivity).
   * @param onJoin - Called when region `from` is merged into region `into`.
   */
  constructor(
    private readonly pool: EdgePool,
    private readonly lists: EdgeLists,
    private readonly eight: boolean,
    private readonly onJoin: (into: number, from: number) => void,
  ) {}

  /** A new component of class `l`. */
  create(l: number): number {
    const id = this.size++;
    if (id >= this.parent.length) this.grow(id + 1);
    this.lists.ensure(id + 1);
    this.parent[id] = id;
    this.region[id] = id;
    this.label[id] = l;
    this.pixels[id] = 0;
    this.done[id] = 0;
    this.box.set([2 ** 30, 2 ** 30, -1, -1], 4 * id);
    return id;
  }

  private grow(n: number): void {
    const size = Math.max(n, this.parent.length * 2);
    const copy = <T extends Int32Array | Int16Array | Float64Array | Uint8Array>(a: T, len: number): T => {
      const b = new (a.constructor as new (n: number) => T)(len);
      b.set(a);
      return b;
    };
    this.parent = copy(this.parent, size);
    this.region = copy(this.region, size);
    this.lastRow = copy(this.lastRow, size);
    this.regionLast = copy(this.regionLast, size);
    this.label = copy(this.label, size);
    this.pixels = copy(this.pixels, size);
    this.done = copy(this.done, size);
    this.box = copy(this.box, 4 * size);
  }

  /** Records the run `[x0, x1)` of row `y` in component `comp`. */
  addRun(comp: number, y: number, x0: number, x1: number): void {
    const r = this.find(comp);
    this.pixels[r]! += x1 - x0;
    const b = this.box;
    const o = 4 * r;
    if (x0 < b[o]!) b[o] = x0;
    if (y < b[o + 1]!) b[o + 1] = y;
    if (x1 > b[o + 2]!) b[o + 2] = x1;
    if (y + 1 > b[o + 3]!) b[o + 3] = y + 1;
    this.lastRow[r] = y;
    if (this.eight) this.regionLast[this.findRegion(r)] = y;
  }

  find(a: number): number {
    return root(this.parent, a);
  }

  findRegion(a: number): number {
    return root(this.region, a);
  }

  /** Joins two components (and their regions): edge lists, pixels, box, last row. */
  union(a: number, b: number): void {
    let ra = this.find(a);
    let rb = this.find(b);
    if (ra === rb) return;
    if (rb < ra) [ra, rb] = [rb, ra];
    this.parent[rb] = ra;
    this.lists.join(this.pool, ra, rb);
    this.pixels[ra]! += this.pixels[rb]!;
    const bx = this.box;
    const oa = 4 * ra;
    const ob = 4 * rb;
    bx[oa] = Math.min(bx[oa]!, bx[ob]!);
    bx[oa + 1] = Math.min(bx[oa + 1]!, bx[ob + 1]!);
    bx[oa + 2] = Math.max(bx[oa + 2]!, bx[ob + 2]!);
    bx[oa + 3] = Math.max(bx[oa + 3]!, bx[ob + 3]!);
    this.lastRow[ra] = Math.max(this.lastRow[ra]!, this.lastRow[rb]!);
    if (this.eight) this.joinRegions(ra, rb);
  }

  /** Joins the regions of two components (a corner contact). */
  joinRegions(a: number, b: number): void {
    let ra = this.findRegion(a);
    let rb = this.findRegion(b);
    if (ra === rb) return;
    if (rb < ra) [ra, rb] = [rb, ra];
    this.region[rb] = ra;
    this.regionLast[ra] = Math.max(this.regionLast[ra]!, this.regionLast[rb]!);
    this.onJoin(ra, rb);
  }
}
