import type { AnnotationKind } from '../types.js';
import type { Rng } from './rng.js';
import { randInt } from './rng.js';

/** A generated geometry: WKT in Cytomine's frame plus its envelope. */
export interface Shape {
  wkt: string;
  bbox: [number, number, number, number];
}

const round1 = (v: number): number => Math.round(v * 10) / 10;

interface Ctx {
  rng: Rng;
  width: number;
  height: number;
  /** Radius range (px); default 10 px to a tenth of the shorter side, at most 300 px. */
  radius?: { min: number; max: number } | undefined;
}

/** Builder state: coordinate text plus a running envelope (no intermediate arrays). */
class Ring {
  text = '';
  first = '';
  constructor(private readonly box: [number, number, number, number]) {}
  add(x: number, y: number): void {
    if (this.text === '') {
      this.first = `${x} ${y}`;
      this.text = this.first;
    } else this.text += `, ${x} ${y}`;
    const b = this.box;
    if (x < b[0]) b[0] = x;
    if (y < b[1]) b[1] = y;
    if (x > b[2]) b[2] = x;
    if (y > b[3]) b[3] = y;
  }
  closed(): string {
    return `(${this.text}, ${this.first})`;
  }
  open(): string {
    return `(${this.text})`;
  }
}

function newBox(): [number, number, number, number] {
  return [
    Number.POSITIVE_INFINITY,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
  ];
}

/** A star-shaped (hence simple) ring around (cx, cy); counter-clockwise. */
function starRing(
  c: Ctx,
  box: [number, number, number, number],
  cx: number,
  cy: number,
  r: number,
  minR: number,
  decimals: boolean,
  reverse = false,
): string {
  const n = randInt(c.rng, 5, 12);
  const ring = new Ring(box);
  for (let step = 0; step < n; step++) {
    // Angles increase (counter-clockwise) or decrease (clockwise, for holes): a star-shaped ring.
    const k = reverse ? n - 1 - step : step;
    const a = ((k + 0.2 + c.rng() * 0.6) / n) * 2 * Math.PI;
    const rr = r * (minR + (1 - minR) * c.rng());
    const x = cx + rr * Math.cos(a);
    const y = cy + rr * Math.sin(a);
    if (decimals) ring.add(round1(x), round1(y));
    else ring.add(Math.round(x), Math.round(y));
  }
  return ring.closed();
}

function radius(c: Ctx): number {
  if (c.radius !== undefined) return c.radius.min + c.rng() * (c.radius.max - c.radius.min);
  const max = Math.max(12, Math.min(300, Math.min(c.width, c.height) / 10));
  return 10 + c.rng() * (max - 10);
}

function center(c: Ctx, margin: number): [number, number] {
  const x = margin + c.rng() * Math.max(1, c.width - 2 * margin);
  const y = margin + c.rng() * Math.max(1, c.height - 2 * margin);
  return [x, y];
}

/** Generates one geometry of the given kind inside (or across the border of) the image. */
export function makeShape(kind: AnnotationKind, c: Ctx): Shape {
  const box = newBox();
  const r = radius(c);
  const decimals = c.rng() < 0.3;
  switch (kind) {
    case 'simple': {
      const [cx, cy] = center(c, r + 1);
      return { wkt: `POLYGON (${starRing(c, box, cx, cy, r, 0.5, decimals)})`, bbox: box };
    }
    case 'hole': {
      const [cx, cy] = center(c, r + 1);
      const shell = starRing(c, box, cx, cy, r, 0.85, decimals);
      const hole = starRing(c, newBox(), cx, cy, r * 0.35, 0.7, decimals, true);
      return { wkt: `POLYGON (${shell}, ${hole})`, bbox: box };
    }
    case 'multi': {
      const rr = r / 2;
      const [cx, cy] = center(c, r + 1);
      const a = starRing(c, box, cx - rr, cy, rr * 0.9, 0.5, decimals);
      const b = starRing(c, box, cx + rr, cy, rr * 0.9, 0.5, decimals);
      return { wkt: `MULTIPOLYGON ((${a}), (${b}))`, bbox: box };
    }
    case 'subpixel': {
      const [x0, y0] = center(c, r + 1);
      const x = Math.round(x0);
      const y = Math.round(y0);
      const w = 0.2 + Math.round(c.rng() * 6) / 10; // 0.2 .. 0.8 px wide
      const h = Math.round(r);
      const ring = new Ring(box);
      ring.add(x, y);
      ring.add(round1(x + w), y);
      ring.add(round1(x + w), y + h);
      ring.add(x, y + h);
      return { wkt: `POLYGON (${ring.closed()})`, bbox: box };
    }
    case 'outside': {
      const side = randInt(c.rng, 0, 3);
      let [cx, cy] = center(c, r + 1);
      if (side === 0) cx = -r / 3;
      else if (side === 1) cx = c.width + r / 3;
      else if (side === 2) cy = -r / 3;
      else cy = c.height + r / 3;
      return { wkt: `POLYGON (${starRing(c, box, cx, cy, r, 0.7, false)})`, bbox: box };
    }
    case 'point': {
      const [x, y] = center(c, 1);
      const ring = new Ring(box);
      ring.add(Math.round(x), Math.round(y));
      return { wkt: `POINT ${ring.open()}`, bbox: box };
    }
    case 'line': {
      const [cx, cy] = center(c, r + 1);
      const n = randInt(c.rng, 2, 5);
      const ring = new Ring(box);
      for (let k = 0; k < n; k++) {
        ring.add(Math.round(cx - r + (2 * r * k) / (n - 1)), Math.round(cy + (c.rng() - 0.5) * r));
      }
      return { wkt: `LINESTRING ${ring.open()}`, bbox: box };
    }
    case 'bowtie': {
      const [cx, cy] = center(c, r + 1);
      const d = Math.round(r);
      const x = Math.round(cx - d / 2);
      const y = Math.round(cy - d / 2);
      const ring = new Ring(box);
      ring.add(x, y);
      ring.add(x + d, y + d);
      ring.add(x + d, y);
      ring.add(x, y + d);
      return { wkt: `POLYGON (${ring.closed()})`, bbox: box };
    }
  }
}

const MALFORMED = [
  (x: number, y: number) => `POLYGON ((${x} ${y}, ${x + 10} ${y}, ${x + 10}`,
  (x: number, y: number) => `POLYGON ((${x} ${y}, ${x + 10} ${y},, ${x} ${y + 10}, ${x} ${y}))`,
  (x: number, y: number) => `POLYGN ((${x} ${y}, ${x + 10} ${y}, ${x + 10} ${y + 10}, ${x} ${y}))`,
  (x: number, y: number) => `POLYGON ((${x} ${y}, ${x + 10} abc, ${x} ${y}))`,
  () => '',
];

/** A malformed WKT string (unparseable); its envelope is NaN. */
export function makeMalformed(c: Ctx): Shape {
  const [x, y] = center(c, 20);
  const f = MALFORMED[randInt(c.rng, 0, MALFORMED.length - 1)]!;
  return { wkt: f(Math.round(x), Math.round(y)), bbox: [Number.NaN, Number.NaN, Number.NaN, Number.NaN] };
}
