/**
 * An exclusive lock on a file we are about to change: `<target>.lock`, created atomically with its
 * whole content (written under a private name, then hard-linked into place: link() fails if the
 * name exists and never follows a link). The content names the holder (pid, host, a random token)
 * and, while a write is under way, a journal the next holder uses to undo a write whose process died.
 *
 * A lock whose holder is a dead process on this host is stale: it is broken under a second,
 * short-lived lock (`<target>.lock.break`), after re-reading it, so two processes that both saw
 * the same stale lock cannot both take over (the second one finds a fresh lock, not the stale one).
 *
 * A lock file is input from the disk like any other: read without following a link or blocking
 * on a FIFO, and its journal handed to the caller only when the lock is this user's own (another
 * user's journal is refused, FOREIGN_STATE, nothing touched). Every wait ends: a lock that cannot
 * be taken or broken (another user's stale lock in a sticky folder) is LOCKED at the deadline,
 * polled, never spun on.
 */
import { randomBytes } from 'node:crypto';
import type { Stats } from 'node:fs';
import { link, open, readdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { FnnxError } from '../errors.js';
import { ioError } from './io-error.js';
import { OWN_FILE_FLAGS, foreignState } from './output-file.js';

export interface LockRecord {
  pid: number;
  host: string;
  /** 24 hex digits, fresh for every holder; names the holder's private files (`<lock>.<token>.undo`). */
  token: string;
  /** What the holder is doing, for whoever finds the lock stale (e.g. where an append writes). */
  journal?: Record<string, unknown>;
}

export interface LockOptions {
  /** How long to wait for another holder before failing with LOCKED. Default 10 s. */
  waitMs?: number;
  /**
   * Called, under the break lock, with a dead holder's record before its lock is removed: only
   * for a lock file of this user's (another user's journal is refused, FOREIGN_STATE).
   */
  onStale?: (record: LockRecord, lockPath: string) => Promise<void>;
}

/** A `.lock.break` older than this is itself left by a dead process (breaking takes milliseconds). */
const BREAK_STALE_MS = 30_000;
const POLL_MS = 50;
/** A lock record is a pid, a host, a token and a small journal. */
const MAX_RECORD_BYTES = 64 << 10;
const TOKEN = /^[0-9a-f]{24}$/;

export class WriteLock {
  private constructor(
    readonly path: string,
    private record: LockRecord,
  ) {}

  get token(): string {
    return this.record.token;
  }

  static async acquire(target: string, options: LockOptions = {}): Promise<WriteLock> {
    const path = `${target}.lock`;
    const record: LockRecord = { pid: process.pid, host: hostname(), token: newToken() };
    const deadline = Date.now() + (options.waitMs ?? 10_000);
    for (;;) {
      if (await createWith(path, record)) {
        await dropDeadTemps(path, record.token);
        return new WriteLock(path, record);
      }
      const holder = await readLock(path);
      if (holder?.record && isDead(holder.record) && (await breakStale(target, path, holder.record, options.onStale))) continue;
      if (Date.now() >= deadline) throw locked(target, holder?.record);
      await sleep(POLL_MS);
    }
  }

  /** Records what this holder is doing (replaces the lock's content atomically). */
  async journal(journal: Record<string, unknown>): Promise<void> {
    this.record = { ...this.record, journal: { ...journal, token: this.record.token } };
    const temp = `${this.path}.${this.record.token}`;
    await writeFile(temp, JSON.stringify(this.record), { flag: 'wx', mode: 0o644 });
    await rename(temp, this.path);
  }

  async release(): Promise<void> {
    const now = await readLock(this.path);
    if (now?.record?.token === this.record.token) await unlink(this.path).catch(() => undefined);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * 24 hex digits: the holder's pid (8), then 16 random. The pid in the name is what tells whose a
 * temp file is when a kill left it empty (created, not yet written).
 */
function newToken(): string {
  return `${process.pid.toString(16).padStart(8, '0')}${randomBytes(8).toString('hex')}`;
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

/**
 * The lock's record and who owns the file; undefined when there is none, `record` undefined when
 * it is not a record (garbage, a FIFO, a directory: opened without blocking, never read).
 */
async function readLock(path: string): Promise<{ record?: LockRecord; stat: Stats } | undefined> {
  let handle;
  try {
    handle = await open(path, OWN_FILE_FLAGS.read);
  } catch {
    return undefined;
  }
  try {
    const st = await handle.stat();
    if (!st.isFile() || st.size > MAX_RECORD_BYTES) return { stat: st };
    let doc: Partial<LockRecord> | null;
    try {
      doc = JSON.parse(await handle.readFile('utf8')) as Partial<LockRecord> | null;
    } catch {
      return { stat: st };
    }
    if (
      typeof doc?.pid !== 'number' ||
      !Number.isSafeInteger(doc.pid) ||
      doc.pid <= 0 ||
      typeof doc.host !== 'string' ||
      typeof doc.token !== 'string' ||
      !TOKEN.test(doc.token) ||
      (doc.journal !== undefined && (typeof doc.journal !== 'object' || doc.journal === null || Array.isArray(doc.journal)))
    )
      return { stat: st };
    return { record: doc as LockRecord, stat: st };
  } catch {
    return undefined;
  } finally {
    await handle.close();
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

/** True when the stale lock is gone (removed here, or by someone else); false when it must be waited on. */
async function breakStale(target: string, path: string, seen: LockRecord, onStale: LockOptions['onStale']): Promise<boolean> {
  const breakPath = `${path}.break`;
  let handle;
  try {
    handle = await open(breakPath, 'wx', 0o644);
    await handle.writeFile(JSON.stringify({ pid: process.pid, host: hostname(), token: newToken() }));
  } catch (e) {
    if (handle) {
      await handle.close();
      await unlink(breakPath).catch(() => undefined);
    }
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') return false;
    // A breaker killed while breaking leaves this: gone at once when its pid is known dead, else after BREAK_STALE_MS.
    const breaker = await readLock(breakPath);
    const age = await stat(breakPath).then(
      (s) => Date.now() - s.mtimeMs,
      () => 0,
    );
    if ((breaker?.record && isDead(breaker.record)) || age > BREAK_STALE_MS) await unlink(breakPath).catch(() => undefined);
    return false;
  }
  try {
    const now = await readLock(path);
    if (now?.record?.token !== seen.token) return now === undefined;
    const uid = process.getuid?.();
    const ours = uid === undefined || now.stat.uid === uid;
    if (!ours && now.record.journal !== undefined) throw untrustedJournal(target, `belongs to another user (uid ${now.stat.uid})`);
    // Another user's lock with nothing under way is only removed: its leftovers are not ours to clean.
    if (ours) await onStale?.(now.record, path);
    try {
      await unlink(path);
    } catch (e) {
      // Another user's lock in a sticky folder cannot be removed: wait for the deadline, then LOCKED.
      return (e as NodeJS.ErrnoException).code === 'ENOENT';
    }
    await unlink(`${path}.${seen.token}.undo`).catch(() => undefined);
    return true;
  } finally {
    await handle.close();
    await unlink(breakPath).catch(() => undefined);
  }
}

/**
 * A process killed between writing its lock record under `<lock>.<token>` and linking or renaming
 * it into place leaves that file: each new holder removes the ones whose writer is dead.
 */
async function dropDeadTemps(path: string, ours: string): Promise<void> {
  const prefix = `${basename(path)}.`;
  const names = await readdir(dirname(path)).catch(() => [] as string[]);
  const uid = process.getuid?.();
  for (const name of names) {
    const token = name.slice(prefix.length);
    if (!name.startsWith(prefix) || !TOKEN.test(token) || token === ours) continue;
    const temp = join(dirname(path), name);
    const found = await readLock(temp);
    if (found === undefined || (uid !== undefined && found.stat.uid !== uid)) continue;
    // Killed between creating it and writing it: empty, and only its name says whose it was.
    const writer = found.record ?? (found.stat.size === 0 ? { pid: parseInt(token.slice(0, 8), 16), host: hostname(), token } : undefined);
    if (writer === undefined || writer.token !== token || !isDead(writer)) continue;
    await unlink(temp).catch(() => undefined);
  }
}

/** The error for a dead holder's journal that cannot be proven this user's: nothing is changed. */
export function untrustedJournal(target: string, why: string): FnnxError {
  return foreignState(
    `${target} has a lock left by a writer that died, whose record of an unfinished write ${why}; it was not acted on, and nothing was changed`,
    `if no write of yours to ${basename(target)} was interrupted, remove ${basename(target)}.lock beside it and run the command again`,
  );
}

function locked(target: string, holder: LockRecord | undefined): FnnxError {
  const who = holder ? `process ${holder.pid} on ${holder.host}` : 'another process';
  const dead = holder && isDead(holder) ? ' (it is not running, and its lock could not be removed)' : '';
  return new FnnxError('LOCKED', 'io', `${target} is being written by ${who}${dead}; nothing was written`, {
    hint: `run the command again once the other writer is done; if no writer is running, remove ${basename(target)}.lock beside it`,
  });
}
