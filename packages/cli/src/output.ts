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
  const layout = new TableLayout(columns, options);
  const cells = rows.map((row) => layout.cells(row));
  layout.fit(cells);
  return `${[layout.header(), ...cells.map((c) => layout.line(c))].join('\n')}\n`;
}

/** Column widths and line formatting shared by {@link formatTable} and the streaming table. */
class TableLayout<T> {
  readonly #columns: ReadonlyArray<Column<T>>;
  readonly #maxCell: number;
  readonly #gap: string;
  #widths: number[];

  constructor(columns: ReadonlyArray<Column<T>>, options: FormatTableOptions) {
    this.#columns = columns;
    this.#maxCell = options.maxCellWidth ?? 48;
    this.#gap = options.gap ?? '  ';
    this.#widths = columns.map((c) => Array.from(c.header).length);
  }

  /** The row's cells, cleaned and truncated to each column's maximum width. */
  cells(row: T): string[] {
    return this.#columns.map((c) => truncate(cellText(c.value(row)), c.maxWidth ?? this.#maxCell));
  }

  /** Widens the columns to fit these rows. */
  fit(rows: ReadonlyArray<readonly string[]>): void {
    this.#widths = this.#widths.map((w, i) => Math.max(w, ...rows.map((r) => Array.from(r[i] ?? '').length)));
  }

  header(): string {
    return this.line(this.#columns.map((c) => c.header));
  }

  /** One line; a cell wider than its column (after {@link fit}) is truncated to keep alignment. */
  line(values: readonly string[]): string {
    return values
      .map((v, i) => {
        const width = this.#widths[i] ?? 0;
        const text = truncate(v, width);
        const pad = ' '.repeat(Math.max(0, width - Array.from(text).length));
        return this.#columns[i]?.align === 'right' ? pad + text : text + pad;
      })
      .join(this.#gap)
      .trimEnd();
  }
}

/**
 * A table printed as rows arrive: the first `bufferRows` rows set the column widths, then every
 * row is written at once (memory stays bounded however long the listing is).
 */
class StreamingTable<T> {
  readonly #layout: TableLayout<T>;
  readonly #out: TextSink;
  readonly #bufferRows: number;
  #buffer: string[][] | undefined = [];

  constructor(columns: ReadonlyArray<Column<T>>, out: TextSink, bufferRows: number) {
    this.#layout = new TableLayout(columns, {});
    this.#out = out;
    this.#bufferRows = bufferRows;
  }

  push(row: T): void {
    const cells = this.#layout.cells(row);
    if (this.#buffer === undefined) {
      this.#out.write(`${this.#layout.line(cells)}\n`);
      return;
    }
    this.#buffer.push(cells);
    if (this.#buffer.length >= this.#bufferRows) this.flush();
  }

  flush(): void {
    if (this.#buffer === undefined) return;
    const rows = this.#buffer;
    this.#buffer = undefined;
    this.#layout.fit(rows);
    this.#out.write(`${[this.#layout.header(), ...rows.map((r) => this.#layout.line(r))].join('\n')}\n`);
  }
}

/**
 * Writes a stream of items to `out` in the chosen format and resolves when the source completes.
 * `ndjson` writes each item as it arrives; `json` streams a valid JSON array (`[` first, `]` at
 * the end, nothing collected); `table` holds the first `tableBuffer` rows to size the columns, then
 * prints as rows arrive (cells wider than their column are truncated with `…`). Unsubscribes
 * from the source (aborting its requests) when `signal` aborts.
 * @param source - the items.
 * @param options - `format`, `columns` (table), `out` (the sink), `toJson` (default identity)
 *   mapping an item to what is serialised, `tableBuffer` (default 1000), `signal`.
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
    tableBuffer?: number;
    signal?: AbortSignal;
  },
): Promise<number> {
  const { format, columns, out } = options;
  const toJson = options.toJson ?? ((item: T) => item);
  return new Promise<number>((resolve, reject) => {
    let count = 0;
    const table =
      format === 'table' ? new StreamingTable(columns, out, options.tableBuffer ?? 1000) : undefined;
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
        else table?.push(item);
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
        else table?.flush();
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
