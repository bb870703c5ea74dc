// rasterize(vectorize(m)) == m under the cytorx pixel rule (the writers' own Rasterizer), and
// every polygon valid, for random masks full of the hard cases; regions match a flood fill.
import { MaskVectorizer, repairGeometry, vectorizeMask } from '@cytorx/core';
import { geometryToRings, Rasterizer } from '@cytorx/writers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { componentsOracle, maskArbitrary, type TestMask } from './mask-arbitraries.js';
import { geometryProblem } from './ring-validity.js';

const rasterizer = new Rasterizer();

/** Paints the regions back (failing on any pixel painted twice); ignored classes stay 0. */
function repaint(m: TestMask, regions: ReturnType<typeof vectorizeMask>): Uint8Array {
  const out = new Uint8Array(m.width * m.height);
  const painted = new Uint8Array(m.width * m.height);
  for (const r of regions) {
    rasterizer.spans(geometryToRings(r.geometry), m.width, m.height, (y, x0, x1) => {
      for (let x = x0; x < x1; x++) {
        const i = y * m.width + x;
        if (painted[i]) throw new Error(`pixel ${x},${y} covered by two regions`);
        painted[i] = 1;
        out[i] = r.classId;
      }
    });
  }
  return out;
}

const expected = (m: TestMask, ignore: readonly number[]) => m.data.map((v) => (ignore.includes(v) ? 0 : v));

describe('vectorizeMask (property)', () => {
  for (const connectivity of [8, 4] as const) {
    it(`${connectivity}-connectivity: re-rasterizes exactly, valid rings, one region per component`, () => {
      fc.assert(
        fc.property(maskArbitrary(20), fc.constantFrom([0], [0, 3], [3]), (m, ignore) => {
          const regions = vectorizeMask(m.data, m.width, m.height, { connectivity, ignore });
          expect(repaint(m, regions)).toEqual(expected(m, ignore));
          for (const r of regions) {
            const problem = geometryProblem(r.geometry, m.width, m.height);
            if (problem) throw new Error(`class ${r.classId}: ${problem} in ${JSON.stringify(r.geometry)}`);
            if (connectivity === 4) expect(r.geometry.type).toBe('Polygon');
            // The repair the upload (and the export) runs finds nothing to change.
            expect(repairGeometry(r.geometry)).toMatchObject({ ok: true, changed: false });
          }
          expect(regions.map((r) => `${r.classId}:${r.pixels}`).sort()).toEqual(
            componentsOracle(m, connectivity, ignore),
          );
        }),
        { numRuns: 400 },
      );
    });
  }

  it('any band split gives the same regions as one push', () => {
    fc.assert(
      fc.property(
        maskArbitrary(16),
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1 }),
        (m, cuts) => {
          const whole = vectorizeMask(m.data, m.width, m.height);
          const banded: ReturnType<typeof vectorizeMask> = [];
          const v = new MaskVectorizer(m.width, (r) => banded.push(r));
          let y = 0;
          for (let k = 0; y < m.height; k++) {
            const rows = Math.min(cuts[k % cuts.length]!, m.height - y);
            // Each band in its own buffer, with a stride wider than the row.
            const stride = m.width + 3;
            const band = new Uint8Array(rows * stride);
            for (let r = 0; r < rows; r++)
              band.set(m.data.subarray((y + r) * m.width, (y + r + 1) * m.width), r * stride);
            v.push(band, rows, stride);
            y += rows;
          }
          v.finish();
          expect(banded).toEqual(whole);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('scale and offset map pixel corners; bbox and pixel count follow', () => {
    const m = new Uint8Array([0, 2, 2, 0, 2, 0]);
    const [r] = vectorizeMask(m, 3, 2, { scale: 4, offset: [100, 200] });
    expect(r).toEqual({
      classId: 2,
      pixels: 3,
      bbox: [104, 200, 112, 208],
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [104, 208],
            [104, 200],
            [112, 200],
            [112, 204],
            [108, 204],
            [108, 208],
            [104, 208],
          ],
        ],
      },
    });
  });

  it('a diagonal contact is one MultiPolygon with 8-connectivity, two Polygons with 4', () => {
    const m = new Uint8Array([1, 0, 0, 1]);
    const eight = vectorizeMask(m, 2, 2);
    expect(eight).toHaveLength(1);
    expect(eight[0]!.geometry.type).toBe('MultiPolygon');
    expect(vectorizeMask(m, 2, 2, { connectivity: 4 })).toHaveLength(2);
  });

  it('--simplify keeps a bounded error and valid polygons; 0 is exact', () => {
    // A staircase diagonal band: simplification removes most corners.
    const w = 40;
    const m = new Uint8Array(w * w);
    for (let y = 0; y < w; y++) for (let x = 0; x < w; x++) if (Math.abs(x - y) < 6) m[y * w + x] = 1;
    const exact = vectorizeMask(m, w, w);
    const simple = vectorizeMask(m, w, w, { simplify: 1.5 });
    const count = (g: ReturnType<typeof vectorizeMask>[number]['geometry']) =>
      geometryToRings(g).flat().length;
    expect(count(simple[0]!.geometry)).toBeLessThan(count(exact[0]!.geometry) / 4);
    let differing = 0;
    const back = repaint({ width: w, height: w, data: m }, simple);
    for (let i = 0; i < m.length; i++) if (back[i] !== m[i]) differing++;
    expect(differing).toBeGreaterThan(0);
    expect(differing).toBeLessThan(2 * w * 1.5 * 2);
  });
});
