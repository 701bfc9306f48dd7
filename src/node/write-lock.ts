/**
 * An exclusive lock on a file we are about to change: `<target>.lock`, created atomically with its
 * whole content (written under a private name, then hard-linked into place: link() fails if the
 * name exists and never follows a link). The content names the holder (pid, host) and, while a
 * write is under way, a journal the next holder uses to undo a write whose process died.
 *
 * A lock whose holder is a dead process on this host is stale: it is broken under a second,
 * short-lived lock (`<target>.lock.break`), after re-reading it, so two processes that both saw
 * the same stale lock cannot both take over (the second one finds a fresh lock, not the stale one).
 */
import { randomBytes } from 'node:crypto';
import { link, open, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { FnnxError } from '../errors.js';
import { ioError } from './file-source.js';

export interface LockRecord {
  pid: number;
  host: string;
  token: string;
  /** What the holder is doing, for whoever finds the lock stale (e.g. where an append writes). */
  journal?: Record<string, unknown>;
}

export interface LockOptions {
  /** How long to wait for another holder before failing with LOCKED. Default 10 s. */
  waitMs?: number;
  /** Called, under the break lock, with a dead holder's record before its lock is removed. */
  onStale?: (record: LockRecord) => Promise<void>;
}

/** A `.lock.break` older than this is itself left by a dead process (breaking takes milliseconds). */
const BREAK_STALE_MS = 30_000;
const POLL_MS = 50;

export class WriteLock {
  private constructor(
    readonly path: string,
    private record: LockRecord,
  ) {}

  static async acquire(target: string, options: LockOptions = {}): Promise<WriteLock> {
    const path = `${target}.lock`;
    const record: LockRecord = { pid: process.pid, host: hostname(), token: randomBytes(12).toString('hex') };
    const deadline = Date.now() + (options.waitMs ?? 10_000);
    for (;;) {
      if (await createWith(path, record)) return new WriteLock(path, record);
      const holder = await readRecord(path);
      if (holder && isDead(holder)) {
        await breakStale(path, holder, options.onStale);
        continue;
      }
      if (Date.now() >= deadline) throw locked(target, path, holder);
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }

  /** Records what this holder is doing (replaces the lock's content atomically). */
  async journal(journal: Record<string, unknown>): Promise<void> {
    this.record = { ...this.record, journal };
    const temp = `${this.path}.${this.record.token}`;
    await writeFile(temp, JSON.stringify(this.record), { flag: 'wx', mode: 0o644 });
    await rename(temp, this.path);
  }

  async release(): Promise<void> {
    const now = await readRecord(this.path);
    if (now?.token === this.record.token) await unlink(this.path).catch(() => undefined);
  }
}

/** Creates the lock with its content in one step; false when someone holds it. */
async function createWith(path: string, record: LockRecord): Promise<boolean> {
  const temp = `${path}.${record.token}`;
  try {
    await writeFile(temp, JSON.stringify(record), { flag: 'wx', mode: 0o644 });
  } catch (e) {
    throw ioError(e, temp);
  }
  try {
    await link(temp, path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw ioError(e, path);
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

async function readRecord(path: string): Promise<LockRecord | undefined> {
  try {
    const doc = JSON.parse(await readFile(path, 'utf8')) as Partial<LockRecord>;
    if (typeof doc.pid !== 'number' || typeof doc.host !== 'string' || typeof doc.token !== 'string') return undefined;
    return doc as LockRecord;
  } catch {
    return undefined;
  }
}

/** Only a holder on this host can be known dead; elsewhere (a shared file system) it is presumed alive. */
function isDead(record: LockRecord): boolean {
  if (record.host !== hostname() || record.pid === process.pid) return false;
  try {
    process.kill(record.pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

async function breakStale(path: string, seen: LockRecord, onStale: LockOptions['onStale']): Promise<void> {
  const breakPath = `${path}.break`;
  let handle;
  try {
    handle = await open(breakPath, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw ioError(e, breakPath);
    const age = await stat(breakPath).then(
      (s) => Date.now() - s.mtimeMs,
      () => 0,
    );
    if (age > BREAK_STALE_MS) await unlink(breakPath).catch(() => undefined);
    else await new Promise((r) => setTimeout(r, POLL_MS));
    return;
  }
  try {
    const now = await readRecord(path);
    if (now?.token !== seen.token) return;
    await onStale?.(now);
    await unlink(path).catch(() => undefined);
  } finally {
    await handle.close();
    await unlink(breakPath).catch(() => undefined);
  }
}

function locked(target: string, path: string, holder: LockRecord | undefined): FnnxError {
  const who = holder ? `process ${holder.pid} on ${holder.host}` : 'another process';
  return new FnnxError('LOCKED', 'io', `${target} is being written by ${who} (lock file ${path}); nothing was written`, {
    hint: 'run the command again once the other writer is done; if no writer is running, remove the lock file',
  });
}
