// The CLI's messages for common mistakes, in-process against an emulator: each names the
// option, the value or the path, what is wrong and what to do, with exit code 2.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExitCode } from '@cytorx/cli';
import { type Emulator, startEmulator } from '@cytorx/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInProcess } from './run-cli.js';

let emu: Emulator;
let home: string;
let env: Record<string, string>;
let project: number;

beforeAll(async () => {
  emu = await startEmulator({
    dataset: {
      seed: 3,
      projects: 1,
      imagesPerProject: 1,
      annotationsPerImage: 3,
      imageSize: { width: 300, height: 200 },
    },
  });
  home = mkdtempSync(join(tmpdir(), 'cytorx-messages-'));
  env = { CYTOMINE_HOST: emu.url, CYTOMINE_PUBLIC_KEY: emu.publicKey, CYTOMINE_PRIVATE_KEY: emu.privateKey };
  project = emu.dataset.projects[0]!.id;
});
afterAll(async () => {
  await emu?.close();
  rmSync(home, { recursive: true, force: true });
});

const run = (args: string[], extra: { env?: Record<string, string>; cwd?: string } = {}) =>
  runInProcess(args, { env: extra.env ?? env, home, ...(extra.cwd !== undefined ? { cwd: extra.cwd } : {}) });
const exportTo = (out: string, ...more: string[]) =>
  run(['export', '--project', String(project), '--out', out, '--progress', 'none', ...more]);
const oneLine = (text: string) => text.trim().split('\n');

describe('option values: the option, what was given, what is allowed', () => {
  it.each([
    [['--max-size', 'abc'], '--max-size must be a positive integer number of px, got "abc"'],
    [['--max-size=12px'], '--max-size must be a positive integer number of px, got "12px"'],
    [['--tile', '0'], '--tile must be a positive integer number of px, got 0'],
    [['--zoom', '-1'], '--zoom must be an integer >= 0, got -1'],
    [['--unlabeled', '300'], '--unlabeled must be an integer class id 1..255, got 300'],
  ])('export %j', async (flags, message) => {
    const r = await exportTo('never', ...flags);
    expect(r.code).toBe(ExitCode.Usage);
    expect(oneLine(r.stderr)).toHaveLength(1);
    expect(r.stderr).toContain(message);
  });

  it('ids and window sizes too', async () => {
    const ids = await run(['images', '--project', 'twelve']);
    expect(ids.code).toBe(ExitCode.Usage);
    expect(ids.stderr).toContain('--project must be a positive integer id, got "twelve"');
    const size = await run([
      'window',
      '--image',
      '1',
      '-x',
      '0',
      '-y',
      '0',
      '-w',
      '0',
      '--height',
      '5',
      '--out',
      'a.png',
    ]);
    expect(size.code).toBe(ExitCode.Usage);
    expect(size.stderr).toContain('--width must be an integer >= 1, got 0');
  });
});

