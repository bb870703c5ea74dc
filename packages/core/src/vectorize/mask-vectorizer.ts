import { ConfigError } from '../errors/config-error.js';
import type { Geometry, Position } from '../pipeline/types.js';
import { EdgeLists, EdgePool } from './edge-pool.js';
import { simplifyPolygons } from './simplify-polygons.js';
import { type CornerTransform, traceRings } from './trace-rings.js';

/** Options of {@link MaskVectorizer} and `vectorizeMask`. */
export interface VectorizeOptions {
  /**
   * 8 (default): pixels of one class touching by an edge or a corner are one region (one
   * annotation; a MultiPolygon when its parts touch only at corners); 4: by an edge only
   * (each region one Polygon).
   */
  connectivity?: 4 | 8;
  /** Pixel values that are no class (default `[0]`, the background). */
  ignore?: Iterable<number>;
  /** Output coordinates are `(x·scale + offset[0], y·scale + offset[1])` (default 1 and `[0, 0]`). */
  scale?: number;
  offset?: readonly [number, number];
  /**
   * Douglas–Peucker tolerance in output units (default 0: exact). A polygon whose simplified
   * form is not valid is kept exact.
   */
  simplify?: number;
}

/** One region of a mask: every pixel of one class connected to each other. */
export interface MaskRegion {
  classId: number;
  /** Polygon, or MultiPolygon (8-connectivity, parts touching at corners), in output coordinates. */
  geometry: Geometry;
  /** Pixels of the mask in the region. */
  pixels: number;
  /** `[minX, minY, maxX, maxY]` of the region's pixels (max exclusive), in output coordinates. */
  bbox: [number, number, number, number];
}

interface Part {
  rings: Position[][];
  pixels: number;
  box: [number, number, number, number];
}

const NONE = -1;
/** The label of the virtual rows above the first row and below the last. */
const OUTSIDE = -1;

/**
 * Turns a class-index mask into polygons, row by row: each connected region of one class
 * becomes one polygon with its holes (see {@link VectorizeOptions.connectivity}). Boundaries
 * run along pixel edges and collinear vertices are dropped, so the polygons re-rasterize under
 * the cytorx pixel rule (pixel centres) to exactly the input; every ring is simple and holes
 * touch other rings only at single corners (valid by OGC rules, as JTS `isValid` checks).
 *
 * Memory is bounded by two rows of runs plus the boundaries of the regions still open, not
 * by the mask: push any number of rows at a time, a region is emitted (`onRegion`) as soon as
 * the row below it is pushed. Not reentrant; one instance per mask.
 * @example
 * ```ts
 * import { MaskVectorizer } from '@cytorx/core';
 * const regions = [];
 * const v = new MaskVectorizer(width, (r) => regions.push(r), { connectivity: 8 });
 * for (const band of bands) v.push(band.data, band.rows);
 * v.finish();
 * ```
 */
export class MaskVectorizer {
  private readonly width: number;
  private readonly eight: boolean;
  private readonly ignored = new Uint8Array(256);
  private readonly transform: CornerTransform;
  private readonly tolerance: number;
  private y = 0;
  private finished = false;
  // Runs of the previous and current rows: start, end (exclusive), label, component, edges.
  private p: Runs;
  private c: Runs;
  // Components (4-connected), as a union-find over ids, and regions over the same ids.
  private parent = new Int32Array(256);
  private region = new Int32Array(256);
  private lastRow = new Int32Array(256);
  private regionLast = new Int32Array(256);
  private label = new Int16Array(256);
  private pixels = new Float64Array(256);
  private box = new Int32Array(1024);
  private done = new Uint8Array(256);
  private comps = 0;
  private readonly parts = new Map<number, Part[]>();
  private readonly pool = new EdgePool();
  private readonly lists = new EdgeLists();

