/**
 * Appending members to an artifact on disk, as the format allows it: only at the end.
 *
 * A tar file: the new members go where the end-of-archive blocks start (walkTar's endOffset),
 * followed by a fresh end; no byte before that offset is touched. To survive an interruption,
 * the first 512 bytes are written last: until then the old first end block is still a zero
 * block at endOffset, so every reader still sees the original archive.
 *
 * Concurrent writers: the whole append (read, plan, write) runs under `<target>.lock`
 * (write-lock.ts), and just before writing it re-checks that the file is the one it planned from
 * (same inode, size and mtime, a zero block still at endOffset); otherwise TARGET_CHANGED and
 * nothing is written. Every byte the append overwrites is first copied to a private undo file
 * (`<target>.lock.<token>.undo`), and the lock's journal names its digest: a failed append copies
 * them back and truncates to the old size (the file is byte-identical), and an append whose
 * process died is undone the same way by the next writer that finds its lock stale, if the
 * journal is provably this user's (otherwise FOREIGN_STATE, nothing touched). After writing, the
 * members are read back before success is reported (TARGET_CHANGED when another writer undid them).
 *
 * Bytes after the end blocks that are not zero are refused (TRAILING_BYTES) unless the caller
 * asks to drop them: they are someone's data, or an earlier write's remains, and uploaded with
 * the file. A directory: the new files are created, never overwritten.
 */
import { createHash } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import { lstat, mkdir, open, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ParsedMembers } from '../artifact/json-member.js';
import { readArtifact } from '../artifact/reader.js';
import { TarStore } from '../artifact/tar-store.js';
import { bodySize, type MemberInput } from '../artifact/member-input.js';
import type { AppendPlanner } from '../append/checked.js';
import { checkWritableName, writeTar } from '../build/tar-writer.js';
import { ArtifactError, FnnxError, SourceError, UsageError, throwIfAborted } from '../errors.js';
import { BLOCK, isZeroBlock } from '../tar/header.js';
import { fileIndexOf } from '../tar/file-index.js';
import { firstNonZeroAfter } from '../tar/trailing.js';
import { walkTar } from '../tar/walk.js';
import { DirStore } from './dir-store.js';
import { FileSource } from './file-source.js';
import { ioError, linkRefused } from './io-error.js';
import { writeFully } from './file-sink.js';
import { NOFOLLOW, openNoFollow } from './no-follow.js';
import { OWN_FILE_FLAGS, kindOf, notOurs } from './output-file.js';
import { WriteLock, untrustedJournal, type LockRecord } from './write-lock.js';

export interface AppendResult {
  target: string;
  /** Names of the members appended, in order. */
  members: string[];
  /** Where the first new member starts (tar files only). */
  appendedAt?: number;
  /** The file's size afterwards (tar files only). */
  size?: number;
}

export interface AppendOptions {
  /**
   * Overwrite (and so drop) non-zero bytes after the archive's end blocks instead of refusing
   * with TRAILING_BYTES. A failed append still puts them back.
   */
  dropTrailing?: boolean;
  /** How long to wait for another writer's lock before failing with LOCKED. Default 10 s. */
  lockWaitMs?: number;
  /**
   * Checked while reading and between written chunks, up to the commit point (the head block):
   * an aborted append puts the file back as it was, releases the lock and throws ABORTED.
   */
  signal?: AbortSignal;
}

export async function appendToArtifact(target: string, plan: AppendPlanner, options: AppendOptions = {}): Promise<AppendResult> {
  throwIfAborted(options.signal);
  const st = await lstat(target).catch((e: unknown) => {
    throw ioError(e, target);
  });
  const lock = await WriteLock.acquire(target, {
    waitMs: options.lockWaitMs,
    onStale: (dead, lockPath) => undoDeadAppend(target, dead, lockPath),
  });
  try {
    return st.isDirectory() ? await appendToDirectory(target, plan, options.signal) : await appendToTar(target, plan, options, lock);
  } finally {
    await lock.release();
  }
}

