// fast-check arbitraries of class-index masks with the hard cases of vectorisation: islands in
// holes in islands, diagonal pixel contacts (checkerboards, staircases), one-pixel lines,
// shapes touching the border, and noise.
import fc from 'fast-check';

/** A mask: `width · height` class ids, row by row. */
export interface TestMask {
  width: number;
  height: number;
  data: Uint8Array;
}

type Op =
  | { kind: 'rect'; x: number; y: number; w: number; h: number; c: number }
  | { kind: 'rings'; x: number; y: number; n: number; c: number }
  | { kind: 'checker'; x: number; y: number; w: number; h: number; c: number }
  | { kind: 'line'; x: number; y: number; len: number; dir: 0 | 1 | 2 | 3; c: number }
  | { kind: 'noise'; seed: number; density: number; c: number };

const op = (size: number): fc.Arbitrary<Op> => {
  const pos = fc.integer({ min: -2, max: size });
  const len = fc.integer({ min: 1, max: size });
  const cls = fc.integer({ min: 0, max: 3 });
  return fc.oneof(
    fc.record({ kind: fc.constant('rect' as const), x: pos, y: pos, w: len, h: len, c: cls }),
    fc.record({
      kind: fc.constant('rings' as const),
      x: pos,
      y: pos,
      n: fc.integer({ min: 1, max: 5 }),
      c: cls,
    }),
    fc.record({ kind: fc.constant('checker' as const), x: pos, y: pos, w: len, h: len, c: cls }),
    fc.record({
      kind: fc.constant('line' as const),
      x: pos,
      y: pos,
      len,
      dir: fc.constantFrom(0 as const, 1 as const, 2 as const, 3 as const),
      c: cls,
    }),
    fc.record({
      kind: fc.constant('noise' as const),
      seed: fc.integer(),
      density: fc.double({ min: 0.1, max: 0.9, noNaN: true }),
      c: cls,
    }),
  );
};

function paint(m: TestMask, o: Op): void {
  const { width: w, height: h, data } = m;
  const set = (x: number, y: number, c: number) => {
    if (x >= 0 && y >= 0 && x < w && y < h) data[y * w + x] = c;
  };
  switch (o.kind) {
    case 'rect':
      for (let y = o.y; y < o.y + o.h; y++) for (let x = o.x; x < o.x + o.w; x++) set(x, y, o.c);
      break;
    case 'rings':
      // Concentric square rings, alternating the class and 0: islands in holes in islands.
      for (let k = 0; k < o.n; k++) {
        const s = 2 * (o.n - k) + 1;
        const c = k % 2 === 0 ? o.c : 0;
        for (let y = 0; y < s; y++) for (let x = 0; x < s; x++) set(o.x + k + x, o.y + k + y, c);
      }
      break;
    case 'checker':
      for (let y = o.y; y < o.y + o.h; y++)
        for (let x = o.x; x < o.x + o.w; x++) if ((x + y) % 2 === 0) set(x, y, o.c);
      break;
    case 'line': {
      const [dx, dy] = [
        [1, 0],
        [0, 1],
        [1, 1],
        [1, -1],
      ][o.dir]!;
      for (let k = 0; k < o.len; k++) set(o.x + k * dx!, o.y + k * dy!, o.c);
      break;
    }
    case 'noise': {
      let s = o.seed >>> 0 || 1;
      for (let i = 0; i < w * h; i++) {
        s ^= s << 13;
        s ^= s >>> 17;
        s ^= s << 5;
        if ((s >>> 0) / 2 ** 32 < o.density) data[i] = o.c;
      }
      break;
    }
  }
}

/** Masks up to `maxSize` x `maxSize` built from 1..8 painted shapes over a background of 0 or 1. */
export function maskArbitrary(maxSize = 20): fc.Arbitrary<TestMask> {
  return fc
    .record({
      width: fc.integer({ min: 1, max: maxSize }),
      height: fc.integer({ min: 1, max: maxSize }),
      background: fc.constantFrom(0, 0, 0, 1),
      ops: fc.array(op(maxSize), { minLength: 1, maxLength: 8 }),
    })
    .map(({ width, height, background, ops }) => {
      const m: TestMask = { width, height, data: new Uint8Array(width * height).fill(background) };
      for (const o of ops) paint(m, o);
      return m;
    });
}

/** Connected components of each class (ids in `ignore` skipped), by flood fill: [class, pixels] sorted. */
export function componentsOracle(m: TestMask, connectivity: 4 | 8, ignore: readonly number[]): string[] {
  const { width: w, height: h, data } = m;
  const seen = new Uint8Array(w * h);
  const out: string[] = [];
  const steps =
    connectivity === 4
      ? [
          [1, 0],
          [-1, 0],
          [0, 1],
          [0, -1],
        ]
      : [
          [1, 0],
          [-1, 0],
          [0, 1],
          [0, -1],
          [1, 1],
          [1, -1],
          [-1, 1],
          [-1, -1],
        ];
  for (let i = 0; i < w * h; i++) {
    if (seen[i] || ignore.includes(data[i]!)) continue;
    const c = data[i]!;
    let n = 0;
    const stack = [i];
    seen[i] = 1;
    while (stack.length > 0) {
      const k = stack.pop()!;
      n++;
      const x = k % w;
      const y = (k - x) / w;
      for (const [dx, dy] of steps) {
        const nx = x + dx!;
        const ny = y + dy!;
        if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
        const q = ny * w + nx;
        if (!seen[q] && data[q] === c) {
          seen[q] = 1;
          stack.push(q);
        }
      }
    }
    out.push(`${c}:${n}`);
  }
  return out.sort();
}
