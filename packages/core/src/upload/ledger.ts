import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import { ConfigError } from '../errors/config-error.js';

/** What the ledger knows about one created item. */
export interface LedgerEntry {
  key: string;
  /** The annotation id on the server. */
  id: number;
  image: number;
  /** Content hash of what was sent (image, terms, geometry), to notice an edited input. */
  hash?: string;
  /** Term ids sent. */
  terms?: number[];
}

/** One line of the ledger file. */
export type LedgerRecord =
  | { op: 'pending'; key: string; image: number; t: number }
  | ({ op: 'created'; t: number } & LedgerEntry)
  | { op: 'deleted'; id: number; t: number };

/**
 * The record of what an upload has done, so that a rerun creates only what is missing.
 * Append-only JSON lines; every write is flushed to disk (`fsync`) before the call returns.
 * - `pending`: a batch holding this item was about to be sent (its fate is unknown until a
 *   `created` line follows; a rerun reconciles it against the server's listing);
 * - `created`: the item exists on the server with this id;
 * - `deleted`: this annotation id was deleted (its `created` lines no longer count).
 */
export interface UploadLedger {
  /** The file, or `undefined` for an in-memory ledger. */
  readonly path: string | undefined;
  /** The created entry for this key, if any. */
  created(key: string): LedgerEntry | undefined;
  /** True when this key was sent but its outcome was never recorded. */
  isPending(key: string): boolean;
  /** True when this annotation id is recorded as created by this ledger. */
  owns(id: number): boolean;
  /** Every created entry (after deletions). */
  entries(): LedgerEntry[];
  markPending(items: ReadonlyArray<{ key: string; image: number }>): void;
  markCreated(items: ReadonlyArray<LedgerEntry>): void;
  markDeleted(ids: readonly number[]): void;
  /** Closes the file (a no-op in memory). Further marks throw. */
  close(): void;
}

class Ledger implements UploadLedger {
  readonly path: string | undefined;
  private readonly byKey = new Map<string, LedgerEntry>();
  private readonly byId = new Map<number, string>();
  private readonly pending = new Set<string>();
  private fd: number | undefined;
  private closed = false;

  constructor(path: string | undefined, readOnly: boolean) {
    this.path = path;
    if (path === undefined) return;
    let needsNewline = false;
    if (existsSync(path)) {
      const text = readFileSync(path, 'utf8');
      needsNewline = text.length > 0 && !text.endsWith('\n');
      for (const line of text.split('\n')) this.load(line);
    }
    if (readOnly) return;
    try {
      this.fd = openSync(path, 'a');
    } catch (cause) {
      throw new ConfigError(`cannot open the upload ledger ${path} for appending`, { cause });
    }
    if (needsNewline) writeSync(this.fd, '\n');
  }

  private load(line: string): void {
    if (line.trim() === '') return;
    let r: Partial<LedgerRecord> & { op?: unknown };
    try {
      r = JSON.parse(line) as typeof r;
    } catch {
      return; // a line cut short by a crash: its batch is still pending
    }
    this.apply(r as LedgerRecord);
  }

  private apply(r: LedgerRecord): void {
    if (r.op === 'pending' && typeof r.key === 'string') {
      if (!this.byKey.has(r.key)) this.pending.add(r.key);
    } else if (r.op === 'created' && typeof r.key === 'string' && typeof r.id === 'number') {
      const entry: LedgerEntry = { key: r.key, id: r.id, image: r.image };
      if (typeof r.hash === 'string') entry.hash = r.hash;
      if (Array.isArray(r.terms)) entry.terms = r.terms;
      const previous = this.byKey.get(r.key);
      if (previous !== undefined && previous.id !== r.id) this.byId.delete(previous.id);
      this.byKey.set(r.key, entry);
      this.byId.set(r.id, r.key);
      this.pending.delete(r.key);
    } else if (r.op === 'deleted' && typeof r.id === 'number') {
      const key = this.byId.get(r.id);
      if (key !== undefined) this.byKey.delete(key);
      this.byId.delete(r.id);
    }
  }

  private append(records: LedgerRecord[]): void {
    if (this.closed) throw new ConfigError('the upload ledger is closed');
    if (records.length === 0) return;
    for (const r of records) this.apply(r);
    if (this.fd === undefined) return;
    writeSync(this.fd, `${records.map((r) => JSON.stringify(r)).join('\n')}\n`);
    fsyncSync(this.fd);
  }

  created(key: string): LedgerEntry | undefined {
    return this.byKey.get(key);
  }
  isPending(key: string): boolean {
    return this.pending.has(key);
  }
  owns(id: number): boolean {
    return this.byId.has(id);
  }
  entries(): LedgerEntry[] {
    return [...this.byKey.values()];
  }
  markPending(items: ReadonlyArray<{ key: string; image: number }>): void {
    const t = Date.now();
    this.append(items.map((i) => ({ op: 'pending', key: i.key, image: i.image, t })));
  }
  markCreated(items: ReadonlyArray<LedgerEntry>): void {
    const t = Date.now();
    this.append(items.map((i) => ({ op: 'created', t, ...i })));
  }
  markDeleted(ids: readonly number[]): void {
    const t = Date.now();
    this.append(ids.map((id) => ({ op: 'deleted', id, t })));
  }
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.fd !== undefined) closeSync(this.fd);
  }
}

/**
 * Opens (or creates) an upload ledger file, reading back what earlier runs recorded. Lines
 * cut short by a crash are ignored. Without a path, the ledger lives in memory (it still
 * protects one run against duplicates when a batch fails).
 * @param path - JSON-lines file; created when missing. Default: in memory.
 * @param options - `readOnly` (default false): read the file but never write it (marks stay
 *   in memory), e.g. for a dry run.
 * @returns The ledger; call `close()` when done.
 * @throws ConfigError (`CYTORX_CONFIG`) when the file cannot be opened for appending.
 * @example
 * ```ts
 * import { openLedger } from '@cytorx/core';
 * const ledger = openLedger('predictions.geojson.cytorx-ledger.jsonl');
 * ledger.created('feature-17')?.id;
 * ledger.close();
 * ```
 */
export function openLedger(path?: string, options: { readOnly?: boolean } = {}): UploadLedger {
  return new Ledger(path, options.readOnly ?? false);
}