/**
 * Where a tar append writes, as recorded in the lock for whoever must undo it. The bytes it
 * overwrites are all in the undo file (`<lock>.<token>.undo`, private) before the first write,
 * and the journal names their digest: a recovery uses exactly those bytes, or none.
 */
interface AppendJournal {
  at: number;
  originalSize: number;
  /** The target's inode (a string: inode numbers pass 2^53), so a recovery acts on no other file. */
  ino: string;
  /** SHA-256 of the lock's token followed by the undo file's bytes. */
  undoSha256: string;
}

async function appendToTar(path: string, plan: AppendPlanner, options: AppendOptions, lock: WriteLock): Promise<AppendResult> {
  const handle = await openNoFollow(path, NOFOLLOW.update | constants.O_NONBLOCK);
  try {
    const planned = await handle.stat();
    if (!planned.isFile())
      throw new SourceError(
        'NOT_A_FILE',
        `${path} is ${kindOf(planned)}, not a regular file: an append changes only a tar file; nothing was written`,
      );
    const { members, endOffset } = await planAppend(path, plan, options);
    await recheck(path, handle, planned, endOffset);
    const undo = await UndoFile.saveAll(undoPathOf(lock.path, lock.token), handle, endOffset, planned.size, lock.token);
    const ino = String((await handle.stat({ bigint: true })).ino);
    await lock.journal({ at: endOffset, originalSize: planned.size, ino, undoSha256: undo.sha256 } satisfies AppendJournal);
    const { end, first } = await writeTail(handle, members, undo, options.signal);
    await readBack(path, handle, members, endOffset, end, first);
    return { target: path, members: members.map((m) => m.name), appendedAt: endOffset, size: end };
  } finally {
    await handle.close();
  }
}

function undoPathOf(lockPath: string, token: string): string {
  return `${lockPath}.${token}.undo`;
}

async function planAppend(
  path: string,
  plan: AppendPlanner,
  options: AppendOptions,
): Promise<{ members: MemberInput[]; endOffset: number }> {
  const source = await FileSource.open(path, { noFollow: true });
  try {
    const walk = await walkTar(source, { signal: options.signal }).catch(refuseCompressed(path));
    if (!options.dropTrailing) await refuseTrailing(source, walk.endOffset);
    const index = fileIndexOf(walk.entries);
    const store = new TarStore(source, { index });
    const parsed = new ParsedMembers();
    const contents = await readArtifact(store, { signal: options.signal, parsed });
    const members = await plan(store, contents, parsed);
    throwIfAborted(options.signal);
    refuseExisting(members, index);
    return { members, endOffset: walk.endOffset };
  } finally {
    await source.close();
  }
}

async function refuseTrailing(source: FileSource, endOffset: number): Promise<void> {
  const at = await firstNonZeroAfter(source, endOffset);
  if (at === undefined) return;
  throw new ArtifactError(
    'TRAILING_BYTES',
    `${source.label} has non-zero bytes after the end of the archive (from offset ${at}; the archive ends at ${endOffset}): an append would overwrite them; nothing was written`,
    {
      hint: 'tar readers ignore them but the registry uploads and hashes them; look at them, then append with --drop-trailing (dropTrailing: true) to drop them',
    },
  );
}

/**
 * Under the lock, just before writing: the path still names the file we planned from, unchanged
 * (a writer that ignores the lock, or a file renamed into place, fails here, not silently).
 */
async function recheck(path: string, handle: FileHandle, planned: Stats, at: number): Promise<void> {
  const [now, named] = await Promise.all([handle.stat(), lstat(path).catch(() => undefined)]);
  const same = (a: Stats | undefined) =>
    a !== undefined && a.dev === planned.dev && a.ino === planned.ino && a.size === planned.size && a.mtimeMs === planned.mtimeMs;
  let endIsZero = true;
  if (at + BLOCK <= now.size) {
    const block = new Uint8Array(BLOCK);
    await handle.read(block, 0, BLOCK, at);
    endIsZero = isZeroBlock(block);
  }
  if (!same(now) || !same(named) || !endIsZero) {
    throw new FnnxError(
      'TARGET_CHANGED',
      'io',
      `${path} changed while the append was being planned (another writer?); nothing was written`,
      {
        hint: 'run the command again',
      },
    );
  }
}