  /**
   * @param width - Pixels per row.
   * @param onRegion - Receives each region once complete.
   * @param options - See {@link VectorizeOptions}.
   * @throws ConfigError (`CYTORX_CONFIG`) for a bad width or option.
   */
  constructor(
    width: number,
    private readonly onRegion: (region: MaskRegion) => void,
    options: VectorizeOptions = {},
  ) {
    if (!Number.isSafeInteger(width) || width < 1 || width > 2 ** 24) {
      throw new ConfigError(`vectorize: width must be an integer in 1..2^24, got ${String(width)}`);
    }
    const connectivity = options.connectivity ?? 8;
    if (connectivity !== 4 && connectivity !== 8) {
      throw new ConfigError(`vectorize: connectivity must be 4 or 8, got ${String(connectivity)}`);
    }
    const scale = options.scale ?? 1;
    const [dx, dy] = options.offset ?? [0, 0];
    if (!(scale > 0) || !Number.isFinite(scale) || !Number.isFinite(dx) || !Number.isFinite(dy)) {
      throw new ConfigError('vectorize: scale must be > 0 and offset finite');
    }
    const tolerance = options.simplify ?? 0;
    if (!(tolerance >= 0))
      throw new ConfigError(`vectorize: simplify must be >= 0, got ${String(tolerance)}`);
    this.width = width;
    this.eight = connectivity === 8;
    this.transform = { scale, dx, dy };
    this.tolerance = tolerance;
    for (const v of options.ignore ?? [0]) if (Number.isInteger(v) && v >= 0 && v < 256) this.ignored[v] = 1;
    this.p = new Runs(width);
    this.c = new Runs(width);
    this.p.outside(width);
  }

  /** Rows pushed so far. */
  get rows(): number {
    return this.y;
  }

  /**
   * Feeds the next `rows` rows: pixel (x, r) of the band is `data[offset + r·stride + x]`.
   * @throws ConfigError (`CYTORX_CONFIG`) after `finish()`, or when `data` is too short.
   */
  push(data: ArrayLike<number>, rows: number, stride = this.width, offset = 0): void {
    if (this.finished) throw new ConfigError('vectorize: push after finish');
    if (rows > 0 && offset + (rows - 1) * stride + this.width > data.length) {
      throw new ConfigError(`vectorize: a band of ${rows} rows of ${this.width} needs more data`);
    }
    for (let r = 0; r < rows; r++) {
      this.c.scan(data, offset + r * stride, this.width);
      this.step();
    }
  }

  /** Ends the mask: every region still open is emitted. Idempotent. */
  finish(): void {
    if (this.finished) return;
    this.c.outside(this.width);
    this.step();
    this.finished = true;
  }

  private isIgnored(l: number): boolean {
    return l === OUTSIDE || this.ignored[l] === 1;
  }

