// The commands in-process (`main` from @cytorx/cli) against an emulator over loopback: every
// output format and option. The built binary itself is exercised by cli.e2e.test.ts.
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExitCode, main } from '@cytorx/cli';
import { type Emulator, startEmulator } from '@cytorx/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let emu: Emulator;
let home: string;
let env: Record<string, string>;

beforeAll(async () => {
  emu = await startEmulator({
    port: 0,
    dataset: { seed: 11, projects: 2, imagesPerProject: 2, annotationsPerImage: 12 },
  });
  home = mkdtempSync(join(tmpdir(), 'cytorx-cmd-'));
  env = {
    XDG_CONFIG_HOME: join(home, '.config'),
    CYTOMINE_HOST: emu.url,
    CYTOMINE_PUBLIC_KEY: emu.publicKey,
    CYTOMINE_PRIVATE_KEY: emu.privateKey,
  };
});
afterAll(async () => {
  await emu?.close();
  rmSync(home, { recursive: true, force: true });
});

async function run(argv: string[], options: { env?: Record<string, string>; signal?: AbortSignal } = {}) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env: options.env ?? env,
    home,
    cwd: home,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return { code, stdout, stderr };
}
const lines = (text: string): unknown[] =>
  text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as unknown);
const sortedIds = (items: unknown[]): number[] =>
  items.map((i) => (i as { id: number }).id).sort((a, b) => a - b);

