import type { Coords, Geometry } from './geometry.js';

/** Thrown by {@link parseWkt} on text that is not WKT the emulator understands. */
export class WktSyntaxError extends Error {
  override name = 'WktSyntaxError';
}

const TYPES = ['POINT', 'LINESTRING', 'POLYGON', 'MULTIPOINT', 'MULTILINESTRING', 'MULTIPOLYGON'] as const;

/**
 * Parses 2-D WKT (POINT, LINESTRING, POLYGON and their MULTI forms, EMPTY allowed, Z/M
 * ordinates dropped). Throws {@link WktSyntaxError} on anything else.
 */
export function parseWkt(text: string): Geometry {
  const p = new Parser(text);
  const g = p.geometry();
  p.skipWs();
  if (p.pos !== text.length) p.fail('trailing characters');
  return g;
}

class Parser {
  pos = 0;
  constructor(private readonly s: string) {}

  fail(what: string): never {
    throw new WktSyntaxError(`${what} at position ${this.pos}`);
  }

  skipWs(): void {
    while (this.pos < this.s.length && /\s/.test(this.s[this.pos]!)) this.pos++;
  }

  word(): string {
    this.skipWs();
    const start = this.pos;
    while (this.pos < this.s.length && /[A-Za-z]/.test(this.s[this.pos]!)) this.pos++;
    return this.s.slice(start, this.pos).toUpperCase();
  }

  peek(): string {
    this.skipWs();
    return this.s[this.pos] ?? '';
  }

  expect(ch: string): void {
    if (this.peek() !== ch) this.fail(`expected '${ch}'`);
    this.pos++;
  }

  /** `EMPTY` or `(`; returns true when EMPTY. */
  open(): boolean {
    if (this.peek() === '(') {
      this.pos++;
      return false;
    }
    const save = this.pos;
    if (this.word() === 'EMPTY') return true;
    this.pos = save;
    return this.fail("expected '(' or EMPTY");
  }

  number(): number {
    this.skipWs();
    const m = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/.exec(this.s.slice(this.pos, this.pos + 40));
    if (!m) return this.fail('expected a number');
    this.pos += m[0].length;
    const n = Number(m[0]);
    if (!Number.isFinite(n)) this.fail('number out of range');
    return n;
  }

  point(out: Coords): void {
    out.push(this.number(), this.number());
    // Drop Z / M ordinates.
    while (/[-+.\d]/.test(this.peek())) this.number();
  }

  /** `(x y, x y, ...)` */
  sequence(): Coords {
    const out: Coords = [];
    if (this.open()) return out;
    this.point(out);
    while (this.peek() === ',') {
      this.pos++;
      this.point(out);
    }
    this.expect(')');
    return out;
  }

  list<T>(item: () => T): T[] {
    const out: T[] = [];
    if (this.open()) return out;
    out.push(item());
    while (this.peek() === ',') {
      this.pos++;
      out.push(item());
    }
    this.expect(')');
    return out;
  }

  geometry(): Geometry {
    const type = this.word();
    if (!(TYPES as readonly string[]).includes(type)) this.fail(`unknown geometry type '${type}'`);
    const save = this.pos;
    const dim = this.word();
    if (dim !== 'Z' && dim !== 'M' && dim !== 'ZM') this.pos = save;
    switch (type) {
      case 'POINT':
        return { type: 'Point', coords: this.sequence() };
      case 'LINESTRING':
        return { type: 'LineString', coords: this.sequence() };
      case 'POLYGON':
        return { type: 'Polygon', rings: this.list(() => this.sequence()) };
      case 'MULTIPOINT':
        // Both `MULTIPOINT ((1 2), (3 4))` and `MULTIPOINT (1 2, 3 4)`.
        return {
          type: 'MultiPoint',
          points: this.list(() => {
            if (this.peek() === '(') return this.sequence();
            const c: Coords = [];
            this.point(c);
            return c;
          }),
        };
      case 'MULTILINESTRING':
        return { type: 'MultiLineString', lines: this.list(() => this.sequence()) };
      default:
        return { type: 'MultiPolygon', polygons: this.list(() => this.list(() => this.sequence())) };
    }
  }
}

/** Formats a number as JTS does: integers without a decimal point, never an exponent. */
export function formatOrdinate(n: number): string {
  if (Number.isInteger(n)) return String(n);
  const s = String(n);
  if (!s.includes('e')) return s;
  return n.toFixed(20).replace(/0+$/, '').replace(/\.$/, '');
}

function seq(c: Coords): string {
  if (c.length === 0) return 'EMPTY';
  const parts: string[] = [];
  for (let i = 0; i + 1 < c.length; i += 2)
    parts.push(`${formatOrdinate(c[i]!)} ${formatOrdinate(c[i + 1]!)}`);
  return `(${parts.join(', ')})`;
}

function list<T>(items: T[], f: (t: T) => string): string {
  return items.length === 0 ? 'EMPTY' : `(${items.map(f).join(', ')})`;
}

/** Writes WKT as JTS `Geometry.toString()` does, e.g. `POLYGON ((10 10, 50 10, 50 50, 10 10))`. */
export function writeWkt(g: Geometry): string {
  switch (g.type) {
    case 'Point':
      return `POINT ${seq(g.coords)}`;
    case 'LineString':
      return `LINESTRING ${seq(g.coords)}`;
    case 'Polygon':
      return `POLYGON ${list(g.rings, seq)}`;
    case 'MultiPoint':
      return `MULTIPOINT ${list(g.points, seq)}`;
    case 'MultiLineString':
      return `MULTILINESTRING ${list(g.lines, seq)}`;
    case 'MultiPolygon':
      return `MULTIPOLYGON ${list(g.polygons, (rings) => list(rings, seq))}`;
  }
}
