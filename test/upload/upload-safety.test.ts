// Data safety of `cytorx upload` (issue 14, points 1-3), in-process against emulators:
// the ledger is kept per target, `--replace` deletes only what uploads created unless told
// otherwise (and confirmed), a read-only input folder names `--ledger`, a wrong key stops at
// the first 401.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Emulator, startEmulator } from '@cytorx/emulator';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli, runInProcess } from '../cli/run-cli.js';
import { collection, feature, square, writeJson } from './helpers.js';

const DATASET = {
  seed: 33,
  projects: 1,
  imagesPerProject: 2,
  annotationsPerImage: 6,
  imageSize: { width: 1200, height: 900 },
  kinds: ['simple' as const],
};

let a: Emulator;
let b: Emulator;
let home: string;
let project: number;
let image: number;
let term: { id: number; name: string };
let alice: number;

beforeAll(async () => {
  // Two servers with the same data (same ids, same keys): a second deployment, or a reset one.
  [a, b] = await Promise.all([startEmulator({ dataset: DATASET }), startEmulator({ dataset: DATASET })]);
  project = a.dataset.projects[0]!.id;
  image = a.dataset.images[0]!.id;
  alice = a.dataset.users[0]!.id;
  // The term alice drew most on the image: her hand-drawn annotations that --replace must keep.
  const count = (id: number) =>
    a.dataset.annotations.filter(
      (x) => x.image === image && x.user === alice && x.terms.some((t) => t.term === id),
    ).length;
  const t = a.dataset.terms
    .filter((x) => x.ontology === a.dataset.projects[0]!.ontology)
    .sort((x, y) => count(y.id) - count(x.id))[0]!;
  term = { id: t.id, name: t.name };
  home = mkdtempSync(join(tmpdir(), 'cytorx-upload-safety-'));
  chmodSync(home, 0o755);
});
afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
  rmSync(home, { recursive: true, force: true });
});
beforeEach(() => {
  a.resetStats();
  b.resetStats();
});

const envFor = (emu: Emulator, user = 0): Record<string, string> => ({
  CYTOMINE_HOST: emu.url,
  CYTOMINE_PUBLIC_KEY: emu.dataset.users[user]!.publicKey,
  CYTOMINE_PRIVATE_KEY: emu.dataset.users[user]!.privateKey,
});
const upload = (emu: Emulator, args: string[], options: { user?: number; typed?: string[] } = {}) =>
  runInProcess(['upload', '--project', String(project), ...args], {
    env: envFor(emu, options.user),
    home,
    ...(options.typed ? { typed: options.typed } : {}),
  });
const onImage = (emu: Emulator, user = alice) =>
  emu.dataset.annotations.filter((x) => x.image === image && x.user === user);
const withTerm = (emu: Emulator, user = alice) =>
  onImage(emu, user).filter((x) => x.terms.some((t) => t.term === term.id));
const predictions = (xs: number[], y = 40) =>
  collection(xs.map((x, k) => feature(square(x, y, 25), { image_id: image, class_name: term.name }, k + 1)));

describe('issue 14 point 1: the ledger is kept per target (host, project, user)', () => {
  it('the same input uploaded to a second server is uploaded there, not skipped', async () => {
    const path = writeJson(home, 'pred500.geojson', predictions([10, 50, 90, 130]));
    const first = await upload(a, ['--from', path]);
    expect(first.code).toBe(0);
    expect(a.stats().writes).toBe(4);
    const beforeB = onImage(b).length;
    const second = await upload(b, ['--from', path]);
    expect(second.stderr).not.toMatch(/skip 4 \(already uploaded\)/);
    expect(second.stderr).toMatch(/created 4,/);
    expect(second.code).toBe(0);
    expect(b.stats().writes).toBe(4);
    expect(onImage(b).length - beforeB).toBe(4);
    // Each target keeps its own section: a rerun against either server sends nothing.
    a.resetStats();
    b.resetStats();
    expect((await upload(a, ['--from', path])).stderr).toMatch(/skipped 4/);
    expect((await upload(b, ['--from', path])).stderr).toMatch(/skipped 4/);
    expect(a.stats().writes + b.stats().writes).toBe(0);
  });

  it('another user on the same server is another target', async () => {
    const path = writeJson(home, 'preds.geojson', predictions([200, 240], 100));
    expect((await upload(a, ['--from', path])).code).toBe(0);
    const bob = a.dataset.users[1]!.id;
    const before = onImage(a, bob).length;
    const r = await upload(a, ['--from', path], { user: 1 });
    expect(r.stderr).toMatch(/created 2,/);
    expect(onImage(a, bob).length - before).toBe(2);
  });
});