/**
 * How much of what an append wrote, from its start, is kept to compare after writing: a writer
 * that ignores the lock appends at the end it saw, the old end, so its bytes land here first.
 */
const READ_BACK_BYTES = 64 << 10;

/**
 * Writes members + end blocks at the undo file's offset, head block last; on failure the saved
 * bytes go back. Returns the new end and a copy of the first bytes written (for readBack).
 */
async function writeTail(
  handle: FileHandle,
  members: MemberInput[],
  undo: UndoFile,
  signal: AbortSignal | undefined,
): Promise<{ end: number; first: Uint8Array }> {
  const { at } = undo;
  const first = new Uint8Array(READ_BACK_BYTES);
  let kept = 0;
  let pos = at;
  try {
    await writeTar(members, async (chunk) => {
      throwIfAborted(signal);
      if (kept < READ_BACK_BYTES) {
        const take = Math.min(READ_BACK_BYTES - kept, chunk.length);
        first.set(chunk.subarray(0, take), kept);
        kept += take;
      }
      // The head block (the commit point) waits in `first` until everything after it is written.
      const skip = Math.max(0, Math.min(at + BLOCK - pos, chunk.length));
      pos += skip;
      chunk = chunk.subarray(skip);
      if (chunk.length === 0) return;
      await writeFully(handle, chunk, pos);
      pos += chunk.length;
    });
    await handle.sync();
    // The last moment to give up: after the head block the append has happened.
    throwIfAborted(signal);
    await writeFully(handle, first.subarray(0, BLOCK), at);
    await handle.sync();
    // Cut only our own dropped tail: bytes past both ends are another writer's (readBack reports them).
    const size = (await handle.stat()).size;
    if (size > pos && size <= undo.originalSize) {
      await handle.truncate(pos);
      await handle.sync();
    }
    await undo.discard();
    return { end: pos, first: first.subarray(0, kept) };
  } catch (e) {
    await undo.restore().catch(() => undefined);
    throw e;
  }
}

/**
 * The bytes from `at` to the old end of the file, which an append overwrites: saved whole (and
 * synced) before the first write, so a failed or killed append can put the file back exactly.
 */
class UndoFile {
  private constructor(
    private readonly path: string,
    private readonly undo: FileHandle,
    private readonly target: FileHandle,
    readonly at: number,
    readonly originalSize: number,
    readonly sha256: string,
  ) {}

  static async saveAll(path: string, target: FileHandle, at: number, originalSize: number, token: string): Promise<UndoFile> {
    const undo = await openNoFollow(path, NOFOLLOW.scratch, 0o600);
    try {
      const hash = createHash('sha256').update(token);
      for (let saved = 0; saved < originalSize - at;) {
        const piece = new Uint8Array(Math.min(UNDO_PIECE, originalSize - at - saved));
        const { bytesRead } = await target.read(piece, 0, piece.length, at + saved);
        if (bytesRead !== piece.length) throw new Error(`short read at ${at + saved}`);
        await writeFully(undo, piece, saved);
        hash.update(piece);
        saved += piece.length;
      }
      await undo.sync();
      return new UndoFile(path, undo, target, at, originalSize, hash.digest('hex'));
    } catch (e) {
      await undo.close().catch(() => undefined);
      await unlink(path).catch(() => undefined);
      throw e;
    }
  }

  async restore(): Promise<void> {
    await copyBack(this.undo, this.originalSize - this.at, this.target, this.at, this.originalSize);
    await this.discard();
  }

  async discard(): Promise<void> {
    await this.undo.close().catch(() => undefined);
    await unlink(this.path).catch(() => undefined);
  }
}

const UNDO_PIECE = 1 << 20;

