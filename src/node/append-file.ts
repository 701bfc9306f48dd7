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
 * nothing is written. Every byte the append overwrites is first copied to `<target>.lock.undo`:
 * a failed append copies them back and truncates to the old size (the file is byte-identical),
 * and an append whose process died is undone the same way by the next writer that finds its
 * lock stale (the lock's journal says where it wrote).
 *
 * Bytes after the end blocks that are not zero are refused (TRAILING_BYTES) unless the caller
 * asks to drop them: they are someone's data, or an earlier write's remains, and uploaded with
 * the file. A directory: the new files are created, never overwritten.
 */
import { lstat, mkdir, unlink, type FileHandle } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { dirname, join } from 'node:path';
import { readArtifact, type ArtifactContents } from '../artifact/reader.js';
import type { MemberStore } from '../artifact/member-store.js';
import { TarStore } from '../artifact/tar-store.js';
import type { MemberInput } from '../build/member-input.js';
import { checkWritableName, writeTar } from '../build/tar-writer.js';
import { ArtifactError, FnnxError, SourceError, UsageError } from '../errors.js';
import { BLOCK, isZeroBlock } from '../tar/header.js';
import { fileIndexOf } from '../tar/file-index.js';
import { firstNonZeroAfter } from '../tar/trailing.js';
import { walkTar } from '../tar/walk.js';
import { DirStore } from './dir-store.js';
import { FileSource, ioError, linkRefused } from './file-source.js';
import { writeFully } from './file-sink.js';
import { NOFOLLOW, openNoFollow } from './no-follow.js';
import { WriteLock, type LockRecord } from './write-lock.js';

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
}

/** Decides what to append once the artifact has been read (and may refuse, before any write). */
export type AppendPlanner = (store: MemberStore, contents: ArtifactContents) => Promise<MemberInput[]>;

export async function appendToArtifact(target: string, plan: AppendPlanner, options: AppendOptions = {}): Promise<AppendResult> {
  const st = await lstat(target).catch((e: unknown) => {
    throw ioError(e, target);
  });
  const lock = await WriteLock.acquire(target, { waitMs: options.lockWaitMs, onStale: (dead) => undoDeadAppend(target, dead) });
  try {
    return st.isDirectory() ? await appendToDirectory(target, plan) : await appendToTar(target, plan, options, lock);
  } finally {
    await lock.release();
  }
}

/** Where a tar append writes, as recorded in the lock for whoever must undo it. */
interface AppendJournal {
  at: number;
  originalSize: number;
  undo: string;
}

async function appendToTar(path: string, plan: AppendPlanner, options: AppendOptions, lock: WriteLock): Promise<AppendResult> {
  const handle = await openNoFollow(path, NOFOLLOW.update);
  try {
    const planned = await handle.stat();
    if (!planned.isFile()) throw new SourceError('NOT_A_FILE', `${path} is not a regular file`);
    const { members, endOffset } = await planAppend(path, plan, options);
    await recheck(path, handle, planned, endOffset);
    const journal: AppendJournal = { at: endOffset, originalSize: planned.size, undo: `${lock.path}.undo` };
    await lock.journal({ ...journal });
    const end = await writeTail(handle, members, journal);
    return { target: path, members: members.map((m) => m.name), appendedAt: endOffset, size: end };
  } finally {
    await handle.close();
  }
}

