import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openLedger } from '../../src/upload/ledger.js';

const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'cytorx-ledger-'));
  dirs.push(d);
  return join(d, 'ledger.jsonl');
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('openLedger', () => {
  it('records pending, created and deleted, and reads them back', () => {
    const path = tmp();
    const a = openLedger(path);
    a.markPending([
      { key: 'a', image: 1 },
      { key: 'b', image: 1 },
    ]);
    a.markCreated([{ key: 'a', id: 10, image: 1 }]);
    expect(a.isPending('a')).toBe(false);
    expect(a.isPending('b')).toBe(true);
    a.close();
    expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(3);

    const b = openLedger(path);
    expect(b.created('a')).toEqual({ key: 'a', id: 10, image: 1 });
    expect(b.owns(10)).toBe(true);
    expect(b.isPending('b')).toBe(true);
    b.markDeleted([10]);
    b.close();
    const c = openLedger(path);
    expect(c.created('a')).toBeUndefined();
    expect(c.owns(10)).toBe(false);
    c.close();
  });

  it('ignores a last line cut short by a crash and appends after it cleanly', () => {
    const path = tmp();
    writeFileSync(path, '{"op":"created","key":"x","id":3,"image":1,"t":0}\n{"op":"created","ke');
    const l = openLedger(path);
    expect(l.created('x')?.id).toBe(3);
    l.markCreated([{ key: 'y', id: 4, image: 1 }]);
    l.close();
    const again = openLedger(path);
    expect(again.created('y')?.id).toBe(4);
    again.close();
  });

  it('refuses writes after close; lives in memory without a path', () => {
    const l = openLedger();
    l.markCreated([{ key: 'k', id: 1, image: 2 }]);
    expect(l.entries()).toEqual([{ key: 'k', id: 1, image: 2 }]);
    l.close();
    expect(() => l.markCreated([{ key: 'z', id: 2, image: 2 }])).toThrow(/closed/);
  });
});
