import { describe, expect, it } from 'vitest';
import {
  committedDigests,
  generateWorkload,
  loadWorkload,
  workloadDigest,
} from '../../bench/workloads/workloads.mjs';

describe('bench workloads', () => {
  it('the committed 2048-1000 workload matches its committed digest', () => {
    const w = loadWorkload('workload-2048-1000');
    expect([w.width, w.height, w.annotations.length]).toEqual([2048, 2048, 1000]);
  });

  // One of the two large workloads (same code path; the bench checks both when it loads them).
  it('workload-8192-10000 is generated from its seed with the committed digest', () => {
    const w = generateWorkload({ width: 8192, height: 8192, count: 10_000 });
    expect(workloadDigest(w)).toBe(committedDigests()['workload-8192-10000']);
    // The shape the bench figures assume (raster-coco.md §D): ~140 vertices, 10 % / 5 % holes.
    const vertices = w.annotations.reduce((s, a) => s + a.polygons[0]!.length / 2, 0) / w.annotations.length;
    expect(vertices).toBeGreaterThan(120);
    expect(vertices).toBeLessThan(160);
    const holed = w.annotations.filter((a) => a.polygons.length > 1).length;
    expect(holed).toBeGreaterThan(1300);
    expect(holed).toBeLessThan(1700);
  });

  it('a different seed gives a different workload, and an unknown name is refused', () => {
    const a = generateWorkload({ width: 256, height: 256, count: 10 });
    const b = generateWorkload({ width: 256, height: 256, count: 10, seed: 1 });
    expect(workloadDigest(a)).toBe(workloadDigest(generateWorkload({ width: 256, height: 256, count: 10 })));
    expect(workloadDigest(a)).not.toBe(workloadDigest(b));
    expect(() => loadWorkload('workload-64-1')).toThrow(/unknown workload workload-64-1/);
  });
});
