import type { Observable, Subscription } from 'rxjs';

/** How list commands print: a table for people, a JSON array, or one JSON object a line. */
export type OutputFormat = 'table' | 'json' | 'ndjson';

/** Something text can be written to (a `process.stdout`-like stream). */
export interface TextSink {
  write(chunk: string): unknown;
}

/** A table column: a header and how to get the cell from a row. */
export interface Column<T> {
  header: string;
  /** The cell value; `undefined`/`null` print as empty. */
  value: (row: T) => string | number | boolean | null | undefined;
  /** Right-align (numbers); default left. */
  align?: 'left' | 'right';
  /** Maximum width before truncation with `…` (default {@link FormatTableOptions.maxCellWidth}). */
  maxWidth?: number;
}

/** Options of {@link formatTable}. */
export interface FormatTableOptions {
  /** Longest cell before truncation with `…` (default 48). */
  maxCellWidth?: number;
  /** Text between columns (default two spaces). */
  gap?: string;
}

function cellText(value: string | number | boolean | null | undefined): string {
  if (value === undefined || value === null) return '';
  // One line per row: control characters (newlines, tabs, escapes) become spaces.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
  return String(value).replace(/[\u0000-\u001f\u007f]+/g, ' ');
}

function truncate(text: string, width: number): string {
  const chars = Array.from(text);
  if (chars.length <= width) return text;
  return width <= 1 ? '…'.slice(0, width) : `${chars.slice(0, width - 1).join('')}…`;
}

/**
 * Formats rows as an aligned text table with a header line; long cells are truncated with `…`,
 * trailing spaces trimmed. Pure: returns the text (ending with a newline, or `''` for no columns).
 * @param rows - the rows.
 * @param columns - the columns, in order.
 * @param options - see {@link FormatTableOptions}.
 * @example
 * ```ts
 * import { formatTable } from '@cytorx/cli';
 * formatTable([{ id: 1, name: 'demo' }], [
 *   { header: 'ID', value: (r) => r.id, align: 'right' },
 *   { header: 'NAME', value: (r) => r.name },
 * ]);
 * // 'ID  NAME\n 1  demo\n'
 * ```
 */
export function formatTable<T>(
  rows: readonly T[],
  columns: ReadonlyArray<Column<T>>,
  options: FormatTableOptions = {},
): string {
  if (columns.length === 0) return '';
  const maxCell = options.maxCellWidth ?? 48;
  const gap = options.gap ?? '  ';
  const cells = rows.map((row) =>
    columns.map((c) => truncate(cellText(c.value(row)), c.maxWidth ?? maxCell)),
  );
  const widths = columns.map((c, i) =>
    Math.max(Array.from(c.header).length, ...cells.map((r) => Array.from(r[i] ?? '').length)),
  );
  const line = (values: readonly string[]): string =>
    values
      .map((v, i) => {
        const width = widths[i] ?? 0;
        const pad = ' '.repeat(Math.max(0, width - Array.from(v).length));
        return columns[i]?.align === 'right' ? pad + v : v + pad;
      })
      .join(gap)
      .trimEnd();
  return `${[line(columns.map((c) => c.header)), ...cells.map(line)].join('\n')}\n`;
}

/**
 * Writes a stream of items to `out` in the chosen format and resolves when the source completes.
 * `ndjson` writes each item as it arrives; `json` streams a valid JSON array (`[` first, `]` at
 * the end, nothing collected); `table` collects the rows, then prints them aligned. Unsubscribes
 * from the source (aborting its requests) when `signal` aborts.
 * @param source - the items.
 * @param options - `format`, `columns` (table), `out` (the sink), `toJson` (default identity)
 *   mapping an item to what is serialised, `signal`.
 * @returns the number of items written.
 * @throws whatever the source errors with (the JSON array is then left unterminated, the
 *   exit code says the output is incomplete).
 * @example
 * ```ts
 * import { writeItems } from '@cytorx/cli';
 * import { of } from 'rxjs';
 * await writeItems(of({ id: 1 }), { format: 'ndjson', columns: [], out: process.stdout });
 * ```
 */
export function writeItems<T>(
  source: Observable<T>,
  options: {
    format: OutputFormat;
    columns: ReadonlyArray<Column<T>>;
    out: TextSink;
    toJson?: (item: T) => unknown;
    signal?: AbortSignal;
  },
): Promise<number> {
  const { format, columns, out } = options;
  const toJson = options.toJson ?? ((item: T) => item);
  return new Promise<number>((resolve, reject) => {
    let count = 0;
    const rows: T[] = [];
    let subscription: Subscription | undefined;
    let aborted = false;
    const onAbort = (): void => {
      aborted = true;
      subscription?.unsubscribe();
      reject(options.signal?.reason ?? new Error('aborted'));
    };
    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const cleanup = (): void => options.signal?.removeEventListener('abort', onAbort);
    if (format === 'json') out.write('[');
    subscription = source.subscribe({
      next: (item) => {
        if (aborted) return;
        if (format === 'ndjson') out.write(`${JSON.stringify(toJson(item))}\n`);
        else if (format === 'json') out.write(`${count === 0 ? '\n' : ',\n'}${JSON.stringify(toJson(item))}`);
        else rows.push(item);
        count++;
      },
      error: (err: unknown) => {
        cleanup();
        if (format === 'json' && count > 0) out.write('\n');
        reject(err);
      },
      complete: () => {
        cleanup();
        if (format === 'json') out.write(count === 0 ? ']\n' : '\n]\n');
        else if (format === 'table') out.write(formatTable(rows, columns));
        resolve(count);
      },
    });
    // Aborted while the source emitted synchronously: the subscription exists only now.
    if (aborted) subscription.unsubscribe();
  });
}

/**
 * Writes a single object: a two-column `FIELD VALUE` table, or one JSON line (`json` and `ndjson`).
 * @internal
 */
export function writeObject(
  value: Record<string, unknown>,
  options: { format: OutputFormat; out: TextSink; fields?: readonly string[] },
): void {
  if (options.format !== 'table') {
    options.out.write(`${JSON.stringify(value)}\n`);
    return;
  }
  const keys = options.fields ?? Object.keys(value);
  const rows = keys
    .filter((k) => value[k] !== undefined && value[k] !== null)
    .map((k) => ({ field: k, value: value[k] }));
  options.out.write(
    formatTable(rows, [
      { header: 'FIELD', value: (r) => r.field },
      {
        header: 'VALUE',
        value: (r) => (typeof r.value === 'object' ? JSON.stringify(r.value) : String(r.value)),
      },
    ]),
  );
}
