// `--help` of each command lists what the command uses, and explains its choices.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinWriterNames } from '@cytorx/writers';
import { afterAll, describe, expect, it } from 'vitest';
import { runInProcess } from './run-cli.js';

const home = mkdtempSync(join(tmpdir(), 'cytorx-help-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

/** The help text of `cytorx ...args --help`, whitespace collapsed (yargs wraps lines). */
async function help(...args: string[]): Promise<string> {
  const r = await runInProcess([...args, '--help'], { home });
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.replace(/\s+/g, ' ');
}

describe('cytorx --help', () => {
  it('--json/--ndjson only where they change the output', async () => {
    for (const c of ['projects', 'images', 'terms', 'annotations', 'whoami', 'upload']) {
      expect(await help(c), c).toContain('--ndjson');
    }
    for (const c of ['export', 'window', 'coco-merge', 'emulator', 'demo']) {
      const text = await help(c);
      expect(text, c).not.toContain('--json');
      expect(text, c).not.toContain('--ndjson');
    }
  });

  it('commands that never connect list no connection or client option', async () => {
    for (const c of ['coco-merge', 'emulator', 'demo']) {
      const text = await help(c);
      for (const flag of ['--host', '--private-key', '--config', '--timeout', '--page-size']) {
        expect(text, `${c} ${flag}`).not.toContain(flag);
      }
      expect(text, c).toContain('--debug');
    }
    expect(await help('window')).not.toContain('--page-size');
    expect(await help('export')).toContain('--host');
  });

  it('window -h is help; the size is --width/--height', async () => {
    const r = await runInProcess(['window', '-h'], { home });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('cytorx window');
    expect(r.stdout).toContain('--height');
    expect(r.stdout).toContain('--width');
  });

  it('export explains --writer built-ins, --overlap and priority', async () => {
    const text = await help('export');
    const writer = text.slice(text.indexOf('--writer '), text.indexOf('--writer-option'));
    for (const name of builtinWriterNames()) expect(writer).toContain(name);
    expect(text).toContain('order (painted by ascending annotation id: the newest on top)');
    expect(text).toContain('priority (the class listed first in classes.json)');
    expect(text).toContain('priority (the term whose class comes first in classes.json)');
  });

  it('emulator --batch-style says what each style is', async () => {
    const text = await help('emulator');
    const line = text.slice(text.indexOf('--batch-style'), text.indexOf('--auth-modes'));
    expect(line).toContain('spring (Spring cores: always HTTP 200');
    expect(line).toContain('grails (legacy core: HTTP 200/206/400)');
  });
});
