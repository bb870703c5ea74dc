// `cytorx export` writes overview.html (unless --no-overview) and `cytorx overview DIR`
// rebuilds it, in-process against an emulator over loopback.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExitCode, main } from '@cytorx/cli';
import { type Emulator, startEmulator } from '@cytorx/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let emu: Emulator;
let home: string;
let env: Record<string, string>;
let project: string;

beforeAll(async () => {
  emu = await startEmulator({
    dataset: {
      seed: 4,
      projects: 1,
      imagesPerProject: 3,
      annotationsPerImage: 8,
      imageSize: { width: 600, height: 400 },
    },
  });
  home = mkdtempSync(join(tmpdir(), 'cytorx-overview-cli-'));
  env = {
    XDG_CONFIG_HOME: join(home, '.config'),
    CYTOMINE_HOST: emu.url,
    CYTOMINE_PUBLIC_KEY: emu.publicKey,
    CYTOMINE_PRIVATE_KEY: emu.privateKey,
  };
  project = String(emu.dataset.projects[0]!.id);
});
afterAll(async () => {
  await emu?.close();
  rmSync(home, { recursive: true, force: true });
});

async function run(argv: string[], runEnv: Record<string, string> = env) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env: runEnv,
    home,
    cwd: home,
  });
  return { code, stdout, stderr };
}

describe('cytorx export / overview', () => {
  it('export writes overview.html with server thumbnails; --no-overview does not', async () => {
    const r = await run(['export', '--project', project, '--out', 'with']);
    expect(r.code).toBe(ExitCode.Ok);
    expect(r.stderr).toMatch(/overview: 3 images \(thumbnails: 3 from the server.*with\/overview\.html/);
    expect(existsSync(join(home, 'with', 'overview.html'))).toBe(true);
    expect(readdirSync(join(home, 'with', 'overview')).filter((f) => f.endsWith('.jpg'))).toHaveLength(3);

    const none = await run(['export', '--project', project, '--out', 'without', '--no-overview']);
    expect(none.code).toBe(ExitCode.Ok);
    expect(existsSync(join(home, 'without', 'report.json'))).toBe(true);
    expect(existsSync(join(home, 'without', 'overview.html'))).toBe(false);
  });

  it('overview DIR rebuilds the page and prints its path; without a server it draws masks only', async () => {
    await run(['export', '--project', project, '--out', 'again', '--no-overview']);
    const r = await run(['overview', 'again', '--thumb-format', 'png', '--thumb-size', '200']);
    expect(r.code).toBe(ExitCode.Ok);
    expect(r.stdout).toBe(`${join(home, 'again', 'overview.html')}\n`);
    expect(readdirSync(join(home, 'again', 'overview')).filter((f) => f.endsWith('.png'))).toHaveLength(6);

    const offline = await run(['overview', 'again'], { XDG_CONFIG_HOME: join(home, '.config') });
    expect(offline.code).toBe(ExitCode.Ok);
    expect(offline.stderr).toContain('no server thumbnails');
    expect(readdirSync(join(home, 'again', 'overview')).sort()).toEqual(
      readdirSync(join(home, 'again', 'overview'))
        .filter((f) => f.endsWith('.overlay.png'))
        .sort(),
    );
  });

  it('a folder that is not an export, or a bad --thumb-size, exits 2 naming the problem', async () => {
    const bad = await run(['overview', 'nowhere']);
    expect(bad.code).toBe(ExitCode.Usage);
    expect(bad.stderr).toContain(join(home, 'nowhere', 'report.json'));
    const size = await run(['overview', 'with', '--thumb-size', '1024']);
    expect(size.code).toBe(ExitCode.Usage);
    expect(size.stderr).toContain('--thumb-size must be an integer in 16..512');
  });
});