  /** Joins the previous row (this.p) and the current row (this.c) at line y, then swaps. */
  private step(): void {
    const { p, c, pool, lists, width } = this;
    const y = this.y;
    let i = 0;
    let j = 0;
    let s = 0;
    let topRun = NONE;
    let topEdge = NONE;
    let botRun = NONE;
    let botEdge = NONE;
    while (s < width) {
      const pe = p.end[i]!;
      const ce = c.end[j]!;
      const e = Math.min(pe, ce);
      const pl = p.label[i]!;
      const cl = c.label[j]!;
      const cIgnored = this.isIgnored(cl);
      if (s === c.start[j]!) {
        if (cIgnored) c.comp[j] = NONE;
        else {
          const comp = pl === cl ? this.find(p.comp[i]!) : this.newComp(cl);
          c.comp[j] = comp;
          this.addRun(comp, y, s, ce);
          if (pl === cl && p.start[i] === s) {
            const edge = p.left[i]!;
            pool.y0[edge] = y + 1;
            c.left[j] = edge;
          } else {
            const edge = pool.add(s, y + 1, s, y);
            lists.push(pool, this.find(comp), edge);
            c.left[j] = edge;
          }
        }
        if (this.eight && s > 0 && !cIgnored) {
          // Corner contact: the pixel above-left (previous row, x = s - 1) and this run.
          const k = p.start[i] === s ? i - 1 : i;
          if (p.label[k] === cl) this.joinRegions(p.comp[k]!, c.comp[j]!);
        }
      }
      if (this.eight && s > 0 && s === p.start[i]! && !this.isIgnored(pl)) {
        // Corner contact: the pixel below-left (this row, x = s - 1) and the run above.
        const k = c.start[j] === s ? j - 1 : j;
        if (c.label[k] === pl) this.joinRegions(p.comp[i]!, c.comp[k]!);
      }
      if (pl !== cl) {
        if (!cIgnored) {
          if (topRun === j && pool.x1[topEdge] === s) pool.x1[topEdge] = e;
          else {
            topEdge = pool.add(s, y, e, y);
            topRun = j;
            lists.push(pool, this.find(c.comp[j]!), topEdge);
          }
        }
        if (!this.isIgnored(pl)) {
          if (botRun === i && pool.x0[botEdge] === s) pool.x0[botEdge] = e;
          else {
            botEdge = pool.add(e, y, s, y);
            botRun = i;
            lists.push(pool, this.find(p.comp[i]!), botEdge);
          }
        }
      } else if (!cIgnored) {
        this.union(p.comp[i]!, c.comp[j]!);
      }
      if (e === ce) {
        if (!cIgnored) {
          if (pl === cl && pe === ce) {
            const edge = p.right[i]!;
            pool.y1[edge] = y + 1;
            c.right[j] = edge;
          } else {
            const edge = pool.add(ce, y, ce, y + 1);
            lists.push(pool, this.find(c.comp[j]!), edge);
            c.right[j] = edge;
          }
        }
        j++;
      }
      if (e === pe) i++;
      s = e;
    }
    // Components with no run in this row are complete; then regions with no component in it.
    for (let k = 0; k < p.count; k++) {
      if (this.isIgnored(p.label[k]!)) continue;
      const comp = this.find(p.comp[k]!);
      if (this.done[comp] === 0 && this.lastRow[comp]! < y) this.finishComp(comp);
    }
    if (this.eight) {
      for (let k = 0; k < p.count; k++) {
        if (this.isIgnored(p.label[k]!)) continue;
        const r = this.findRegion(this.find(p.comp[k]!));
        if (this.regionLast[r]! < y && this.parts.has(r)) this.emitRegion(r);
      }
    }
    this.p = c;
    this.c = p;
    this.y = y + 1;
  }

