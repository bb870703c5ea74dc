import { readFileSync, unlinkSync } from 'node:fs';
import { link, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { ConfigError } from '@cytorx/core';

/** The lock file an export holds in its output folder while it runs. */
export const LOCK_FILE = '.cytorx.lock';

/** Who holds a lock: written in the lock file as JSON. @internal */
export interface LockHolder {
  pid: number;
  host: string;
}

/** A held lock. `release` is synchronous so the file is gone when the export's stream ends. @internal */
export interface OutputLock {
  /** The holder whose stale lock was taken over (its process is dead), if any. */
  takenOver: LockHolder | undefined;
  release(): void;
}

/**
 * Takes the exclusive lock of an export folder: creates `.cytorx.lock` atomically (`wx`) with
 * this process's pid and host name (a temporary file hard-linked
 * to the lock's name: the lock never exists without its content). A lock left by a dead process of this host (its pid is not
 * alive) is taken over (`takenOver` says whose). @internal
 * @throws ConfigError `CYTORX_CONFIG` when another live run holds the lock, or a run on another
 *   host (whose liveness cannot be checked), naming the holder and the lock file.
 */
export async function lockOutput(root: string): Promise<OutputLock> {
  const file = path.join(root, LOCK_FILE);
  const me: LockHolder = { pid: process.pid, host: hostname() };
  if (await create(file, me)) return held(file, me, undefined);
  const holder = await readHolder(file);
  if (holder !== undefined && (holder.host !== me.host || isAlive(holder.pid))) {
    throw new ConfigError(
      `${root} is locked by another export (pid ${holder.pid} on ${holder.host}, ${file}): wait for it to finish, or use another --out` +
        (holder.host === me.host ? '' : `; if no export runs there, remove ${file}`),
    );
  }
  // Stale (or unreadable): move it aside atomically, check it is still the one we judged, retake.
  const aside = `${file}.${me.pid}`;
  await rename(file, aside).catch(() => undefined);
  const moved = await readHolder(aside);
  if (moved !== undefined && JSON.stringify(moved) !== JSON.stringify(holder)) {
    await link(aside, file).catch(() => undefined); // a live run's lock: put it back
    await rm(aside, { force: true });
    throw new ConfigError(`${root} is locked by another export that just started (${file})`);
  }
  await rm(aside, { force: true });
  if (!(await create(file, me))) {
    throw new ConfigError(`${root} is locked by another export that just started (${file})`);
  }
  return held(file, me, holder ?? { pid: 0, host: 'unknown' });
}

function held(file: string, me: LockHolder, takenOver: LockHolder | undefined): OutputLock {
  let released = false;
  return {
    takenOver,
    release() {
      if (released) return;
      released = true;
      try {
        // Only our own lock: a lock taken over by another run after ours was judged stale stays.
        const text = readFileSync(file, 'utf8');
        if (JSON.stringify(JSON.parse(text)) === JSON.stringify(me)) unlinkSync(file);
      } catch {
        // already gone
      }
    },
  };
}

/** Creates the lock with its content in one step: a temporary file hard-linked to the name. */
async function create(file: string, me: LockHolder): Promise<boolean> {
  const tmp = `${file}.${me.pid}.new`;
  await writeFile(tmp, `${JSON.stringify(me)}\n`);
  try {
    await link(tmp, file);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    await rm(tmp, { force: true });
  }
}

async function readHolder(file: string): Promise<LockHolder | undefined> {
  try {
    const h = JSON.parse(await readFile(file, 'utf8')) as Partial<LockHolder>;
    return typeof h.pid === 'number' && typeof h.host === 'string' ? { pid: h.pid, host: h.host } : undefined;
  } catch {
    return undefined;
  }
}

/** True when a process with this pid runs on this host (EPERM: it runs as another user). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