/** Writes the undo file's first `length` bytes back at `at` and truncates to the old size. */
async function copyBack(undo: FileHandle, length: number, target: FileHandle, at: number, originalSize: number): Promise<void> {
  const piece = new Uint8Array(Math.min(UNDO_PIECE, Math.max(length, 1)));
  for (let done = 0; done < length;) {
    const { bytesRead } = await undo.read(piece, 0, Math.min(piece.length, length - done), done);
    if (bytesRead === 0) break;
    await writeFully(target, piece.subarray(0, bytesRead), at + done);
    done += bytesRead;
  }
  await target.truncate(originalSize);
  await target.sync();
}

/**
 * After the append, before saying done: the file at `path` is still the one written, its first
 * bytes from `at` are the ones written, and walking it shows exactly the members written, from
 * `at`, then zeros to the end `end`. A writer that
 * ignores the lock (Python's tarfile in append mode) and wrote over or after them is caught here:
 * TARGET_CHANGED, and nothing is claimed.
 */
async function readBack(
  path: string,
  handle: FileHandle,
  members: MemberInput[],
  at: number,
  end: number,
  first: Uint8Array,
): Promise<void> {
  const [mine, named] = await Promise.all([handle.stat(), lstat(path).catch(() => undefined)]);
  const onDisk = new Uint8Array(first.length);
  await handle.read(onDisk, 0, first.length, at);
  let why: string | undefined;
  if (named === undefined || named.ino !== mine.ino || named.dev !== mine.dev) why = 'the file at its name was replaced';
  else if (mine.size !== end) why = `its size is ${mine.size}, not the ${end} bytes written`;
  else if (!Buffer.from(onDisk.buffer, onDisk.byteOffset, onDisk.length).equals(first))
    why = 'the bytes written at the old end are not there';
  else {
    const source = await FileSource.open(path, { noFollow: true });
    try {
      const walk = await walkTar(source).catch(() => undefined);
      const ours = walk?.entries.filter((e) => e.headerOffset >= at);
      if (walk === undefined || ours === undefined) why = 'it no longer reads as a tar';
      else if (
        ours.length !== members.length ||
        ours.some((e, i) => e.name !== members[i]!.name || e.size !== bodySize(members[i]!.body)) ||
        ours[0]?.headerOffset !== at
      )
        why = 'its members after the old end are not the ones written';
      else if ((await firstNonZeroAfter(source, walk.endOffset)) !== undefined) why = 'bytes follow the new end of the archive';
    } finally {
      await source.close();
    }
  }
  if (why === undefined) return;
  throw new ArtifactError(
    'TARGET_CHANGED',
    `${path} changed while the append was being written (${why}): another writer that ignores the lock? The append cannot be said to have happened`,
    {
      hint: 'look at the file (fnnx-kit describe), then run the command again',
    },
  );
}

/**
 * A lock left by an append whose process died: if it never wrote its head block (the commit
 * point), its bytes are dead weight after the end blocks; put back what it overwrote. The lock is
 * input from the disk: its journal is acted on only when bound to the lock's token, about this
 * very file, and backed by a private undo file of this user's whose digest it names.
 */
async function undoDeadAppend(target: string, dead: LockRecord, lockPath: string): Promise<void> {
  if (dead.journal === undefined) return;
  const j = dead.journal as Partial<AppendJournal> & { token?: unknown };
  const refuse = (why: string) => untrustedJournal(target, why);
  const offset = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
  if (
    j.token !== dead.token ||
    !offset(j.at) ||
    !offset(j.originalSize) ||
    j.at > j.originalSize ||
    j.at % BLOCK !== 0 ||
    typeof j.ino !== 'string' ||
    typeof j.undoSha256 !== 'string' ||
    !/^[0-9a-f]{64}$/.test(j.undoSha256)
  )
    throw refuse('is not one fnnx-kit writes');
  const { at, originalSize } = j;
  const handle = await openNoFollow(target, NOFOLLOW.update | constants.O_NONBLOCK);
  try {
    const st = await handle.stat({ bigint: true });
    if (!st.isFile() || String(st.ino) !== j.ino) throw refuse('is about another file than the one at this name');
    const block = new Uint8Array(BLOCK);
    const { bytesRead } = await handle.read(block, 0, BLOCK, at);
    // Committed (the head block is in place): the append finished; there is nothing to undo.
    if (bytesRead === BLOCK && !isZeroBlock(block)) return;
    const undoPath = undoPathOf(lockPath, dead.token);
    const undo = await open(undoPath, OWN_FILE_FLAGS.read).catch(() => undefined);
    if (undo === undefined) throw refuse('names undo bytes that are not there');
    try {
      const why = notOurs(await undo.stat());
      if (why !== undefined) throw refuse(`names an undo file that ${why}`);
      if ((await undo.stat()).size !== originalSize - at || (await digestOf(undo, dead.token)) !== j.undoSha256)
        throw refuse('names undo bytes that do not match their digest');
      await copyBack(undo, originalSize - at, handle, at, originalSize);
    } finally {
      await undo.close();
    }
  } finally {
    await handle.close();
  }
}

