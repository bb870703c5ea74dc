// End-to-end against an emulator started in this process over loopback. The BUILT `cytorx`
// binary (packages/cli/dist/cli.js) runs in a child process once per command family (listing,
// window, demo, emulator), for exit codes, for signals and for start-up; the other cases run the same
// entry function in-process (`runInProcess`), which needs no process start-up.
import { spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '@cytorx/cli';
import { type Emulator, startEmulator } from '@cytorx/emulator';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli, runInProcess } from './run-cli.js';

let emu: Emulator;
let home: string;
let env: Record<string, string>;

beforeAll(async () => {
  emu = await startEmulator({
    port: 0,
    dataset: { seed: 7, projects: 2, imagesPerProject: 2, annotationsPerImage: 15 },
  });
  home = mkdtempSync(join(tmpdir(), 'cytorx-e2e-'));
  env = { CYTOMINE_HOST: emu.url, CYTOMINE_PUBLIC_KEY: emu.publicKey, CYTOMINE_PRIVATE_KEY: emu.privateKey };
});
afterAll(async () => {
  await emu?.close();
  rmSync(home, { recursive: true, force: true });
});

/** The built binary in a child process. */
const cli = (args: string[], extraEnv: Record<string, string> = {}) =>
  runCli(args, { env: { ...env, ...extraEnv }, home });
/** The same entry function, in-process. */
const inProcess = (args: string[]) => runInProcess(args, { env, home });
const ndjson = (text: string): unknown[] =>
  text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as unknown);
const ids = (items: unknown[]): number[] => items.map((i) => (i as { id: number }).id).sort((a, b) => a - b);

