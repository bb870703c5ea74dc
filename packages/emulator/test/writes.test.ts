import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Dataset, type Emulator, generateDataset, startEmulator } from '../src/index.js';
import { call } from './helpers.js';

let emu: Emulator;
let d: Dataset;
beforeAll(async () => {
  d = generateDataset({ seed: 5, projects: 3, imagesPerProject: 1, annotationsPerImage: 2 });
  emu = await startEmulator({ dataset: d });
});
afterAll(() => emu.close());
beforeEach(() => {
  emu.resetStats();
  emu.setBatchStyle('spring');
});

const image = () => d.images[0]!; // 2048 x 1536
const term = () => d.terms.find((t) => t.ontology === d.projects[0]!.ontology)!;
const square = (x: number, y: number, s: number) =>
  `POLYGON ((${x} ${y}, ${x + s} ${y}, ${x + s} ${y + s}, ${x} ${y + s}, ${x} ${y}))`;
const post = (body: unknown) => call(emu, 'POST', '/api/annotation.json', { body });

describe('POST one annotation', () => {
  it('creates it, returns the full object, stores JTS-formatted WKT', async () => {
    const r = await post({
      location: 'POLYGON((10 10,50 10,50 50,10 50,10 10))',
      image: image().id,
      term: [term().id],
    });
    expect(r.status).toBe(200);
    expect(r.json.callback.method).toBe('be.cytomine.AddUserAnnotationCommand');
    const a = r.json.annotation;
    expect(a.location).toBe('POLYGON ((10 10, 50 10, 50 50, 10 50, 10 10))');
    expect(a.term).toEqual([term().id]);
    expect(r.json.callback.userannotationID).toBe(String(a.id));
    expect(d.annotations.at(-1)!.id).toBe(a.id);
    expect(emu.stats().writes).toBe(1);
    const listed = await call(emu, 'GET', `/api/annotation.json?image=${image().id}&max=1&showWKT=true`);
    expect(listed.json.collection[0].id).toBe(a.id);
  });

  it('clips a geometry that sticks out of the image', async () => {
    const { width, height } = image();
    const r = await post({ location: square(width - 10, height - 10, 30), image: image().id });
    expect(r.status).toBe(200);
    const loc: string = r.json.annotation.location;
    expect(loc).toMatch(/^POLYGON \(\(.*\)\)$/);
    const vertices = loc.slice(10, -2).split(', ');
    expect(vertices).toHaveLength(5);
    expect(vertices[0]).toBe(vertices[4]);
    expect(new Set(vertices.slice(0, 4))).toEqual(
      new Set([
        `${width - 10} ${height - 10}`,
        `${width} ${height - 10}`,
        `${width} ${height}`,
        `${width - 10} ${height}`,
      ]),
    );
  });

  it.each([
    [{ location: square(1, 1, 5) }, 400, 'Cannot retrieve slice or image'],
    [{ image: 1, location: square(1, 1, 5) }, 404, 'not found'],
    [{ image: 'IMG' }, 400, 'valid geometry'],
    [{ image: 'IMG', location: 'POLYGON ((1 1, 2 2' }, 400, 'Annotation location is not valid'],
    [
      { image: 'IMG', location: 'POLYGON ((0 0, 10 10, 10 0, 0 10, 0 0))' },
      400,
      'Annotation location is not valid',
    ],
    [
      { image: 'IMG', location: 'POLYGON ((0 0, 10 0, 10 10, 0 0), (20 20, 30 20, 30 30, 20 20))' },
      400,
      'not valid',
    ],
    [
      { image: 'IMG', location: 'POLYGON ((5 5, 5.5 5, 5.5 40, 5 40, 5 5))' },
      400,
      'Annotation dimension not valid',
    ],
    [{ image: 'IMG', location: square(-50, -50, 20) }, 400, 'Annotation dimension not valid'],
  ] as [Record<string, unknown>, number, string][])('refuses %j with %i', async (body, status, message) => {
    const b = { ...body, ...(body.image === 'IMG' ? { image: image().id } : {}) };
    const before = d.annotations.length;
    const r = await post(b);
    expect(r.status).toBe(status);
    expect(r.json.success).toBe(false);
    expect(r.json.errors).toContain(message);
    expect(d.annotations.length).toBe(before);
    expect(emu.stats().writes).toBe(0);
  });

  it('accepts points and lines (no dimension check)', async () => {
    expect((await post({ image: image().id, location: 'POINT (10 10)' })).status).toBe(200);
    expect((await post({ image: image().id, location: 'LINESTRING (10 10, 10 100)' })).status).toBe(200);
  });

  it('refuses a term of another ontology and an unparseable body', async () => {
    const other = d.terms.find((t) => t.ontology !== d.projects[0]!.ontology)!;
    expect((await post({ image: image().id, location: square(1, 1, 9), term: [other.id] })).status).toBe(400);
    const bad = await call(emu, 'POST', '/api/annotation.json', { body: '{nope' });
    expect(bad.status).toBe(400);
    expect(bad.json.errors.message).toMatch(/cannot be parsed/);
  });
});

