import { type Column, formatTable, writeItems } from '@cytorx/cli';
import { from, NEVER, Observable, of, throwError } from 'rxjs';
import { describe, expect, it } from 'vitest';

interface Row {
  id: number;
  name: string | null;
}
const columns: ReadonlyArray<Column<Row>> = [
  { header: 'ID', value: (r) => r.id, align: 'right' },
  { header: 'NAME', value: (r) => r.name },
];

function sink(): { write(s: string): boolean; text: () => string; chunks: string[] } {
  const chunks: string[] = [];
  return { write: (s: string) => chunks.push(s) > 0, text: () => chunks.join(''), chunks };
}

describe('formatTable', () => {
  it('aligns columns (numbers right, text left) and trims trailing spaces', () => {
    const text = formatTable(
      [
        { id: 1, name: 'alpha' },
        { id: 12345, name: 'b' },
        { id: 7, name: null },
      ],
      columns,
    );
    expect(text).toBe(['   ID  NAME', '    1  alpha', '12345  b', '    7', ''].join('\n'));
  });

  it('truncates long cells with an ellipsis, per column max width', () => {
    const long = 'x'.repeat(100);
    const text = formatTable([{ id: 1, name: long }], columns, { maxCellWidth: 10 });
    const line = text.split('\n')[1] ?? '';
    expect(line).toBe(`${' '.repeat(1)}1  ${'x'.repeat(9)}…`);
    const narrow = formatTable(
      [{ id: 1, name: long }],
      [{ header: 'N', value: (r: Row) => r.name, maxWidth: 4 }],
    );
    expect(narrow).toBe('N\nxxx…\n');
  });

  it('keeps one line per row: control characters become spaces', () => {
    const text = formatTable([{ id: 1, name: 'a\nb\tc\u001b[31m' }], columns);
    expect(text.split('\n')).toHaveLength(3);
    expect(text).toContain('a b c [31m');
  });

  it('prints just the header for no rows', () => {
    expect(formatTable([], columns)).toBe('ID  NAME\n');
  });
});

describe('writeItems', () => {
  const rows: Row[] = [
    { id: 1, name: 'a' },
    { id: 2, name: 'b' },
  ];

  it('json: a valid JSON array, also when empty', async () => {
    const out = sink();
    expect(await writeItems(from(rows), { format: 'json', columns, out })).toBe(2);
    expect(JSON.parse(out.text())).toEqual(rows);
    const empty = sink();
    await writeItems(from([] as Row[]), { format: 'json', columns, out: empty });
    expect(JSON.parse(empty.text())).toEqual([]);
  });

  it('ndjson: one object a line, written as each item arrives (not collected)', async () => {
    const out = sink();
    let emit: ((r: Row) => void) | undefined;
    let finish: (() => void) | undefined;
    const source = new Observable<Row>((sub) => {
      emit = (r) => sub.next(r);
      finish = () => sub.complete();
    });
    const done = writeItems(source, { format: 'ndjson', columns, out });
    emit?.(rows[0] as Row);
    expect(out.text()).toBe('{"id":1,"name":"a"}\n');
    emit?.(rows[1] as Row);
    expect(out.chunks).toHaveLength(2);
    finish?.();
    expect(await done).toBe(2);
    expect(
      out
        .text()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual(rows);
  });

  it('json streams too: the array opens before the source completes', async () => {
    const out = sink();
    let emit: ((r: Row) => void) | undefined;
    const source = new Observable<Row>((sub) => {
      emit = (r) => sub.next(r);
    });
    void writeItems(source, { format: 'json', columns, out });
    emit?.(rows[0] as Row);
    expect(out.text()).toBe('[\n{"id":1,"name":"a"}');
  });

  it('table: collects then prints aligned', async () => {
    const out = sink();
    await writeItems(from(rows), { format: 'table', columns, out });
    expect(out.text()).toBe('ID  NAME\n 1  a\n 2  b\n');
  });

  it('table streams after the first tableBuffer rows, keeping their column widths', async () => {
    const out = sink();
    let emit: ((r: Row) => void) | undefined;
    let finish: (() => void) | undefined;
    const source = new Observable<Row>((sub) => {
      emit = (r) => sub.next(r);
      finish = () => sub.complete();
    });
    const done = writeItems(source, { format: 'table', columns, out, tableBuffer: 2 });
    emit?.({ id: 1, name: 'abc' });
    expect(out.text()).toBe('');
    emit?.({ id: 22, name: 'de' });
    expect(out.text()).toBe('ID  NAME\n 1  abc\n22  de\n');
    emit?.({ id: 3, name: 'much longer name' });
    expect(out.text().split('\n')[3]).toBe(' 3  muc…');
    finish?.();
    expect(await done).toBe(3);
    expect(out.text().trimEnd().split('\n')).toHaveLength(4);
  });

  it('applies toJson for json/ndjson', async () => {
    const out = sink();
    await writeItems(of({ id: 3, name: 'c' }), {
      format: 'ndjson',
      columns,
      out,
      toJson: (r) => ({ n: r.id }),
    });
    expect(out.text()).toBe('{"n":3}\n');
  });

  it('rejects with the source error', async () => {
    const out = sink();
    const boom = new Error('boom');
    await expect(
      writeItems(
        throwError(() => boom),
        { format: 'table', columns, out },
      ),
    ).rejects.toBe(boom);
    expect(out.text()).toBe('');
  });

  it('unsubscribes from the source and rejects when the signal aborts', async () => {
    let unsubscribed = false;
    const source = new Observable<Row>(() => () => {
      unsubscribed = true;
    });
    const controller = new AbortController();
    const done = writeItems(source, { format: 'ndjson', columns, out: sink(), signal: controller.signal });
    const reason = new Error('stop');
    controller.abort(reason);
    await expect(done).rejects.toBe(reason);
    expect(unsubscribed).toBe(true);
    await expect(
      writeItems(NEVER, { format: 'ndjson', columns, out: sink(), signal: controller.signal }),
    ).rejects.toBe(reason);
  });
});