describe.concurrent('cytorx listing commands', () => {
  it('whoami --json prints the user, never its private key', async () => {
    const json = await inProcess(['whoami', '--json']);
    expect(json.code).toBe(0);
    const user = JSON.parse(json.stdout) as { id: number; username: string };
    expect(user).toMatchObject({ id: emu.dataset.users[0]?.id, username: emu.dataset.users[0]?.username });
    expect(json.stdout + json.stderr).not.toContain(emu.privateKey);
    expect(json.stderr).toBe('');
  });

  it('projects (table) lists every project, aligned under a header', async () => {
    const expected = emu.dataset.projects.map((p) => p.id).sort((a, b) => a - b);
    const table = await inProcess(['projects']);
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^\s*ID\s+NAME\s+ONTOLOGY\s+IMAGES\s+ANNOTATIONS$/);
    expect(lines).toHaveLength(expected.length + 1);
    for (const p of emu.dataset.projects)
      expect(table.stdout).toMatch(new RegExp(`^\\s*${p.id}\\s+${p.name}\\s`, 'm'));
  });

  it('images --project lists that project images', async () => {
    const project = emu.dataset.projects[1]!;
    const r = await inProcess(['images', '--project', String(project.id), '--json']);
    expect(r.code).toBe(0);
    const images = JSON.parse(r.stdout) as Array<{ id: number; width: number; height: number }>;
    const expected = emu.dataset.images.filter((i) => i.project === project.id);
    expect(ids(images)).toEqual(expected.map((i) => i.id).sort((a, b) => a - b));
    for (const img of images) {
      const d = expected.find((e) => e.id === img.id)!;
      expect([img.width, img.height]).toEqual([d.width, d.height]);
    }
  });

  it('terms --project --ndjson lists the ontology terms, one object a line', async () => {
    const project = emu.dataset.projects[0]!;
    const expected = emu.dataset.terms.filter((t) => t.ontology === project.ontology);
    const byProject = await inProcess(['terms', '--project', String(project.id), '--ndjson']);
    expect(byProject.code).toBe(0);
    const terms = ndjson(byProject.stdout) as Array<{ id: number; name: string; color: string }>;
    expect(ids(terms)).toEqual(expected.map((t) => t.id).sort((a, b) => a - b));
    for (const t of terms)
      expect(t).toMatchObject({ name: expect.any(String), color: expect.stringMatching(/^#[0-9A-F]{6}$/i) });
  });

  it('annotations --image --wkt --json (built binary): normalised objects, id order descending, terms as arrays, WKT', async () => {
    const image = emu.dataset.images[0]!;
    const expected = emu.dataset.annotations.filter((a) => a.image === image.id);
    const r = await cli(['annotations', '--image', String(image.id), '--wkt', '--json']);
    expect(r.code).toBe(0);
    const items = JSON.parse(r.stdout) as Array<{
      id: number;
      term: number[];
      location?: string;
      image: number;
    }>;
    expect(items.map((a) => a.id)).toEqual(expected.map((a) => a.id).sort((a, b) => b - a));
    for (const a of items) {
      const d = expected.find((e) => e.id === a.id)!;
      expect(Array.isArray(a.term)).toBe(true);
      expect([...a.term].sort()).toEqual([...new Set(d.terms.map((t) => t.term))].sort());
      expect(a.location).toBe(d.location);
      expect(a.image).toBe(image.id);
    }
  });

  it('window (built binary) writes a PNG whose pixels encode their top-left coordinates, atomically', async () => {
    const image = emu.dataset.images.find((i) => i.width >= 2048 && i.height >= 1536)!;
    const [x, y, w, h] = [300, 517, 40, 30];
    const cwd = mkdtempSync(join(home, 'win-'));
    const args = ['--image', image.id, '--x', x, '--y', y, '--width', w, '--height', h].map(String);
    const r = await runCli(['window', ...args, '--out', 'region.png'], { env, home, cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    const png = PNG.sync.read(readFileSync(join(cwd, 'region.png')));
    expect([png.width, png.height]).toEqual([w, h]);
    for (let j = 0; j < h; j++) {
      for (let i = 0; i < w; i++) {
        const o = (j * w + i) * 4;
        const [px, py] = [x + i, y + j];
        const rgb = [png.data[o], png.data[o + 1], png.data[o + 2]];
        expect(rgb).toEqual([px & 255, py & 255, (((px >> 8) & 15) << 4) | ((py >> 8) & 15)]);
      }
    }
    // Written through a temporary file renamed into place: nothing else is left in the folder.
    expect(readdirSync(cwd)).toEqual(['region.png']);
  });

  it('refuses a config file with mode 0644 (exit 2), saying chmod 600', async () => {
    const dir = mkdtempSync(join(home, 'cfg-'));
    const path = join(dir, 'config.json');
    writeFileSync(
      path,
      JSON.stringify({ host: emu.url, publicKey: emu.publicKey, privateKey: emu.privateKey }),
    );
    chmodSync(path, 0o644);
    const refused = await runInProcess(['projects', '--config', path], { home });
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain(`chmod 600 ${path}`);
    expect(refused.stderr).not.toContain(emu.privateKey);
  });
});

describe.concurrent('cytorx exit codes (2 and 4 from the built binary)', () => {
  it('wrong private key: exit 3, a helpful message without the key, at most 2 requests', async () => {
    const own = await startEmulator({
      port: 0,
      dataset: { seed: 3, projects: 1, imagesPerProject: 1, annotationsPerImage: 1 },
    });
    try {
      const wrongKey = 'wrong-private-key-0123456789';
      const r = await runInProcess(['projects', '--debug'], {
        home,
        env: { CYTOMINE_HOST: own.url, CYTOMINE_PUBLIC_KEY: own.publicKey, CYTOMINE_PRIVATE_KEY: wrongKey },
      });
      expect(r.code).toBe(3);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain('401');
      expect(r.stderr).toContain('CYTOMINE_PRIVATE_KEY');
      expect(r.stderr).not.toContain(wrongKey);
      expect(r.stderr).not.toContain(own.privateKey);
      expect(own.stats().requests).toBeLessThanOrEqual(2);
    } finally {
      await own.close();
    }
  });

  it('unknown project (built binary): exit 4', async () => {
    const r = await cli(['images', '--project', '987654321']);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/not found/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('server down (closed port): exit 5 after retries', async () => {
    const port = await closedPort();
    const started = Date.now();
    const r = await runInProcess(['projects', '--retries', '1'], {
      env: { ...env, CYTOMINE_HOST: `http://127.0.0.1:${port}` },
      home,
    });
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/refused|unreachable/);
    // One retry only (--retries 1): the run does not sit in backoff for a minute.
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('missing host (built binary): exit 2 naming --host and CYTOMINE_HOST', async () => {
    const r = await runCli(['projects'], { home });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--host');
    expect(r.stderr).toContain('CYTOMINE_HOST');
  });

  it('--help exits 0 and lists the commands', async () => {
    const help = await runInProcess(['--help'], { home });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('cytorx annotations');
    expect(help.stdout).toContain('cytorx window');
  });

  it('--version and --help load neither rxjs, undici nor the cytorx libraries (lazy start-up)', async () => {
    const trace = join(mkdtempSync(join(home, 'trace-')), 'loads.txt');
    const hooks = join(import.meta.dirname, 'fixtures', 'trace-loads.mjs');
    for (const args of [['--version'], ['export', '--help']]) {
      writeFileSync(trace, '');
      const r = await new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', hooks, CLI, ...args], {
          env: { PATH: process.env.PATH ?? '', HOME: home, CYTORX_TRACE_LOADS: trace },
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        let stdout = '';
        child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
        child.once('error', reject);
        child.once('exit', (code) => resolve({ code, stdout }));
      });
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout).toMatch(args[0] === '--version' ? /^\d+\.\d+\.\d+\n$/ : /--format/);
      const loaded = readFileSync(trace, 'utf8').trim().split('\n');
      expect(loaded.some((u) => u.includes('/yargs'))).toBe(true); // the trace works
      const heavy = loaded.filter((u) =>
        /\/(rxjs|undici|pngjs|wkx|polygon-clipping)[@/]|packages\/(core|writers|emulator)\//.test(u),
      );
      expect(heavy, args.join(' ')).toEqual([]);
    }
  });
});

describe('cytorx demo and emulator (built binary)', () => {
  it('demo runs offline with no flags, exports the demo project to ./demo-out and exits 0', async () => {
    const r = await runCli(['demo'], { home });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('"Demo project"');
    // The file count above the listing and the one in the summary add up (the summary counts
    // the writers' files, besides classes.json, manifest.json and report.json; the listing also
    // has overview.html and a thumbnail and an overlay per image).
    const wrote = Number(/^Wrote (\d+) files to .*demo-out:$/m.exec(r.stdout)?.[1]);
    const outputs = Number(
      / (\d+) output files \(besides classes\.json, manifest\.json, report\.json\)/.exec(r.stdout)?.[1],
    );
    expect(wrote).toBe(outputs + 3 + 1 + 2 * 3);
    expect(r.stdout).toMatch(/^export complete: 3 images/m);
    for (const f of [
      'classes.json',
      'coco/annotations.json',
      'report.json',
      'manifest.json',
      'overview.html',
    ]) {
      expect(existsSync(join(home, 'demo-out', f))).toBe(true);
    }
    // The last line is the page to open.
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe(join(home, 'demo-out', 'overview.html'));
  });

  it('emulator prints its URL and keys, serves requests, and stops on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [CLI, 'emulator', '--port', '0', '--generate', '5', '--annotations', '2'],
      {
        env: { PATH: process.env.PATH ?? '', HOME: home, XDG_CONFIG_HOME: join(home, '.config') },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.setEncoding('utf8');
    const vars = await new Promise<Record<string, string>>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`emulator exited early with ${code}`)));
      child.stdout.on('data', (chunk: string) => {
        out += chunk;
        const found = Object.fromEntries(
          out
            .split('\n')
            .map((l) => /^(CYTOMINE_[A-Z_]+)=(.+)$/.exec(l))
            .filter((m): m is RegExpExecArray => m !== null)
            .map((m) => [m[1], m[2]]),
        ) as Record<string, string>;
        if (found.CYTOMINE_HOST && found.CYTOMINE_PUBLIC_KEY && found.CYTOMINE_PRIVATE_KEY) resolve(found);
      });
    });
    try {
      expect(vars.CYTOMINE_HOST).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      // The printed keys work (checked in-process: one child process less).
      let stdout = '';
      const code = await main(['projects', '--json'], {
        stdout: { write: (s: string) => (stdout += s) },
        stderr: { write: () => true },
        env: vars,
        home,
      });
      expect(code).toBe(0);
      expect((JSON.parse(stdout) as unknown[]).length).toBeGreaterThan(0);
    } finally {
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  });
});

/** A loopback port nothing listens on (bound then released). */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
