// The QuPath flavour against QuPath's importer rules (qupath-rules.ts, written from
// qupath-core's PathObjectTypeAdapter/PathClassTypeAdapter) and a golden fixture
// (fixtures/qupath/expected.geojson, checked by hand against those rules).
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Geometry } from '@cytorx/core';
import { geojsonWriter, writeTo } from '@cytorx/writers';
import { from, lastValueFrom } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { featureUuid } from '../../src/geojson/feature-json.js';
import { batch, feature, image, rectRing, ring, tempContext } from '../contract/fixtures.js';
import { qupathImportProblems } from './qupath-rules.js';

const FIXTURE = path.join(
  path.dirname(new URL(import.meta.url).pathname),
  'fixtures/qupath/expected.geojson',
);

function qupathBatch() {
  const img = image(4, 64, 48);
  const donut: Geometry = { type: 'Polygon', coordinates: [rectRing(0, 0, 20, 20), rectRing(5, 5, 15, 15)] };
  const flipped: Geometry = {
    type: 'Polygon',
    coordinates: [ring([2, 48 - 2.01], [12.5, 48 - 2.01], [12.5, 48 - 30.33])], // 45.99, 17.67 after the flip's noise
  };
  const noTerm = feature(43, img, { type: 'Polygon', coordinates: [rectRing(1, 1, 3, 3)] }, { termIds: [] });
  return batch(img, [
    feature(40, img, flipped),
    feature(41, img, donut, { termIds: [102] }),
    feature(2_000_041, img, donut, { termIds: [101], annotationId: 41 }), // multi-term duplicate
    feature(
      42,
      img,
      { type: 'Polygon', coordinates: [rectRing(30, 30, 40, 40)] },
      { termIds: [], classId: 255 },
    ),
    noTerm,
  ]);
}

describe('geojsonWriter flavor qupath', () => {
  it('every feature passes QuPath importer rules; unlabeled features get a colour; the file equals the fixture', async () => {
    const ctx = await tempContext();
    await lastValueFrom(from([qupathBatch()]).pipe(writeTo(ctx, geojsonWriter({ flavor: 'qupath' }))));
    const text = await readFile(path.join(ctx.root, 'geojson/4.geojson'), 'utf8');
    const fc = JSON.parse(text) as { features: Array<{ id: string; properties: Record<string, unknown> }> };
    for (const f of fc.features) expect(qupathImportProblems(f), JSON.stringify(f.properties)).toEqual([]);
    const [a, b, dup, unlabeled, bare] = fc.features;
    expect(a!.properties.classification).toEqual({ name: 'Tumour', color: [255, 0, 0] });
    expect(b!.properties.classification).toEqual({ name: 'Stroma', color: [0, 255, 128] });
    expect(dup!.properties.classification).toEqual({ name: 'Tumour', color: [255, 0, 0] });
    // The bug QuPath hit: {name: "unlabeled"} without a colour made the whole file fail.
    expect(unlabeled!.properties.classification).toEqual({ name: 'unlabeled', color: [128, 128, 128] });
    expect(bare!.properties.classification).toBeUndefined(); // no class, no term: unclassified in QuPath
    for (const f of fc.features) {
      expect(f.properties.objectType).toBe('annotation');
      expect('isLocked' in f.properties).toBe(false);
    }
    // UUIDs from the feature id: the duplicate of annotation 41 gets its own, stable, id.
    expect(fc.features.map((f) => f.id)).toEqual([40, 41, 2_000_041, 42, 43].map(featureUuid));
    expect(new Set(fc.features.map((f) => f.id)).size).toBe(5);
    if (process.env.CYTORX_UPDATE_FIXTURES === '1') await writeFile(FIXTURE, text);
    expect(text).toBe(await readFile(FIXTURE, 'utf8'));
  });

  it('the rules catch what QuPath refuses (the checker itself)', () => {
    const base = { type: 'Feature', id: featureUuid(1), geometry: { type: 'Point', coordinates: [0, 0] } };
    const ok = {
      ...base,
      properties: { objectType: 'annotation', classification: { name: 'A', color: [1, 2, 3] } },
    };
    expect(qupathImportProblems(ok)).toEqual([]);
    const noColor = { ...base, properties: { classification: { name: 'unlabeled' } } };
    expect(qupathImportProblems(noColor)).toEqual([expect.stringMatching(/Unable to parse PathClass/)]);
    const badColor = { ...base, properties: { classification: { name: 'A', color: [1, 2] } } };
    expect(qupathImportProblems(badColor)).toEqual([expect.stringMatching(/2 entries/)]);
    expect(qupathImportProblems({ ...base, properties: { name: null } })).toHaveLength(1);
    expect(qupathImportProblems({ ...base, id: 12 })).toEqual([expect.stringMatching(/not a UUID/)]);
  });
});
