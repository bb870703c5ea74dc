import type { Feature, ImageInstance, ListEnvelope, PipelineWarning, Position, Term } from '@cytorx/core';
import {
  clipToImage,
  createClient,
  defaultClassMapping,
  listAnnotations,
  listImages,
  listTerms,
  mapClasses,
  parseWkt,
  repair,
  resolveTerms,
  toImageSpace,
} from '@cytorx/core';
import type { Emulator } from '@cytorx/emulator';
import { startEmulator } from '@cytorx/emulator';
import { lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * End to end over loopback: the emulator's generated project (valid polygons, holes,
 * multipolygons, sub-pixel shapes, shapes crossing the border, points, lines, bow-ties and
 * malformed WKT) through parseWkt -> toImageSpace -> resolveTerms -> mapClasses -> repair ->
 * clipToImage. Nothing may be lost silently.
 */
describe('geometry pipeline against the emulator', () => {
  let emu: Emulator;
  let client: ReturnType<typeof createClient>;
  let projectId: number;
  let images: ImageInstance[];
  let terms: Term[];
  let size: number;
  let out: Feature[];
  const warnings: PipelineWarning[] = [];

  beforeAll(async () => {
    emu = await startEmulator({
      dataset: {
        seed: 11,
        projects: 1,
        imagesPerProject: 3,
        annotationsPerImage: 80,
        malformedWkt: true,
        maxImageWidth: 30_000,
      },
    });
    client = createClient({
      host: emu.url,
      publicKey: emu.publicKey,
      privateKey: emu.privateKey,
      pageSize: 50,
    });
    projectId = emu.dataset.projects[0]!.id;
    images = await lastValueFrom(listImages(client, projectId).pipe(toArray()));
    terms = await lastValueFrom(listTerms(client, { project: projectId }).pipe(toArray()));
    const envelope = await lastValueFrom(
      client.request<ListEnvelope<unknown>>('GET', '/api/annotation.json', {
        query: { project: projectId, max: 1, offset: 0 },
      }),
    );
    size = envelope.size!;
    const onWarning = (w: PipelineWarning) => warnings.push(w);
    out = await lastValueFrom(
      listAnnotations(client, { project: projectId }).pipe(
        parseWkt({ images: new Map(images.map((im) => [im.id, im])), onWarning }),
        toImageSpace(),
        resolveTerms(terms, { onWarning }),
        mapClasses({ terms, onWarning }),
        repair({ onWarning }),
        clipToImage({ onWarning }),
        toArray(),
      ),
    );
  });

  afterAll(async () => {
    await client?.close();
    await emu?.close();
  });

  it('every annotation comes out in image space or is reported skipped with a reason: outputs + skipped = size', () => {
    const expectedIds = emu.dataset.annotations.filter((a) => a.project === projectId).map((a) => a.id);
    expect(size).toBe(expectedIds.length);
    expect(size).toBeGreaterThan(200);
    const outIds = new Set(out.map((f) => f.annotationId));
    const skipped = warnings.filter((w) => w.skipped);
    const skippedIds = new Set(skipped.map((w) => w.annotationId));
    expect(skipped.length).toBe(skippedIds.size); // one skip reason per dropped annotation
    expect([...outIds].filter((id) => skippedIds.has(id))).toEqual([]);
    expect(outIds.size + skippedIds.size).toBe(size);
    expect(new Set([...outIds, ...skippedIds])).toEqual(new Set(expectedIds));
    for (const w of skipped) {
      expect(w.message.length).toBeGreaterThan(10);
      expect(w.imageId).toBeTypeOf('number');
    }
  });

  it('malformed WKT is what gets skipped by parseWkt, at least one per image', () => {
    const malformed = emu.dataset.annotations
      .filter((a) => a.project === projectId && Number.isNaN(a.bbox[0]))
      .map((a) => a.id);
    const invalid = warnings.filter((w) => w.code === 'INVALID_WKT').map((w) => w.annotationId);
    expect(new Set(invalid)).toEqual(new Set(malformed));
    expect(new Set(warnings.filter((w) => w.code === 'INVALID_WKT').map((w) => w.imageId)).size).toBe(
      images.length,
    );
  });

  it('outputs are in image space, inside the image, with classes from the default mapping', () => {
    const mapping = defaultClassMapping(terms);
    const classOfTerm = new Map(mapping.classes.map((c) => [c.termIds[0]!, c.id]));
    for (const f of out) {
      expect(f.frame).toBe('image');
      const { width, height } = f.image;
      const coords: Position[] = [];
      const g = f.geometry;
      if (g.type === 'Point') coords.push(g.coordinates);
      else if (g.type === 'LineString' || g.type === 'MultiPoint') coords.push(...g.coordinates);
      else if (g.type === 'Polygon' || g.type === 'MultiLineString') coords.push(...g.coordinates.flat());
      else if (g.type === 'MultiPolygon') coords.push(...g.coordinates.flat(2));
      const outside = coords.filter(([x, y]) => !(x >= 0 && x <= width && y >= 0 && y <= height));
      expect(outside).toEqual([]);
      const first = f.termIds[0];
      expect(f.classId).toBe(first === undefined ? 255 : (classOfTerm.get(first) ?? 255));
    }
    // The dataset has bow-ties: they come out repaired, not dropped.
    expect(warnings.some((w) => w.code === 'REPAIRED' && !w.skipped)).toBe(true);
  });

  it('a known polygon, flipped by hand: y_img = H - y', () => {
    // A valid polygon (no repair, no clip) parsed here with a regex, independently of wkx.
    const touched = new Set(warnings.map((w) => w.annotationId));
    const candidate = emu.dataset.annotations.find(
      (a) =>
        a.project === projectId &&
        /^POLYGON \(\([^()]*\)\)$/.test(a.location) &&
        !touched.has(a.id) &&
        a.bbox[0] > 0,
    )!;
    expect(candidate).toBeDefined();
    const image = images.find((im) => im.id === candidate.image)!;
    const H = image.height;
    const ring = candidate.location
      .slice('POLYGON (('.length, -2)
      .split(',')
      .map((pair) => pair.trim().split(/\s+/).map(Number) as Position);
    const byHand: Position[] = ring.map(([x, y]) => [x, H - y]);
    const f = out.find((x) => x.annotationId === candidate.id)!;
    expect(f.geometry.type).toBe('Polygon');
    const got = (f.geometry as { coordinates: Position[][] }).coordinates[0]!;
    // Same start vertex; the direction is whichever gives positive signed area in image space.
    const reversed = [byHand[0]!, ...byHand.slice(1, -1).reverse(), byHand.at(-1)!];
    expect([byHand, reversed]).toContainEqual(got);
    expect(got[0]).toEqual([ring[0]![0], H - ring[0]![1]]);
  });
});