describe('issue 14 point 2: --replace cannot destroy hand-drawn annotations', () => {
  it('by default deletes only what this input uploaded before (features gone from the input)', async () => {
    const handDrawn = withTerm(a).map((x) => x.id);
    expect(handDrawn.length).toBeGreaterThan(0);
    const path = writeJson(home, 'preds.geojson', predictions([300, 340, 380], 200));
    expect((await upload(a, ['--from', path])).code).toBe(0);
    const ledger = readFileSync(`${path}.cytorx-ledger.jsonl`, 'utf8');
    const ids = ledger
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { op: string; id?: number; key?: string })
      .filter((x) => x.op === 'created');
    expect(ids).toHaveLength(3);
    // The model now predicts only the first two.
    writeFileSync(path, JSON.stringify(predictions([300, 340], 200)));
    const dry = await upload(a, ['--from', path, '--replace', '--dry-run']);
    expect(dry.stderr).toMatch(/delete 1,/);
    const r = await upload(a, ['--from', path, '--replace']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/deleted 1,/);
    const now = new Set(withTerm(a).map((x) => x.id));
    for (const id of handDrawn) expect(now.has(id)).toBe(true);
    expect(now.has(ids[2]!.id!)).toBe(false);
    expect(now.has(ids[0]!.id!)).toBe(true);
  });

  it('--replace-from LEDGER deletes an earlier upload, checking each id against the server', async () => {
    const handDrawn = withTerm(a).map((x) => x.id);
    const v1 = writeJson(home, 'v1.geojson', predictions([500, 540, 580], 300));
    expect((await upload(a, ['--from', v1])).code).toBe(0);
    const v1Ids = withTerm(a)
      .map((x) => x.id)
      .filter((id) => !handDrawn.includes(id));
    // A ledger line naming another user's annotation (a copied or edited ledger) is not obeyed.
    const bobs = a.dataset.annotations.find((x) => x.image === image && x.user !== alice)!;
    expect(bobs).toBeDefined();
    const ledgerV1 = `${v1}.cytorx-ledger.jsonl`;
    const lines = readFileSync(ledgerV1, 'utf8').trim().split('\n');
    const created = JSON.parse(lines.find((l) => l.includes('"created"'))!) as Record<string, unknown>;
    writeFileSync(
      ledgerV1,
      `${lines.join('\n')}\n${JSON.stringify({ ...created, key: 'forged', id: bobs.id })}\n`,
    );
    const v2 = writeJson(home, 'v2.geojson', predictions([600, 640], 300));
    const dry = await upload(a, ['--from', v2, '--replace', '--replace-from', ledgerV1, '--dry-run']);
    expect(dry.code).toBe(0);
    for (const id of v1Ids) expect(dry.stderr).toContain(`delete ${id}:`);
    const r = await upload(a, ['--from', v2, '--replace', '--replace-from', ledgerV1]);
    expect(r.stderr).toMatch(/created 2, updated 0, deleted 3,/);
    const now = new Set(onImage(a).map((x) => x.id));
    for (const id of handDrawn) expect(now.has(id)).toBe(true);
    for (const id of v1Ids) expect(now.has(id)).toBe(false);
    expect(a.dataset.annotations.some((x) => x.id === bobs.id)).toBe(true);
    expect(r.stderr).toMatch(new RegExp(`not deleted annotation ${bobs.id} .*belongs to user`));
  });

  it('--replace-scope user-terms needs --yes, prints the count first, and --dry-run shows the deletes', async () => {
    const path = writeJson(home, 'wide.geojson', predictions([700, 740], 400));
    const mine = withTerm(a).map((x) => x.id);
    expect(mine.length).toBeGreaterThan(0);
    const refused = await upload(a, ['--from', path, '--replace', '--replace-scope', 'user-terms']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`${mine.length} annotation`);
    expect(refused.stderr).toMatch(/--yes/);
    expect(a.stats().writes).toBe(0);
    const dry = await upload(a, ['--from', path, '--replace', '--replace-scope', 'user-terms', '--dry-run']);
    expect(dry.code).toBe(0);
    for (const id of mine) expect(dry.stderr).toContain(`delete ${id}:`);
    expect(a.stats().writes).toBe(0);
    const typedWrong = await upload(a, ['--from', path, '--replace', '--replace-scope', 'user-terms'], {
      typed: ['yes'],
    });
    expect(typedWrong.code).toBe(2);
    expect(a.stats().writes).toBe(0);
    const typed = await upload(a, ['--from', path, '--replace', '--replace-scope', 'user-terms'], {
      typed: [`delete ${mine.length}`],
    });
    expect(typed.code).toBe(0);
    expect(typed.stderr).toMatch(new RegExp(`deleted ${mine.length},`));
    expect(
      withTerm(a)
        .map((x) => x.id)
        .filter((id) => mine.includes(id)),
    ).toEqual([]);
  });
});

describe('issue 14 point 3: failures that give no hint', () => {
  it('a read-only input folder: the ledger error says to use --ledger', async () => {
    const dir = join(home, 'readonly');
    mkdirSync(dir);
    const path = join(dir, 'preds.geojson');
    writeFileSync(path, JSON.stringify(predictions([900], 500)));
    chmodSync(dir, 0o555);
    // root ignores file modes: run the built binary as nobody then.
    const root = process.getuid?.() === 0;
    const r = await runCli(['upload', '--project', String(project), '--from', path], {
      env: envFor(a),
      home,
      ...(root ? { uid: 65534, gid: 65534 } : {}),
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${path}.cytorx-ledger.jsonl`);
    expect(r.stderr).toMatch(/--ledger/);
    expect(existsSync(`${path}.cytorx-ledger.jsonl`)).toBe(false);
    expect(a.stats().writes).toBe(0);
  });

  it('a wrong key fails after the first 401', async () => {
    const path = writeJson(home, 'preds.geojson', predictions([950], 500));
    const r = await runInProcess(['upload', '--project', String(project), '--from', path], {
      env: { ...envFor(a), CYTOMINE_PRIVATE_KEY: 'wrong' },
      home,
    });
    expect(r.code).toBe(3);
    expect(a.stats().authFailures).toBe(1);
    expect(a.stats().requests).toBe(1);
  });
});