async function digestOf(file: FileHandle, token: string): Promise<string> {
  const hash = createHash('sha256').update(token);
  const piece = new Uint8Array(UNDO_PIECE);
  for (let at = 0; ;) {
    const { bytesRead } = await file.read(piece, 0, piece.length, at);
    if (bytesRead === 0) break;
    hash.update(piece.subarray(0, bytesRead));
    at += bytesRead;
  }
  return hash.digest('hex');
}

function refuseCompressed(path: string): (e: unknown) => never {
  return (e) => {
    if (e instanceof FnnxError && e.code === 'COMPRESSED') {
      throw new ArtifactError(
        'COMPRESSED',
        `${path} is compressed: refusing to append (a compressed archive cannot be extended in place)`,
        {
          hint: `${e.hint ?? 'decompress it'}; then append to the plain tar and upload that`,
        },
      );
    }
    throw e;
  };
}

/** A new member never replaces an old one by accident (ids and hex names are fresh; a clash is a mistake). */
function refuseExisting(members: MemberInput[], index: Record<string, unknown>): void {
  for (const m of members) {
    if (Object.hasOwn(index, m.name))
      throw new UsageError('MEMBER_EXISTS', 'the artifact already has a member of this name', { member: m.name });
  }
}

async function appendToDirectory(root: string, plan: AppendPlanner, signal: AbortSignal | undefined): Promise<AppendResult> {
  const store = new DirStore(root);
  const parsed = new ParsedMembers();
  const members = await plan(store, await readArtifact(store, { signal, parsed }), parsed);
  refuseExisting(members, await store.fileIndex());
  // Every name is checked before the first file is made: a refusal leaves no trace.
  for (const m of members) {
    checkWritableName(m.name);
    await refuseLinksOnTheWay(root, m.name);
  }
  const created: string[] = [];
  try {
    for (const m of members) {
      throwIfAborted(signal);
      const path = join(root, m.name);
      await mkdir(dirname(path), { recursive: true });
      const handle = await openNoFollow(path, NOFOLLOW.create);
      created.push(path);
      try {
        let pos = 0;
        const chunks = m.body instanceof Uint8Array ? [m.body] : m.body.open();
        for await (const chunk of chunks) {
          throwIfAborted(signal);
          await writeFully(handle, chunk, pos);
          pos += chunk.length;
        }
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
  } catch (e) {
    // A failed append of the directory form takes back the files it made (not the folders).
    await Promise.all(created.map((p) => unlink(p).catch(() => undefined)));
    throw e;
  }
  return { target: root, members: members.map((m) => m.name) };
}

/** A folder of the directory form that is a symbolic link would take the new file elsewhere: refused. */
async function refuseLinksOnTheWay(root: string, name: string): Promise<void> {
  const segments = name.split('/');
  for (let i = 1; i < segments.length; i++) {
    const dir = join(root, ...segments.slice(0, i));
    const st = await lstat(dir).catch(() => undefined);
    if (st === undefined) return;
    if (st.isSymbolicLink()) throw linkRefused(dir);
  }
}