describe('batch POST', () => {
  const good = () => ({ image: image().id, location: square(100, 100, 20), term: [term().id] });
  const bad = () => ({ image: image().id, location: 'POLYGON ((0 0, 10 10, 10 0, 0 10, 0 0))' });

  it('spring style: always HTTP 200 with the status inside, ids in the message', async () => {
    const r = await post([good(), good()]);
    expect(r.status).toBe(200);
    expect(r.json.status).toBe(200);
    const ids = /userannotations (\d+(?:,\d+)*) added/.exec(r.json.data.message)![1]!.split(',').map(Number);
    expect(ids).toHaveLength(2);
    for (const id of ids) expect(d.annotations.some((a) => a.id === id)).toBe(true);
    expect(emu.stats().writes).toBe(2);

    const partial = await post([good(), bad(), good()]);
    expect(partial.status).toBe(200);
    expect(partial.json.status).toBe(206);
    expect(partial.json.data.success).toBe(false);
    expect(partial.json.data.message).toMatch(
      /^Only part of the entries \(userannotations \d+,\d+\) added\.$/,
    );
    expect(partial.json.data.errors).toHaveLength(1);
    expect(partial.json.data.errors[0].message).toBe('Annotation location is not valid');
    expect(partial.json.data.errors[0].data).toEqual(bad());

    const none = await post([bad()]);
    expect(none.status).toBe(200);
    expect(none.json).toMatchObject({ status: 400, data: { success: false, message: 'No entry saved' } });
  });

  it('grails style: HTTP status 200/206/400 and the inner object as body', async () => {
    emu.setBatchStyle('grails');
    const ok = await post([good()]);
    expect(ok.status).toBe(200);
    expect(ok.json.message).toMatch(/^userannotations \d+ added$/);
    const partial = await post([bad(), good()]);
    expect(partial.status).toBe(206);
    expect(partial.json.errors).toHaveLength(1);
    expect((await post([bad()])).status).toBe(400);
  });

  it('answers 200 to an empty array', async () => {
    const r = await post([]);
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ data: { message: 'userannotations  added' }, status: 200 });
    expect(emu.stats().writes).toBe(0);
  });
});

describe('PUT, DELETE and term links', () => {
  it('updates with location + image, refuses without them', async () => {
    const created = (await post({ image: image().id, location: square(200, 200, 10) })).json.annotation;
    const r = await call(emu, 'PUT', `/api/annotation/${created.id}.json`, {
      body: { ...created, location: square(300, 300, 40) },
    });
    expect(r.status).toBe(200);
    expect(r.json.callback.method).toBe('be.cytomine.EditUserAnnotationCommand');
    expect(r.json.annotation.location).toBe(square(300, 300, 40).replace('POLYGON (', 'POLYGON ('));
    expect(typeof r.json.annotation.updated).toBe('string');
    const noImage = await call(emu, 'PUT', `/api/annotation/${created.id}.json`, {
      body: { location: square(1, 1, 9) },
    });
    expect(noImage.status).toBe(400);
    const missing = await call(emu, 'PUT', '/api/annotation/1.json', { body: { ...created } });
    expect(missing.status).toBe(404);
  });

  it('deletes', async () => {
    const created = (await post({ image: image().id, location: square(200, 200, 10) })).json.annotation;
    emu.resetStats();
    const r = await call(emu, 'DELETE', `/api/annotation/${created.id}.json`);
    expect(r.status).toBe(200);
    expect(r.json.callback.method).toBe('be.cytomine.DeleteUserAnnotationCommand');
    expect((await call(emu, 'GET', `/api/annotation/${created.id}.json`)).status).toBe(404);
    expect((await call(emu, 'DELETE', `/api/annotation/${created.id}.json`)).status).toBe(404);
    expect(emu.stats().writes).toBe(1);
  });

  it('adds, lists, replaces and deletes annotation-term links', async () => {
    const created = (await post({ image: image().id, location: square(200, 200, 10) })).json.annotation;
    const [t1, t2] = d.terms.filter((t) => t.ontology === d.projects[0]!.ontology);
    const add = await call(emu, 'POST', `/api/annotation/${created.id}/term/${t1!.id}.json`, {
      body: { userannotation: created.id, term: t1!.id },
    });
    expect(add.status).toBe(200);
    expect(add.json.annotationterm).toMatchObject({ userannotation: created.id, term: t1!.id });
    const list = await call(emu, 'GET', `/api/annotation/${created.id}/term.json`);
    expect(list.json.collection.map((l: { term: number }) => l.term)).toEqual([t1!.id]);
    const clear = await call(emu, 'POST', `/api/annotation/${created.id}/term/${t2!.id}/clearBefore.json`, {
      body: { userannotation: created.id, term: t2!.id },
    });
    expect(clear.status).toBe(200);
    expect((await call(emu, 'GET', `/api/annotation/${created.id}.json`)).json.term).toEqual([t2!.id]);
    const del = await call(emu, 'DELETE', `/api/annotation/${created.id}/term/${t2!.id}.json`);
    expect(del.status).toBe(200);
    expect((await call(emu, 'GET', `/api/annotation/${created.id}.json`)).json.term).toEqual([]);
    expect((await call(emu, 'DELETE', `/api/annotation/${created.id}/term/${t2!.id}.json`)).status).toBe(404);
  });
});
