import { describe, expect, it } from 'vitest';
import { envelope } from '../src/geometry/geometry.js';
import { invalidReason } from '../src/geometry/validate.js';
import { parseWkt } from '../src/geometry/wkt.js';
import { generateDataset } from '../src/index.js';

describe('generateDataset', () => {
  it('is deterministic: same seed, same data; another seed, other data', () => {
    const a = generateDataset({ seed: 4, malformedWkt: true });
    const b = generateDataset({ seed: 4, malformedWkt: true });
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    const c = generateDataset({ seed: 5 });
    expect(c.annotations.map((x) => x.location)).not.toEqual(a.annotations.map((x) => x.location));
  });

  it('has the default shape: 2 users, ontologies with #RRGGBB terms, 3 projects x 3 images x 20 annotations', () => {
    const d = generateDataset();
    expect(d.users.map((u) => u.username)).toEqual(['alice', 'bob']);
    expect(d.projects).toHaveLength(3);
    expect(d.images).toHaveLength(9);
    expect(d.annotations).toHaveLength(180);
    for (const t of d.terms) expect(t.color).toMatch(/^#[0-9A-F]{6}$/);
    expect(d.images[0]).toMatchObject({ width: 2048, height: 1536 });
    expect(Math.max(...d.images.map((i) => i.width))).toBe(100_000);
    const ids = d.annotations.map((a) => a.id);
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    expect(new Set(ids).size).toBe(ids.length);
    for (const a of d.annotations) {
      const onto = d.projects.find((p) => p.id === a.project)!.ontology;
      for (const l of a.terms) expect(d.terms.find((t) => t.id === l.term)!.ontology).toBe(onto);
    }
  });

  it('covers every kind on each image, with envelopes matching the WKT', () => {
    const d = generateDataset({ seed: 8, malformedWkt: true, projects: 1, imagesPerProject: 2 });
    for (const image of d.images) {
      const anns = d.annotations.filter((a) => a.image === image.id);
      const types = new Set<string>();
      let invalid = 0;
      let outside = 0;
      let subpixel = 0;
      let holes = 0;
      let malformed = 0;
      for (const a of anns) {
        let g: ReturnType<typeof parseWkt>;
        try {
          g = parseWkt(a.location);
        } catch {
          malformed++;
          expect(a.bbox.every(Number.isNaN)).toBe(true);
          continue;
        }
        types.add(g.type);
        expect(a.bbox).toEqual(envelope(g));
        if (invalidReason(g)) invalid++;
        if (a.bbox[0] < 0 || a.bbox[1] < 0 || a.bbox[2] > image.width || a.bbox[3] > image.height) outside++;
        if (g.type === 'Polygon' && a.bbox[2] - a.bbox[0] < 1) subpixel++;
        if (g.type === 'Polygon' && g.rings.length > 1) holes++;
      }
      expect(types).toEqual(new Set(['Polygon', 'MultiPolygon', 'Point', 'LineString']));
      expect(invalid).toBeGreaterThanOrEqual(1); // bow-tie
      expect(outside).toBeGreaterThanOrEqual(1);
      expect(subpixel).toBeGreaterThanOrEqual(1);
      expect(holes).toBeGreaterThanOrEqual(1);
      expect(malformed).toBeGreaterThanOrEqual(1);
      expect(anns.some((a) => a.terms.length === 0)).toBe(true);
    }
  });

  it('restricts kinds and sizes on request', () => {
    const d = generateDataset({
      seed: 1,
      projects: 1,
      imagesPerProject: 2,
      annotationsPerImage: 200,
      kinds: ['simple'],
      imageSize: { width: 4096, height: 4096 },
    });
    expect(d.images.every((i) => i.width === 4096 && i.height === 4096)).toBe(true);
    for (const a of d.annotations) {
      const g = parseWkt(a.location);
      expect(g.type).toBe('Polygon');
      expect(invalidReason(g)).toBeNull();
      expect(a.bbox[0]).toBeGreaterThanOrEqual(0);
      expect(a.bbox[3]).toBeLessThanOrEqual(4096);
    }
  });

  it('generates 50,000 annotations on one image with increasing ids and created times', () => {
    const d = generateDataset({ seed: 2, projects: 1, imagesPerProject: 1, annotationsPerImage: 50_000 });
    expect(d.annotations).toHaveLength(50_000);
    let increasing = true;
    for (let k = 1; k < d.annotations.length; k++) {
      const [a, b] = [d.annotations[k - 1]!, d.annotations[k]!];
      if (!(b.id > a.id && b.created > a.created)) increasing = false;
    }
    expect(increasing).toBe(true);
  });
});