describe('a host that is not Cytomine', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    // A plain static file server: 404 with an HTML page for anything it does not have.
    server = createServer((_req, res) => {
      res.writeHead(404, { 'content-type': 'text/html' }).end('<html><body>File not found</body></html>');
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  it('whoami against a static file server says so and shows the URL tried (exit 2)', async () => {
    const r = await run(['whoami'], { env: { ...env, CYTOMINE_HOST: url } });
    expect(r.code).toBe(ExitCode.Usage);
    expect(r.stderr).toContain(`${url} does not look like a Cytomine server`);
    expect(r.stderr).toContain(`GET ${url}/api/currentuser.json answered 404`);
    expect(r.stderr).not.toContain('check the id');
  });

  it('--host URL/api says to drop /api', async () => {
    const r = await run(['projects', '--host', `${emu.url}/api`]);
    expect(r.code).toBe(ExitCode.Usage);
    expect(r.stderr).toContain(`${emu.url}/api/api/project.json`);
    expect(r.stderr).toContain(
      `the host ends with /api: give the server's root URL instead, e.g. ${emu.url}`,
    );
  });

  it('a real 404 still says to check the id (exit 4)', async () => {
    const r = await run(['images', '--project', '987654']);
    expect(r.code).toBe(ExitCode.NotFound);
    expect(r.stderr).toContain('check the id');
  });
});

describe('GeoJSON input', () => {
  it('upload names a polygon nested one level too shallow, not a "non-finite coordinate"', async () => {
    const dir = mkdtempSync(join(home, 'upload-'));
    const file = join(dir, 'preds.geojson');
    const shallow = [
      [10, 10],
      [50, 10],
      [50, 50],
      [10, 10],
    ];
    writeFileSync(
      file,
      JSON.stringify({
        type: 'FeatureCollection',
        features: [
          {
            type: 'Feature',
            geometry: { type: 'Polygon', coordinates: shallow },
            properties: { image_id: emu.dataset.images[0]!.id },
          },
        ],
      }),
    );
    const r = await run(['upload', '--project', String(project), '--from', file, '--dry-run']);
    expect(r.stderr).toContain('preds.geojson#0');
    expect(r.stderr).toContain(
      'Polygon coordinates are nested 1 level too shallow: a Polygon is an array of rings',
    );
    expect(r.stderr).not.toContain('non-finite');
  });
});

describe('file-system problems: the path, what is wrong, what to do (exit 2)', () => {
  it('export --out pointing at a file', async () => {
    const file = join(home, 'not-a-folder.txt');
    writeFileSync(file, 'x');
    const r = await exportTo(file);
    expect(r.code).toBe(ExitCode.Usage);
    expect(r.stderr).toContain(`output folder ${file} is a file`);
    expect(r.stderr).toContain('choose another output folder');
    expect(r.stderr).not.toContain('EEXIST');
  });

  it('export --out into a folder that cannot be written', async () => {
    // As root, permissions do not stop writes: use /sys (sysfs refuses new files) instead.
    let folder = '/sys';
    if (process.getuid?.() !== 0) {
      folder = join(home, 'read-only');
      mkdirSync(folder, { mode: 0o555 });
    }
    const r = await exportTo(folder);
    expect(r.code).toBe(ExitCode.Usage);
    expect(r.stderr).toContain(`output folder ${folder}: permission denied to write in it (EACCES)`);
    expect(r.stderr).toContain('choose a folder you can write to');
  });

  it('window --out into a missing folder names the folder and writes nothing', async () => {
    const cwd = mkdtempSync(join(home, 'window-'));
    const image = emu.dataset.images[0]!;
    const args = ['window', '--image', String(image.id), '-x', '0', '-y', '0', '-w', '8', '--height', '8'];
    const r = await run([...args, '--out', 'missing/region.png'], { cwd });
    expect(r.code).toBe(ExitCode.Usage);
    expect(r.stderr).toContain(`--out missing/region.png: the folder ${join(cwd, 'missing')} does not exist`);
    expect(r.stderr).toContain('mkdir -p');
    expect(r.stderr).not.toMatch(/ENOENT|\.tmp/);
    expect(readdirSync(cwd)).toEqual([]);
  });
});

describe('config file', () => {
  it('an unreadable default config file is skipped when the environment has everything', async () => {
    const xdg = mkdtempSync(join(home, 'xdg-'));
    mkdirSync(join(xdg, 'cytorx', 'config.json'), { recursive: true }); // a folder: cannot be read as a file
    const r = await run(['projects', '--json'], { env: { ...env, XDG_CONFIG_HOME: xdg } });
    expect(r.code, r.stderr).toBe(ExitCode.Ok);
    expect(JSON.parse(r.stdout)).toHaveLength(1);
    // ... and said when it is needed.
    const missing = await run(['projects'], { env: { XDG_CONFIG_HOME: xdg } });
    expect(missing.code).toBe(ExitCode.Usage);
    expect(missing.stderr).toContain('no Cytomine host given');
    expect(missing.stderr).toContain(
      `the default config file was skipped: config file ${join(xdg, 'cytorx', 'config.json')} is not a regular file`,
    );
  });

  it('an unreadable --config file is an error naming it', async () => {
    const dir = mkdtempSync(join(home, 'cfg-'));
    const r = await run(['projects', '--config', dir]);
    expect(r.code).toBe(ExitCode.Usage);
    expect(r.stderr).toContain(`config file ${dir} is not a regular file`);
  });
});

describe("whole-slide masks over Pillow's limit", () => {
  it('export says which mask and what to do; --max-size keeps it quiet', async () => {
    const big = await startEmulator({
      dataset: {
        seed: 4,
        projects: 1,
        imagesPerProject: 1,
        annotationsPerImage: 2,
        imageSize: { width: 13_400, height: 13_400 },
      },
    });
    try {
      const bigEnv = {
        CYTOMINE_HOST: big.url,
        CYTOMINE_PUBLIC_KEY: big.publicKey,
        CYTOMINE_PRIVATE_KEY: big.privateKey,
      };
      const id = big.dataset.images[0]!.id;
      const args = [
        'export',
        '--project',
        String(big.dataset.projects[0]!.id),
        '--progress',
        'none',
        '--format',
        'mask',
      ];
      const r = await run([...args, '--out', 'big'], { env: bigEnv });
      expect(r.code, r.stderr).toBe(ExitCode.Ok);
      expect(r.stderr).toContain(
        `warning: mask masks/${id}_mask.png (13400x13400 px, 180 Mpx) is over Pillow's default limit of 179 Mpx`,
      );
      expect(r.stderr).toContain('DecompressionBombError');
      expect(r.stderr).toContain('--max-size N');
      const small = await run([...args, '--out', 'small', '--max-size', '8192'], { env: bigEnv });
      expect(small.code, small.stderr).toBe(ExitCode.Ok);
      expect(small.stderr).not.toContain('Pillow');
    } finally {
      await big.close();
    }
  });
});
