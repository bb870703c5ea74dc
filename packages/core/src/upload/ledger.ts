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

/**
 * Where an upload goes: server, project and the user the keys belong to. A ledger entry is
 * proof of upload only for the target it was recorded for.
 */
export interface LedgerTarget {
  /** Server base URL (compared after {@link ledgerTargetKey} normalises it). */
  host: string;
  project: number;
  /** Id of the user the upload authenticates as. */
  user: number;
}

/** One line of the ledger file; `target` is the {@link ledgerTargetKey} of its target. */
export type LedgerRecord = { target?: string } & (
  | { op: 'pending'; key: string; image: number; t: number }
  | ({ op: 'created'; t: number } & LedgerEntry)
  | { op: 'deleted'; id: number; t: number }
);

/**
 * The key of a target in ledger lines: the normalised host (lower-case scheme and host, no
 * trailing slash, path prefix kept), project and user, e.g.
 * `https://cytomine.example.org project 12 user 5`.
 * @param target - Host, project and user.
 * @example
 * ```ts
 * import { ledgerTargetKey } from '@cytorx/core';
 * ledgerTargetKey({ host: 'HTTPS://Example.org/', project: 12, user: 5 }); // 'https://example.org project 12 user 5'
 * ```
 */
export function ledgerTargetKey(target: LedgerTarget): string {
  let host = target.host.trim();
  try {
    const url = new URL(host);
    host = `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    // not a URL: kept as given
  }
  return `${host.replace(/\/+$/, '')} project ${target.project} user ${target.user}`;
}

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
  /** The target whose section this ledger reads and writes (`undefined`: lines without target). */
  readonly target: LedgerTarget | undefined;
  /**
   * The other sections of the file: lines recorded for other targets (or, for a targeted
   * ledger, by an older cytorx without a target), never taken as proof of upload here.
   */
  others(): Array<{ target: string; created: number }>;
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
  readonly target: LedgerTarget | undefined;
  private readonly targetKey: string | undefined;
  private readonly foreign = new Map<string, number>();
  private readonly byKey = new Map<string, LedgerEntry>();
  private readonly byId = new Map<number, string>();
  private readonly pending = new Set<string>();
  private fd: number | undefined;
  private closed = false;

  constructor(path: string | undefined, readOnly: boolean, target: LedgerTarget | undefined) {
    this.path = path;
    this.target = target;
    this.targetKey = target === undefined ? undefined : ledgerTargetKey(target);
    if (path === undefined) return;
    let needsNewline = false;
    if (existsSync(path)) {
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (cause) {
        throw new ConfigError(`cannot read the upload ledger ${path}: ${reason(cause)}`, { cause });
      }
      needsNewline = text.length > 0 && !text.endsWith('\n');
      for (const line of text.split('\n')) this.load(line);
    }
    if (readOnly) return;
    try {
      this.fd = openSync(path, 'a');
    } catch (cause) {
      throw new ConfigError(`cannot open the upload ledger ${path} for appending: ${reason(cause)}`, {
        cause,
      });
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
    const target = typeof r.target === 'string' ? r.target : undefined;
    if (target !== this.targetKey) {
      if (r.op === 'created') {
        const name = target ?? '(no target: written by an older cytorx)';
        this.foreign.set(name, (this.foreign.get(name) ?? 0) + 1);
      }
      return;
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
    const target = this.targetKey === undefined ? {} : { target: this.targetKey };
    writeSync(this.fd, `${records.map((r) => JSON.stringify({ ...target, ...r })).join('\n')}\n`);
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
  others(): Array<{ target: string; created: number }> {
    return [...this.foreign].map(([target, created]) => ({ target, created }));
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

function reason(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : error instanceof Error ? error.message : String(error);
}

/** Options of {@link openLedger}. */
export interface OpenLedgerOptions {
  /** Read the file but never write it (marks stay in memory), e.g. for a dry run. Default false. */
  readOnly?: boolean;
  /**
   * The section to use: only lines recorded for this target count, and new lines are
   * recorded for it. Default: none (lines without a target, as library callers wrote them).
   */
  target?: LedgerTarget;
}

/**
 * Opens (or creates) an upload ledger file, reading back what earlier runs recorded for the
 * target. One file holds one section per target (host, project, user): an entry recorded for
 * another server, project or user is never taken as proof of upload (see `others()`).
 * Lines cut short by a crash are ignored. Without a path, the ledger lives in memory (it still
 * protects one run against duplicates when a batch fails).
 * @param path - JSON-lines file; created when missing. Default: in memory.
 * @param options - See {@link OpenLedgerOptions}; defaults: `readOnly` false, no target.
 * @returns The ledger; call `close()` when done.
 * @throws ConfigError (`CYTORX_CONFIG`) when the file cannot be read, or opened for appending
 *   (the message names the path and the system error code, e.g. `EACCES`).
 * @example
 * ```ts
 * import { openLedger } from '@cytorx/core';
 * const target = { host: 'https://cytomine.example.org', project: 12, user: 5 };
 * const ledger = openLedger('predictions.geojson.cytorx-ledger.jsonl', { target });
 * ledger.created('feature-17')?.id;
 * ledger.close();
 * ```
 */
export function openLedger(path?: string, options: OpenLedgerOptions = {}): UploadLedger {
  return new Ledger(path, options.readOnly ?? false, options.target);
}