  private newComp(l: number): number {
    const id = this.comps++;
    if (id >= this.parent.length) this.grow(id + 1);
    this.lists.ensure(id + 1);
    this.parent[id] = id;
    this.region[id] = id;
    this.label[id] = l;
    this.pixels[id] = 0;
    this.done[id] = 0;
    const b = this.box;
    b[4 * id] = 2 ** 30;
    b[4 * id + 1] = 2 ** 30;
    b[4 * id + 2] = -1;
    b[4 * id + 3] = -1;
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

  private addRun(comp: number, y: number, x0: number, x1: number): void {
    const root = this.find(comp);
    this.pixels[root]! += x1 - x0;
    const b = this.box;
    const o = 4 * root;
    if (x0 < b[o]!) b[o] = x0;
    if (y < b[o + 1]!) b[o + 1] = y;
    if (x1 > b[o + 2]!) b[o + 2] = x1;
    if (y + 1 > b[o + 3]!) b[o + 3] = y + 1;
    this.lastRow[root] = y;
    if (this.eight) this.regionLast[this.findRegion(root)] = y;
  }

  private find(a: number): number {
    return root(this.parent, a);
  }

  private findRegion(a: number): number {
    return root(this.region, a);
  }

  private union(a: number, b: number): void {
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

  private joinRegions(a: number, b: number): void {
    let ra = this.findRegion(a);
    let rb = this.findRegion(b);
    if (ra === rb) return;
    if (rb < ra) [ra, rb] = [rb, ra];
    this.region[rb] = ra;
    this.regionLast[ra] = Math.max(this.regionLast[ra]!, this.regionLast[rb]!);
    const moved = this.parts.get(rb);
    if (moved !== undefined) {
      this.parts.delete(rb);
      const into = this.parts.get(ra);
      if (into === undefined) this.parts.set(ra, moved);
      else into.push(...moved);
    }
  }

  private finishComp(comp: number): void {
    const { pool, lists } = this;
    const rings = traceRings(pool, lists.head[comp]!, lists.count[comp]!, this.width, this.transform);
    pool.release(lists.head[comp]!, lists.tail[comp]!);
    lists.head[comp] = NONE;
    lists.tail[comp] = NONE;
    lists.count[comp] = 0;
    this.done[comp] = 1;
    const o = 4 * comp;
    const b = this.box;
    const part: Part = { rings, pixels: this.pixels[comp]!, box: [b[o]!, b[o + 1]!, b[o + 2]!, b[o + 3]!] };
    if (!this.eight) {
      this.emit(this.label[comp]!, [part]);
      return;
    }
    const r = this.findRegion(comp);
    const list = this.parts.get(r);
    if (list === undefined) this.parts.set(r, [part]);
    else list.push(part);
  }

  private emitRegion(r: number): void {
    const list = this.parts.get(r)!;
    this.parts.delete(r);
    this.emit(this.label[r]!, list);
  }

  private emit(classId: number, list: Part[]): void {
    let pixels = 0;
    const box: [number, number, number, number] = [2 ** 30, 2 ** 30, -1, -1];
    for (const part of list) {
      pixels += part.pixels;
      box[0] = Math.min(box[0], part.box[0]);
      box[1] = Math.min(box[1], part.box[1]);
      box[2] = Math.max(box[2], part.box[2]);
      box[3] = Math.max(box[3], part.box[3]);
    }
    let polygons = list.map((part) => part.rings);
    if (this.tolerance > 0) polygons = simplifyPolygons(polygons, this.tolerance);
    const { scale, dx, dy } = this.transform;
    this.onRegion({
      classId,
      geometry:
        polygons.length === 1
          ? { type: 'Polygon', coordinates: polygons[0]! }
          : { type: 'MultiPolygon', coordinates: polygons },
      pixels,
      bbox: [box[0] * scale + dx, box[1] * scale + dy, box[2] * scale + dx, box[3] * scale + dy],
    });
  }
}

/** The root of `a` in a union-find forest, halving the path on the way. */
function root(parent: Int32Array, a: number): number {
  while (parent[a] !== a) {
    const up = parent[parent[a]!]!;
    parent[a] = up;
    a = up;
  }
  return a;
}

/** The runs of one row. */
class Runs {
  start: Int32Array;
  end: Int32Array;
  label: Int16Array;
  comp: Int32Array;
  left: Int32Array;
  right: Int32Array;
  count = 0;

  constructor(width: number) {
    this.start = new Int32Array(width + 1);
    this.end = new Int32Array(width + 1);
    this.label = new Int16Array(width + 1);
    this.comp = new Int32Array(width + 1);
    this.left = new Int32Array(width + 1);
    this.right = new Int32Array(width + 1);
  }

  /** One run of the virtual outside label over the whole row. */
  outside(width: number): void {
    this.start[0] = 0;
    this.end[0] = width;
    this.label[0] = OUTSIDE;
    this.comp[0] = NONE;
    this.count = 1;
  }

  scan(data: ArrayLike<number>, offset: number, width: number): void {
    let n = 0;
    let x = 0;
    while (x < width) {
      const v = data[offset + x]!;
      const s = x;
      x++;
      while (x < width && data[offset + x] === v) x++;
      this.start[n] = s;
      this.end[n] = x;
      this.label[n] = v;
      n++;
    }
    this.count = n;
  }
}
