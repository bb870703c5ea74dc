import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Dataset, type Emulator, generateDataset, startEmulator } from '../src/index.js';
import { call } from './helpers.js';

let emu: Emulator;
let d: Dataset;
beforeAll(async () => {
  d = generateDataset({ seed: 11, projects: 2, imagesPerProject: 2, annotationsPerImage: 25 });
  emu = await startEmulator({ dataset: d });
});
afterAll(() => emu.close());

const get = (path: string) => call(emu, 'GET', path);

describe('resources', () => {
  it('lists projects as a DB page (perPage = items in this page)', async () => {
    const all = await get('/api/project.json');
    expect(all.json).toMatchObject({ offset: 0, size: 2, totalPages: 1, perPage: 2 });
    const page = await get('/api/project.json?max=1&offset=1');
    expect(page.json).toMatchObject({ offset: 1, size: 2, perPage: 1, totalPages: 2 });
    expect(page.json.collection).toHaveLength(1);
    const past = await get('/api/project.json?max=5&offset=9');
    expect(past.status).toBe(200);
    expect(past.json).toMatchObject({ collection: [], size: 2, perPage: 0 });
  });

  it('serves project, ontology, terms, images with the spec fields', async () => {
    const p = d.projects[0]!;
    const project = (await get(`/api/project/${p.id}.json`)).json;
    expect(project).toMatchObject({ id: p.id, name: p.name, ontology: p.ontology, numberOfImages: 2 });
    expect(typeof project.created).toBe('string');
    const ontology = (await get(`/api/ontology/${p.ontology}.json`)).json;
    expect(ontology.children.map((t: { id: number }) => t.id)).toEqual(
      d.terms.filter((t) => t.ontology === p.ontology).map((t) => t.id),
    );
    const terms = (await get(`/api/project/${p.id}/term.json`)).json;
    expect(terms.size).toBe(5);
    for (const t of terms.collection) expect(t.color).toMatch(/^#[0-9A-F]{6}$/);
    const byOntology = (await get(`/api/ontology/${p.ontology}/term.json?max=2`)).json;
    expect(byOntology).toMatchObject({ size: 5, perPage: 2, totalPages: 3 });
    const term = (await get(`/api/term/${d.terms[0]!.id}.json`)).json;
    expect(term.name).toBe(d.terms[0]!.name);
    const images = (await get(`/api/project/${p.id}/imageinstance.json`)).json;
    expect(images.size).toBe(2);
    const img = (await get(`/api/imageinstance/${images.collection[0].id}.json`)).json;
    expect(img).toMatchObject({ width: expect.any(Number), height: expect.any(Number), project: p.id });
    expect((await get('/api/ontology.json')).json.size).toBe(2);
    expect((await get('/api/currentuser.json')).json.username).toBe('alice');
  });

  it('answers 404 with a Cytomine error body for unknown ids', async () => {
    for (const path of [
      '/api/project/1.json',
      '/api/imageinstance/1.json',
      '/api/term/1.json',
      '/api/annotation/1.json',
    ]) {
      const r = await get(path);
      expect(r.status).toBe(404);
      expect(r.json.errors.message).toMatch(/not found/);
    }
    expect((await get('/api/nothing-here.json')).status).toBe(404);
  });
});

describe('annotation listing', () => {
  const image = () => d.images[0]!;
  const ofImage = () => d.annotations.filter((a) => a.image === image().id);

  it('requires a container filter', async () => {
    const r = await get('/api/annotation.json?user=1');
    expect(r.status).toBe(400);
    expect(r.json.errors.message).toBe('There is no project or image or slice filter. We cannot check acl!');
  });

  it('refuses repeated parameters with 500', async () => {
    const r = await get(`/api/annotation.json?image=${image().id}&terms=1&terms=2`);
    expect(r.status).toBe(500);
    expect(r.json.errors.message).toBe('Method is not yet implemented');
  });

  it('orders by id desc, with an in-memory envelope (perPage = min(max, size))', async () => {
    const expected = ofImage()
      .map((a) => a.id)
      .sort((a, b) => b - a);
    const all = (await get(`/api/annotation.json?image=${image().id}&max=0`)).json;
    expect(all.collection.map((a: { id: number }) => a.id)).toEqual(expected);
    expect(all).toMatchObject({ size: 25, totalPages: 1, perPage: 25, offset: 0 });
    const page = (await get(`/api/annotation.json?image=${image().id}&max=10&offset=20`)).json;
    expect(page.collection.map((a: { id: number }) => a.id)).toEqual(expected.slice(20));
    expect(page).toMatchObject({ size: 25, perPage: 10, totalPages: 3, offset: 20 });
  });

  it('defaults to basic+meta+term and switches to the asked groups', async () => {
    const def = (await get(`/api/annotation.json?image=${image().id}&max=1`)).json.collection[0];
    expect(def).toHaveProperty('term');
    expect(def).toHaveProperty('userByTerm');
    expect(typeof def.created).toBe('number');
    expect(def).not.toHaveProperty('location');
    const wkt = (await get(`/api/annotation.json?image=${image().id}&max=1&showWKT=true`)).json.collection[0];
    expect(Object.keys(wkt).sort()).toEqual(['class', 'geometryCompression', 'id', 'location']);
    const py = (
      await get(
        `/api/annotation.json?image=${image().id}&max=1&showBasic=True&showMeta=True&showWKT=True&showTerm=True`,
      )
    ).json.collection[0];
    expect(Array.isArray(py.term)).toBe(true);
    expect(py.location).toBe(ofImage().at(-1)!.location);
    const gis = (await get(`/api/annotation.json?image=${image().id}&max=1&showGIS=true&showUser=true`)).json
      .collection[0];
    expect(gis).toHaveProperty('area');
    expect(gis).toHaveProperty('creator');
    const hidden = (await get(`/api/annotation.json?image=${image().id}&max=1&hideMeta=true`)).json
      .collection[0];
    expect(hidden).not.toHaveProperty('created');
    expect(hidden).toHaveProperty('term');
  });

  it('filters by user, terms, noTerm, multipleTerm, reviewed, dates and bbox', async () => {
    const img = image().id;
    const ids = async (q: string) =>
      (await get(`/api/annotation.json?image=${img}&${q}`)).json.collection.map((a: { id: number }) => a.id);
    const desc = (f: (a: Dataset['annotations'][number]) => boolean) =>
      ofImage()
        .filter(f)
        .map((a) => a.id)
        .reverse();
    const bob = d.users[1]!.id;
    expect(await ids(`users=${bob}`)).toEqual(desc((a) => a.user === bob));
    expect(await ids(`user=${bob}`)).toEqual(desc((a) => a.user === bob));
    const [t1, t2] = d.terms.map((t) => t.id);
    expect(await ids(`terms=${t1},${t2}`)).toEqual(
      desc((a) => a.terms.some((l) => l.term === t1 || l.term === t2)),
    );
    expect(await ids('noTerm=true')).toEqual(desc((a) => a.terms.length === 0));
    expect(await ids('multipleTerm=true')).toEqual(desc((a) => new Set(a.terms.map((l) => l.term)).size > 1));
    expect(await ids('reviewed=true')).toEqual(desc((a) => a.reviewed));
    const mid = ofImage()[10]!.created;
    expect(await ids(`afterThan=${mid}`)).toEqual(desc((a) => a.created > mid));
    expect(await ids(`beforeThan=${mid}`)).toEqual(desc((a) => a.created < mid));
    const inBox = await ids('bbox=0,0,800,800');
    const byEnvelope = desc((a) => a.bbox[0] <= 800 && a.bbox[1] <= 800 && a.bbox[2] >= 0 && a.bbox[3] >= 0);
    expect(inBox.length).toBeGreaterThan(0);
    for (const id of inBox) expect(byEnvelope).toContain(id);
    expect(await ids(`bbox=${encodeURIComponent('POLYGON ((0 0, 800 0, 800 800, 0 800, 0 0))')}`)).toEqual(
      inBox,
    );
    // Project and images filters.
    const p = d.projects[0]!.id;
    const inProject = (await get(`/api/annotation.json?project=${p}`)).json;
    expect(inProject.size).toBe(50);
    const two = d.images.filter((i) => i.project === p).map((i) => i.id);
    expect((await get(`/api/annotation.json?images=${two.join(',')}`)).json.size).toBe(50);
    const mixed = [d.images[0]!.id, d.images[3]!.id].join(',');
    expect((await get(`/api/annotation.json?images=${mixed}`)).status).toBe(400);
  });

  it('with a term filter and no showTerm, term is a scalar (lowest term id)', async () => {
    const multi = ofImage().find((a) => new Set(a.terms.map((l) => l.term)).size > 1)!;
    const t = Math.max(...multi.terms.map((l) => l.term));
    const r = (await get(`/api/annotation.json?image=${image().id}&terms=${t}&showWKT=true&showMeta=true`))
      .json;
    const item = r.collection.find((a: { id: number }) => a.id === multi.id);
    expect(item.term).toBe(Math.min(...multi.terms.map((l) => l.term)));
    const withTerm = (await get(`/api/annotation.json?image=${image().id}&terms=${t}&showTerm=true`)).json;
    const again = withTerm.collection.filter((a: { id: number }) => a.id === multi.id);
    expect(again).toHaveLength(1);
    expect([...again[0].term].sort()).toEqual([...new Set(multi.terms.map((l) => l.term))].sort());
  });

  it('decides the columns from the first row (updated missing everywhere when null first)', async () => {
    const anns = ofImage();
    const last = anns.at(-1)!;
    const saved = anns.map((a) => a.updated);
    try {
      last.updated = null;
      anns[0]!.updated = 123;
      const r = (await get(`/api/annotation.json?image=${image().id}`)).json.collection;
      for (const item of r) expect(item).not.toHaveProperty('updated');
      last.updated = 456;
      const r2 = (await get(`/api/annotation.json?image=${image().id}`)).json.collection;
      expect(r2[0].updated).toBe(456);
      expect(r2.at(-1)).toHaveProperty('updated');
    } finally {
      anns.forEach((a, k) => {
        a.updated = saved[k]!;
      });
    }
  });

  it('merges a POST search.json body into the parameters', async () => {
    const bob = d.users[1]!.id;
    const r = await call(emu, 'POST', '/api/annotation/search.json', {
      body: { image: image().id, users: [bob], showWKT: true, max: 0 },
    });
    expect(r.status).toBe(200);
    expect(r.json.collection.map((a: { id: number }) => a.id)).toEqual(
      ofImage()
        .filter((a) => a.user === bob)
        .map((a) => a.id)
        .reverse(),
    );
    expect(r.json.collection[0]).toHaveProperty('location');
  });

  it('serves one annotation with string dates and term ids', async () => {
    const a = ofImage()[0]!;
    const r = (await get(`/api/annotation/${a.id}.json`)).json;
    expect(r).toMatchObject({ id: a.id, image: a.image, project: a.project, location: a.location });
    expect(r.created).toBe(String(a.created));
    expect(r.term).toEqual([...new Set(a.terms.map((l) => l.term))].sort((x, y) => x - y));
    expect((await get(`/api/userannotation/${a.id}.json`)).json.id).toBe(a.id);
  });
});
