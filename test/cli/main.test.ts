import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExitCode, main } from '@cytorx/cli';
import { afterAll, describe, expect, it } from 'vitest';

const home = mkdtempSync(join(tmpdir(), 'cytorx-main-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

async function run(argv: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env: { XDG_CONFIG_HOME: join(home, 'cfg'), ...env },
    home,
    cwd: home,
  });
  return { code, stdout, stderr };
}

describe('main (in-process)', () => {
  it('--help lists every command on stdout and exits 0', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(ExitCode.Ok);
    for (const c of ['whoami', 'projects', 'images', 'terms', 'annotations', 'window', 'emulator', 'demo']) {
      expect(r.stdout).toContain(`cytorx ${c}`);
    }
    expect(r.stdout).toContain('--private-key');
    expect(r.stderr).toBe('');
  });

  it('--version prints the package version', async () => {
    const r = await run(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('usage errors exit 2 with one line on stderr and nothing on stdout', async () => {
    for (const argv of [
      [],
      ['nope'],
      ['images'],
      ['images', '--project', 'abc'],
      ['projects', '--bogus'],
      ['terms'],
    ]) {
      const r = await run(argv);
      expect(r.code, argv.join(' ')).toBe(ExitCode.Usage);
      expect(r.stdout, argv.join(' ')).toBe('');
      expect(r.stderr.trim().split('\n'), argv.join(' ')).toHaveLength(1);
      expect(r.stderr).toMatch(/^cytorx: /);
    }
    expect((await run(['images'])).stderr).toContain('Missing required argument: project');
    expect((await run(['terms'])).stderr).toContain('--project ID or --ontology ID');
    expect((await run(['projects', '--json', '--ndjson'])).code).toBe(ExitCode.Usage);
    expect((await run(['projects', '--retries', '-1'])).stderr).toContain('--retries must be');
  });

  it('a missing host is a usage error naming the flag and the variable', async () => {
    const r = await run(['projects']);
    expect(r.code).toBe(ExitCode.Usage);
    expect(r.stderr).toContain('--host');
    expect(r.stderr).toContain('CYTOMINE_HOST');
  });

  it('a missing private key names --private-key and CYTOMINE_PRIVATE_KEY', async () => {
    const r = await run(['projects', '--host', 'http://127.0.0.1:9', '--public-key', 'pub']);
    expect(r.code).toBe(ExitCode.Usage);
    expect(r.stderr).toContain('CYTOMINE_PRIVATE_KEY');
  });

  it('refuses a config file readable by others and says how to fix it', async () => {
    const path = join(home, 'open.json');
    writeFileSync(
      path,
      JSON.stringify({ host: 'http://127.0.0.1:9', publicKey: 'p', privateKey: 'cfg-secret-123' }),
    );
    chmodSync(path, 0o644);
    const r = await run(['projects', '--config', path]);
    expect(r.code).toBe(ExitCode.Usage);
    expect(r.stderr).toContain(`chmod 600 ${path}`);
    expect(r.stderr).not.toContain('cfg-secret-123');
  });

  it('never prints the private key, even in --debug stack traces', async () => {
    const secret = 'super-secret-private-key-value';
    const r = await run([
      'projects',
      '--host',
      'not a url',
      '--public-key',
      'p',
      '--private-key',
      secret,
      '--debug',
    ]);
    expect(r.code).toBe(ExitCode.Usage);
    expect(r.stderr).not.toContain(secret);
    const r2 = await run(['projects', `--private-key=${secret}`, '--debug'], {
      CYTOMINE_HOST: `ftp://${secret}`,
      CYTOMINE_PUBLIC_KEY: 'p',
    });
    expect(r2.code).toBe(ExitCode.Usage);
    expect(r2.stderr).toContain('***');
    expect(r2.stderr).not.toContain(secret);
  });
});
