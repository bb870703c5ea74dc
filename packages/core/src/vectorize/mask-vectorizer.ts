import { ConfigError } from '../errors/config-error.js';
import type { Geometry, Position } from '../pipeline/types.js';
import { ComponentTable } from './component-table.js';
import { EdgeLists, EdgePool } from './edge-pool.js';
import { NONE, OUTSIDE, RowRuns } from './row-runs.js';
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
  // Runs of the previous and current rows.
  private p: RowRuns;
  private c: RowRuns;
  private readonly pool = new EdgePool();
  private readonly lists = new EdgeLists();
  private readonly comps: ComponentTable;
  /** Per open region (8-connectivity), its finished components. */
  private readonly parts = new Map<number, Part[]>();

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
    this.comps = new ComponentTable(this.pool, this.lists, this.eight, (into, from) => {
      const moved = this.parts.get(from);
      if (moved === undefined) return;
      this.parts.delete(from);
      const list = this.parts.get(into);
      if (list === undefined) this.parts.set(into, moved);
      else list.push(...moved);
    });
    this.p = new RowRuns(width);
    this.c = new RowRuns(width);
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
    const { p, c, pool, lists, width, comps } = this;
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
          const comp = pl === cl ? comps.find(p.comp[i]!) : comps.create(cl);
          c.comp[j] = comp;
          comps.addRun(comp, y, s, ce);
          if (pl === cl && p.start[i] === s) {
            const edge = p.left[i]!;
            pool.y0[edge] = y + 1;
            c.left[j] = edge;
          } else {
            const edge = pool.add(s, y + 1, s, y);
            lists.push(pool, comps.find(comp), edge);
            c.left[j] = edge;
          }
        }
        if (this.eight && s > 0 && !cIgnored) {
          // Corner contact: the pixel above-left (previous row, x = s - 1) and this run.
          const k = p.start[i] === s ? i - 1 : i;
          if (p.label[k] === cl) comps.joinRegions(p.comp[k]!, c.comp[j]!);
        }
      }
      if (this.eight && s > 0 && s === p.start[i]! && !this.isIgnored(pl)) {
        // Corner contact: the pixel below-left (this row, x = s - 1) and the run above.
        const k = c.start[j] === s ? j - 1 : j;
        if (c.label[k] === pl) comps.joinRegions(p.comp[i]!, c.comp[k]!);
      }
      if (pl !== cl) {
        if (!cIgnored) {
          if (topRun === j && pool.x1[topEdge] === s) pool.x1[topEdge] = e;
          else {
            topEdge = pool.add(s, y, e, y);
            topRun = j;
            lists.push(pool, comps.find(c.comp[j]!), topEdge);
          }
        }
        if (!this.isIgnored(pl)) {
          if (botRun === i && pool.x0[botEdge] === s) pool.x0[botEdge] = e;
          else {
            botEdge = pool.add(e, y, s, y);
            botRun = i;
            lists.push(pool, comps.find(p.comp[i]!), botEdge);
          }
        }
      } else if (!cIgnored) {
        comps.union(p.comp[i]!, c.comp[j]!);
      }
      if (e === ce) {
        if (!cIgnored) {
          if (pl === cl && pe === ce) {
            const edge = p.right[i]!;
            pool.y1[edge] = y + 1;
            c.right[j] = edge;
          } else {
            const edge = pool.add(ce, y, ce, y + 1);
            lists.push(pool, comps.find(c.comp[j]!), edge);
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
      const comp = comps.find(p.comp[k]!);
      if (comps.done[comp] === 0 && comps.lastRow[comp]! < y) this.finishComp(comp);
    }
    if (this.eight) {
      for (let k = 0; k < p.count; k++) {
        if (this.isIgnored(p.label[k]!)) continue;
        const r = comps.findRegion(comps.find(p.comp[k]!));
        if (comps.regionLast[r]! < y && this.parts.has(r)) this.emitRegion(r);
      }
    }
    this.p = c;
    this.c = p;
    this.y = y + 1;
  }

  private finishComp(comp: number): void {
    const { pool, lists } = this;
    const rings = traceRings(pool, lists.head[comp]!, lists.count[comp]!, this.width, this.transform);
    pool.release(lists.head[comp]!, lists.tail[comp]!);
    lists.head[comp] = NONE;
    lists.tail[comp] = NONE;
    lists.count[comp] = 0;
    const comps = this.comps;
    comps.done[comp] = 1;
    const o = 4 * comp;
    const b = comps.box;
    const part: Part = { rings, pixels: comps.pixels[comp]!, box: [b[o]!, b[o + 1]!, b[o + 2]!, b[o + 3]!] };
    if (!this.eight) {
      this.emit(comps.label[comp]!, [part]);
      return;
    }
    const r = comps.findRegion(comp);
    const list = this.parts.get(r);
    if (list === undefined) this.parts.set(r, [part]);
    else list.push(part);
  }

  private emitRegion(r: number): void {
    const list = this.parts.get(r)!;
    this.parts.delete(r);
    this.emit(this.comps.label[r]!, list);
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