describe('cytorx commands (in-process)', () => {
  it('whoami: a FIELD/VALUE table, or one JSON line; never the private key', async () => {
    const table = await run(['whoami']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^FIELD\s+VALUE$/m);
    expect(table.stdout).toMatch(/^username\s+alice$/m);
    const nd = await run(['whoami', '--ndjson']);
    expect(lines(nd.stdout)).toHaveLength(1);
    for (const r of [table, nd]) expect(r.stdout).not.toContain(emu.privateKey);
    expect(nd.stdout).not.toMatch(/privateKey/);
  });

  it('projects --json and --ndjson give the same objects as the dataset', async () => {
    const json = JSON.parse((await run(['projects', '--json'])).stdout) as Array<{
      id: number;
      name: string;
    }>;
    const nd = lines((await run(['projects', '--ndjson'])).stdout);
    expect(nd).toEqual(json);
    expect(sortedIds(json)).toEqual(emu.dataset.projects.map((p) => p.id).sort((a, b) => a - b));
  });

  it('images (table) has one aligned row per image', async () => {
    const project = emu.dataset.projects[0]!;
    const r = await run(['images', '--project', String(project.id)]);
    expect(r.code).toBe(0);
    const rows = r.stdout.trimEnd().split('\n');
    expect(rows[0]).toMatch(/^\s*ID\s+NAME\s+WIDTH\s+HEIGHT\s+MAGNIFICATION\s+ANNOTATIONS$/);
    const images = emu.dataset.images.filter((i) => i.project === project.id);
    expect(rows).toHaveLength(images.length + 1);
    for (const i of images)
      expect(r.stdout).toMatch(new RegExp(`^\\s*${i.id}\\s+\\S+\\s+${i.width}\\s+${i.height}\\s`, 'm'));
  });

  it('terms --ontology: --json equals the dataset terms; the table shows colours', async () => {
    const ontology = emu.dataset.projects[0]!.ontology;
    const expected = emu.dataset.terms.filter((t) => t.ontology === ontology);
    const json = JSON.parse(
      (await run(['terms', '--ontology', String(ontology), '--json'])).stdout,
    ) as Array<{
      id: number;
      name: string;
      color: string;
    }>;
    expect(sortedIds(json)).toEqual(expected.map((t) => t.id).sort((a, b) => a - b));
    const table = (await run(['terms', '--ontology', String(ontology)])).stdout;
    for (const t of expected) expect(table).toContain(t.color);
  });

  it('annotations: --term and --user filter, no location without --wkt', async () => {
    const project = emu.dataset.projects[0]!;
    const term = emu.dataset.terms.find((t) => t.ontology === project.ontology)!;
    const user = emu.dataset.users[1]!;
    const byTerm = lines(
      (await run(['annotations', '--project', String(project.id), '--term', String(term.id), '--ndjson']))
        .stdout,
    );
    const expectedByTerm = emu.dataset.annotations.filter(
      (a) => a.project === project.id && a.terms.some((t) => t.term === term.id),
    );
    expect(sortedIds(byTerm)).toEqual(expectedByTerm.map((a) => a.id).sort((a, b) => a - b));
    for (const a of byTerm) expect(a).not.toHaveProperty('location');
    const byUser = lines(
      (await run(['annotations', '--project', String(project.id), '--user', String(user.id), '--ndjson']))
        .stdout,
    );
    const expectedByUser = emu.dataset.annotations.filter(
      (a) => a.project === project.id && a.user === user.id,
    );
    expect(sortedIds(byUser)).toEqual(expectedByUser.map((a) => a.id).sort((a, b) => a - b));
    const table = await run(['annotations', '--project', String(project.id), '--term', String(term.id)]);
    expect(table.stdout.split('\n')[0]).toMatch(/^\s*ID\s+IMAGE\s+USER\s+TERMS\s+AREA\s+UNIT\s+CREATED$/);
    expect(table.stdout).toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/);
  });

  it('authenticates with --auth headers and --auth bearer', async () => {
    const headers = await run(['whoami', '--json', '--auth', 'headers']);
    expect(headers.code, headers.stderr).toBe(0);
    const bearer = await run(
      ['whoami', '--json', '--host', emu.url, '--auth', 'bearer', '--token', emu.token],
      {
        env: { XDG_CONFIG_HOME: join(home, '.config') },
      },
    );
    expect(bearer.code, bearer.stderr).toBe(0);
    expect(JSON.parse(bearer.stdout).username).toBe('alice');
  });

  it('flags beat the environment, which beats the config file (a real request proves which one won)', async () => {
    const cfgDir = mkdtempSync(join(home, 'cfg-'));
    const path = join(cfgDir, 'config.json');
    writeFileSync(
      path,
      JSON.stringify({ host: emu.url, publicKey: emu.publicKey, privateKey: emu.privateKey }),
    );
    chmodSync(path, 0o600);
    const fileOnly = await run(['projects', '--json', '--config', path], { env: {} });
    expect(fileOnly.code, fileOnly.stderr).toBe(0);
    // A bad key in the environment overrides the good one in the file: refused (3).
    const envWins = await run(['projects', '--config', path], {
      env: { CYTOMINE_PRIVATE_KEY: 'bad-key-from-env' },
    });
    expect(envWins.code).toBe(ExitCode.Auth);
    expect(envWins.stderr).not.toContain('bad-key-from-env');
    // The good key on the command line overrides the bad one in the environment: accepted.
    const flagWins = await run(['projects', '--config', path, '--private-key', emu.privateKey], {
      env: { CYTOMINE_PRIVATE_KEY: 'bad-key-from-env' },
    });
    expect(flagWins.code, flagWins.stderr).toBe(0);
  });

  it('window: --out FILE.jpg picks JPEG; a region outside the image fails and writes nothing', async () => {
    const image = emu.dataset.images[0]!;
    const ok = await run([
      'window',
      '--image',
      String(image.id),
      '--x',
      '0',
      '--y',
      '0',
      '--width',
      '16',
      '--height',
      '16',
      '--out',
      'tile.jpg',
    ]);
    expect(ok.code, ok.stderr).toBe(0);
    const bytes = readFileSync(join(home, 'tile.jpg'));
    expect([bytes[0], bytes[1]]).toEqual([0xff, 0xd8]);
    const outside = await run([
      'window',
      '--image',
      String(image.id),
      '--x',
      String(image.width + 10),
      '--y',
      '0',
      '--width',
      '16',
      '--height',
      '16',
      '--out',
      'outside.png',
    ]);
    expect(outside.code).toBe(ExitCode.Usage); // checked against the image's size before any request
    expect(outside.stderr).toContain('is outside image');
    expect(existsSync(join(home, 'outside.png'))).toBe(false);
  });

  it('--page-size, --concurrency and --debug reach the client; --debug never shows the key', async () => {
    const image = emu.dataset.images[0]!;
    const expected = emu.dataset.annotations.filter((a) => a.image === image.id).length;
    emu.resetStats();
    const r = await run([
      'annotations',
      '--image',
      String(image.id),
      '--page-size',
      '5',
      '--concurrency',
      '2',
      '--ndjson',
      '--debug',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(lines(r.stdout)).toHaveLength(expected);
    const requests = emu.stats().requests;
    expect(requests).toBeGreaterThanOrEqual(Math.ceil(expected / 5));
    const debugLines = r.stderr.split('\n').filter((l) => l.startsWith('debug: -> GET'));
    expect(debugLines.length).toBe(requests);
    expect(r.stderr).toContain('max=5');
    expect(r.stderr).not.toContain(emu.privateKey);
  });

  it('emulator on a port in use: exit 2 with a hint', async () => {
    const port = Number(new URL(emu.url).port);
    const r = await run(['emulator', '--port', String(port)]);
    expect(r.code).toBe(ExitCode.Usage);
    expect(r.stderr).toContain('--port 0');
  });

  it('an aborted run (SIGINT) stops the listing and exits 130; --timeout bounds a slow request', async () => {
    const slow = await startEmulator({
      port: 0,
      dataset: { seed: 1, projects: 1, imagesPerProject: 1, annotationsPerImage: 1 },
      faults: { latencyMs: 2000 },
    });
    try {
      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error('interrupted by SIGINT')), 100);
      const started = Date.now();
      const r = await run(['projects'], {
        env: {
          CYTOMINE_HOST: slow.url,
          CYTOMINE_PUBLIC_KEY: slow.publicKey,
          CYTOMINE_PRIVATE_KEY: slow.privateKey,
        },
        signal: controller.signal,
      });
      expect(r.code).toBe(ExitCode.Interrupted);
      expect(r.stderr).toContain('interrupted');
      expect(Date.now() - started).toBeLessThan(1500);
      // --timeout (seconds) bounds each attempt: a 2 s latency with --timeout 0.2 and no retry fails fast with 5.
      const timed = Date.now();
      const t = await run(['projects', '--timeout', '0.2', '--retries', '0'], {
        env: {
          CYTOMINE_HOST: slow.url,
          CYTOMINE_PUBLIC_KEY: slow.publicKey,
          CYTOMINE_PRIVATE_KEY: slow.privateKey,
        },
      });
      expect(t.code, t.stderr).toBe(ExitCode.Unavailable);
      expect(t.stderr).toMatch(/timeout/i);
      expect(Date.now() - timed).toBeLessThan(1500);
    } finally {
      await slow.close();
    }
  });
});