async function planAppend(
  path: string,
  plan: AppendPlanner,
  options: AppendOptions,
): Promise<{ members: MemberInput[]; endOffset: number }> {
  const source = await FileSource.open(path, { noFollow: true });
  try {
    const walk = await walkTar(source).catch(refuseCompressed(path));
    if (!options.dropTrailing) await refuseTrailing(source, walk.endOffset);
    const index = fileIndexOf(walk.entries);
    const store = new TarStore(source, { index });
    const members = await plan(store, await readArtifact(store));
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
 * Writes members + end blocks at `journal.at`, head block last. Every byte it is about to
 * overwrite is copied to the undo file first; on failure they are copied back.
 */
async function writeTail(handle: FileHandle, members: MemberInput[], journal: AppendJournal): Promise<number> {
  const { at } = journal;
  const undo = await UndoFile.create(journal.undo, handle, journal);
  const head = new Uint8Array(BLOCK);
  let headFill = 0;
  let pos = at;
  try {
    await writeTar(members, async (chunk) => {
      if (headFill < BLOCK) {
        const take = Math.min(BLOCK - headFill, chunk.length);
        head.set(chunk.subarray(0, take), headFill);
        headFill += take;
        pos += take;
        chunk = chunk.subarray(take);
      }
      if (chunk.length === 0) return;
      await undo.save(pos + chunk.length);
      await writeFully(handle, chunk, pos);
      pos += chunk.length;
    });
    await handle.sync();
    await undo.save(at + BLOCK);
    await writeFully(handle, head, at);
    await handle.sync();
    await handle.truncate(pos);
    await handle.sync();
    await undo.discard();
    return pos;
  } catch (e) {
    await undo.restore().catch(() => undefined);
    throw e;
  }
}

/**
 * `<target>.lock.undo`: the bytes from `at` that an append overwrites, saved just before it does,
 * so a failed or killed append can put the file back exactly.
 */
class UndoFile {
  private saved = 0;

  private constructor(
    private readonly path: string,
    private readonly undo: FileHandle,
    private readonly target: FileHandle,
    private readonly journal: AppendJournal,
  ) {}

  static async create(path: string, target: FileHandle, journal: AppendJournal): Promise<UndoFile> {
    await unlink(path).catch(() => undefined);
    return new UndoFile(path, await openNoFollow(path, NOFOLLOW.scratch, 0o600), target, journal);
  }

  /** Copies the original bytes up to offset `upTo` (those before the old end of file) aside. */
  async save(upTo: number): Promise<void> {
    const { at, originalSize } = this.journal;
    const until = Math.min(upTo, originalSize) - at;
    while (this.saved < until) {
      const piece = new Uint8Array(Math.min(UNDO_PIECE, until - this.saved));
      const { bytesRead } = await this.target.read(piece, 0, piece.length, at + this.saved);
      if (bytesRead !== piece.length) throw new Error(`short read at ${at + this.saved}`);
      await writeFully(this.undo, piece, this.saved);
      this.saved += piece.length;
    }
  }

  async restore(): Promise<void> {
    await copyBack(this.undo, this.saved, this.target, this.journal);
    await this.discard();
  }

  async discard(): Promise<void> {
    await this.undo.close().catch(() => undefined);
    await unlink(this.path).catch(() => undefined);
  }
}

const UNDO_PIECE = 1 << 20;

/** Writes the undo file's first `length` bytes back at `at` and truncates to the old size. */
async function copyBack(undo: FileHandle, length: number, target: FileHandle, journal: AppendJournal): Promise<void> {
  const piece = new Uint8Array(Math.min(UNDO_PIECE, Math.max(length, 1)));
  for (let done = 0; done < length;) {
    const { bytesRead } = await undo.read(piece, 0, Math.min(piece.length, length - done), done);
    if (bytesRead === 0) break;
    await writeFully(target, piece.subarray(0, bytesRead), journal.at + done);
    done += bytesRead;
  }
  await target.truncate(journal.originalSize);
  await target.sync();
}

/**
 * A lock left by an append whose process died: if it never wrote its head block (the commit
 * point), its bytes are dead weight after the end blocks; put back what it overwrote.
 */
async function undoDeadAppend(target: string, dead: LockRecord): Promise<void> {
  const j = dead.journal as Partial<AppendJournal> | undefined;
  if (!j || typeof j.at !== 'number' || typeof j.originalSize !== 'number' || typeof j.undo !== 'string') return;
  const journal = j as AppendJournal;
  const handle = await openNoFollow(target, NOFOLLOW.update);
  try {
    const block = new Uint8Array(BLOCK);
    const { bytesRead } = await handle.read(block, 0, BLOCK, journal.at);
    const committed = bytesRead === BLOCK && !isZeroBlock(block);
    if (!committed) {
      const undo = await openNoFollow(journal.undo, NOFOLLOW.read).catch(() => undefined);
      try {
        const saved = undo ? (await undo.stat()).size : 0;
        if (undo) await copyBack(undo, saved, handle, journal);
        else await handle.truncate(journal.originalSize);
      } finally {
        await undo?.close();
      }
    }
  } finally {
    await handle.close();
  }
  await unlink(journal.undo).catch(() => undefined);
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

async function appendToDirectory(root: string, plan: AppendPlanner): Promise<AppendResult> {
  const store = new DirStore(root);
  const members = await plan(store, await readArtifact(store));
  refuseExisting(members, await store.fileIndex());
  // Every name is checked before the first file is made: a refusal leaves no trace.
  for (const m of members) {
    checkWritableName(m.name);
    await refuseLinksOnTheWay(root, m.name);
  }
  const created: string[] = [];
  try {
    for (const m of members) {
      const path = join(root, m.name);
      await mkdir(dirname(path), { recursive: true });
      const handle = await openNoFollow(path, NOFOLLOW.create);
      created.push(path);
      try {
        let pos = 0;
        const chunks = m.body instanceof Uint8Array ? [m.body] : m.body.open();
        for await (const chunk of chunks) {
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
