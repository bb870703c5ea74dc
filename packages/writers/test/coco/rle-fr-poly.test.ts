// rleFrPoly: pycocotools' polygon decoder (maskApi.c), ported. Expected values are worked by
// hand from the C source, step by step, in the comments: (1) vertices x5, (int)(v + .5);
// (2) DDA points along each edge; (3) a toggle where the walk crosses a pixel-centre column
// (scaled x between 5n+2 and 5n+3), at row ceil((min(v) + .5) / 5 - .5) clamped to [0, h];
// (4) toggles sorted column-major (index x*h + y), plus h*w, differenced, equal ones cancel.
import { rleDecode, rleFrPoly, rleMerge } from '@cytorx/writers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

describe('rleFrPoly (pycocotools maskApi.c)', () => {
  it('the 2x2 square [0,0]-[2,2] on 3x3 is pixels (0..1, 0..1)', () => {
    // x5: (0,0) (10,0) (10,10) (0,10). Top edge: u 0..10 at v=0, crossings u 2->3 (column 0)
    // and 7->8 (column 1) at row ceil(0.5/5 - .5) = ceil(-0.4) -> clamped 0: toggles 0, 3.
    // Bottom edge (walked 10..0 at v=10): columns 1 and 0 at row ceil(10.5/5 - .5) = ceil(1.6)
    // = 2: toggles 5, 2. Vertical edges never change u. Sorted 0 2 3 5 | 9 -> 0 2 1 2 4.
    expect(rleFrPoly([0, 0, 2, 0, 2, 2, 0, 2], 3, 3)).toEqual({ size: [3, 3], counts: [0, 2, 1, 2, 4] });
  });

  it('a unit square with corners on pixel centres: pycocotools fills pixel (1,1), where cytorx fills (0,0)', () => {
    // x5: 2.5 + .5 -> 3, 7.5 + .5 -> 8. Top edge u 3..8 at v=3: only 7->8 crosses a centre
    // column (column 1), row ceil(3.5/5 - .5) = ceil(0.2) = 1: toggle 1*3+1 = 4. Bottom edge
    // at v=8: column 1, row ceil(8.5/5 - .5) = ceil(1.2) = 2: toggle 5. Counts 4 1 4.
    const rle = rleFrPoly([0.5, 0.5, 1.5, 0.5, 1.5, 1.5, 0.5, 1.5], 3, 3);
    expect(rle.counts).toEqual([4, 1, 4]);
    expect([...rleDecode(rle)]).toEqual([0, 0, 0, 0, 1, 0, 0, 0, 0]);
  });

  it('the triangle (0,0) (3,0) (0,3): the hypotenuse toggles cancel the top edge in column 2', () => {
    // x5: (0,0) (15,0) (0,15). Top edge at v=0: columns 0, 1, 2 at row 0: toggles 0, 3, 6.
    // Hypotenuse: dx = dy = 15, xs > xe so flipped; s = -1; points (15-t... ) i.e. (u, 15-u).
    // Crossing 13->12 (column 2): min v = 2, row ceil(2.5/5 - .5) = 0: toggle 6.
    // 8->7 (column 1): min v = 7, row ceil(7.5/5 - .5) = 1: toggle 4.
    // 3->2 (column 0): min v = 12, row ceil(12.5/5 - .5) = 2: toggle 2.
    // Sorted 0 2 3 4 6 6 | 9 -> diffs 0 2 1 1 2 0 3; the 0 (two toggles at 6) merges the
    // next run into the previous one: 0 2 1 1 5. Pixels (0,0) (0,1) (1,0): the centres on
    // the hypotenuse, (0.5,2.5) (1.5,1.5) (2.5,0.5), are out, as under the cytorx rule.
    expect(rleFrPoly([0, 0, 3, 0, 0, 3], 3, 3).counts).toEqual([0, 2, 1, 1, 5]);
  });

  it('negative coordinates round by truncation, and columns left of the canvas are dropped', () => {
    // x5: -5 + .5 = -4.5 -> (int) -4 (not -5). Top edge u -4..5 at v=0: the crossing -3->-2
    // gives xd = -1 (dropped, < 0); 2->3 gives column 0, row 0: toggle 0. Bottom edge at v=5:
    // column 0, row ceil(5.5/5 - .5) = ceil(0.6) = 1: toggle 1. Counts 0 1 3 on 2x2.
    expect(rleFrPoly([-1, 0, 1, 0, 1, 1, -1, 1], 2, 2).counts).toEqual([0, 1, 3]);
    // A repeated vertex (a zero-length edge) changes nothing.
    expect(rleFrPoly([-1, 0, 1, 0, 1, 0, 1, 1, -1, 1], 2, 2).counts).toEqual([0, 1, 3]);
  });

  it('rows below the canvas clamp to h: a square hanging off the bottom fills to the last row', () => {
    // [1,1]-[2,5] on 3x3 (x5: 5..10, 5..25): column 1 from row ceil(5.5/5 - .5) = 1 to
    // min(ceil(25.5/5 - .5), 3) = 3: toggles 4, 6 -> 4 2 3.
    expect(rleFrPoly([1, 1, 2, 1, 2, 5, 1, 5], 3, 3).counts).toEqual([4, 2, 3]);
  });

  it('property: an axis-aligned rectangle with integer corners decodes to exactly its pixels', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 12 }),
        fc.tuple(fc.integer({ min: -3, max: 14 }), fc.integer({ min: -3, max: 14 })),
        fc.tuple(fc.integer({ min: -3, max: 14 }), fc.integer({ min: -3, max: 14 })),
        (w, h, [x0, x1], [y0, y1]) => {
          const [xa, xb] = [Math.min(x0, x1), Math.max(x0, x1)];
          const [ya, yb] = [Math.min(y0, y1), Math.max(y0, y1)];
          const mask = rleDecode(rleFrPoly([xa, ya, xb, ya, xb, yb, xa, yb], h, w));
          for (let y = 0; y < h; y++) {
            for (let x = 0; x < w; x++) {
              const inside = xa <= x && x < xb && ya <= y && y < yb;
              expect(mask[y * w + x], `${x},${y}`).toBe(inside ? 1 : 0);
            }
          }
        },
      ),
    );
  });

  it('rejects an odd number of values', () => {
    expect(() => rleFrPoly([0, 0, 1], 2, 2)).toThrow(/x,y pairs/);
  });
});

describe('rleMerge (union, as annToRLE merges the rings of a polygon list)', () => {
  it('overlapping rings are united, not cancelled (unlike the even-odd rule)', () => {
    const a = rleFrPoly([0, 0, 2, 0, 2, 2, 0, 2], 3, 3); // pixels x,y in 0..1
    const b = rleFrPoly([1, 1, 3, 1, 3, 3, 1, 3], 3, 3); // pixels x,y in 1..2
    expect([...rleDecode(rleMerge([a, b]))]).toEqual([1, 1, 0, 1, 1, 1, 0, 1, 1]);
    expect(rleMerge([a, b]).counts).toEqual([0, 2, 1, 3, 1, 2]);
  });

  it('normalises one input and refuses mismatched sizes or none', () => {
    expect(rleMerge([{ size: [2, 2], counts: [0, 1, 0, 1, 2] }]).counts).toEqual([0, 2, 2]);
    expect(() => rleMerge([])).toThrow(/no mask/);
    expect(() =>
      rleMerge([
        { size: [2, 2], counts: [4] },
        { size: [2, 3], counts: [6] },
      ]),
    ).toThrow(/sizes differ/);
  });
});
