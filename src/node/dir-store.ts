import { constants, existsSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import type { FileIndex } from '../tar/entry.js';
import { rangeIn } from '../tar/file-index.js';
import type { MemberInfo, MemberStore } from '../artifact/member-store.js';
import { LimitError, SourceError, UsageError } from '../errors.js';
import { readChunks } from '../source/chunks.js';
import type { MemberRange } from '../validate/context.js';
import { FileSource } from './file-source.js';
import { ioError } from './io-error.js';
import { closeAsync, fstatAsync, lstatAsync, openAsync, readdirTypedAsync } from './fs-async.js';
import type { Identity } from './open-checked.js';

export interface DirWalkOptions {
  /** Paths left out of the listing; a folder left out is not entered (pack's excludes: excludeFilter). */
  skip?: (path: string, isDirectory: boolean) => boolean;
  /**
   * Most regular files listed: the walk stops with LIMIT_EXCEEDED (`maxMembers`) at the first file
   * over it, before any file is read, rather than listing a million files for nothing.
   */
  maxFiles?: number;
}

/**
 * The directory form of an artifact. Members are the regular files under the root, named by
 * their `/`-separated relative paths; symbolic links are listed but never followed. Every file is
 * read as the one the listing saw (openChecked): a link or another file swapped in since is
 * refused (SOURCE_CHANGED), never read.
 */
export class DirStore implements MemberStore {
  private listing?: Promise<MemberInfo[]>;
  private index?: Promise<FileIndex>;
  private readonly seen = new Map<string, Identity>();

  constructor(
    readonly root: string,
    private readonly walk: DirWalkOptions = {},
  ) {}

  get label(): string {
    return this.root;
  }

  members(): Promise<MemberInfo[]> {
    this.listing ??= listDir(this.root, this.walk, this.seen);
    return this.listing;
  }

  /** A directory has no tar offsets: the index gives each file's size with offset 0. */
  fileIndex(): Promise<FileIndex> {
    this.index ??= this.members().then((members) => {
      const index: FileIndex = Object.create(null) as FileIndex;
      for (const m of members) if (m.kind === 'file') index[m.name] = [0, m.size];
      return index;
    });
    return this.index;
  }

  /** By the index, not a scan of the listing: readers ask once per sidecar. */
  async sizeOf(name: string): Promise<number | undefined> {
    return rangeIn(await this.fileIndex(), name)?.[1];
  }

  /** What the listing saw of a regular file: the identity every read of it is checked against. */
  async identity(name: string): Promise<Identity | undefined> {
    await this.members();
    return this.seen.get(name);
  }

  /** Each member is read from its own file into a fresh buffer (FileSource). */
  readonly handsOverReads = true;

  async read(name: string): Promise<Uint8Array> {
    const file = await this.open(name);
    try {
      return await file.read(0, file.byteLength);
    } finally {
      await file.close();
    }
  }

  async *stream(name: string, options: { chunkSize?: number } = {}): AsyncIterable<Uint8Array> {
    const file = await this.open(name);
    try {
      yield* readChunks(file, 0, file.byteLength, { chunkSize: options.chunkSize ?? 1 << 20 });
    } finally {
      await file.close();
    }
  }

  /** A member by range from its own file (the directory form has no offsets): the ONNX reader's way in. */
  readonly memberRange = async (name: string): Promise<MemberRange | undefined> => {
    if ((await this.sizeOf(name)) === undefined) return undefined;
    const file = await this.open(name);
    return { source: file, offset: 0, size: file.byteLength, close: () => file.close() };
  };

  private async open(name: string): Promise<FileSource> {
    await this.require(name);
    return FileSource.openChecked(join(this.root, name), { seen: this.seen.get(name) });
  }

  async close(): Promise<void> {}

  private async require(name: string): Promise<void> {
    if ((await this.sizeOf(name)) === undefined) {
      throw new UsageError('NO_SUCH_MEMBER', `no regular file named "${name}" in ${this.root}`, { member: name });
    }
  }
}

/** Linux resolves /proc/self/fd/<fd>/<name> from the open folder: a folder swapped for a link cannot redirect the walk. */
const PROC_FD = process.platform === 'linux' && existsSync('/proc/self/fd');
const { O_RDONLY, O_DIRECTORY, O_NOFOLLOW, O_NONBLOCK } = constants;

/**
 * Lists the tree depth-first, each folder before its contents, names sorted. Each folder is opened
 * (O_NOFOLLOW below the root) and checked to be the one lstat saw, and its entries are named from
 * the open folder, so every identity recorded is of a file really under the root.
 */
async function listDir(root: string, options: DirWalkOptions, seen: Map<string, Identity>): Promise<MemberInfo[]> {
  const out: MemberInfo[] = [];
  const state = { files: 0 };
  const rootFd = PROC_FD
    ? await openAsync(root, O_RDONLY | O_DIRECTORY | O_NONBLOCK).catch((e: unknown) => Promise.reject(ioError(e, root)))
    : undefined;
  try {
    await listInto(out, { root, options, seen, state }, rootFd, '');
  } finally {
    if (rootFd !== undefined) await closeAsync(rootFd);
  }
  return out;
}

interface Walk {
  root: string;
  options: DirWalkOptions;
  seen: Map<string, Identity>;
  state: { files: number };
}

async function listInto(out: MemberInfo[], walk: Walk, fd: number | undefined, prefix: string): Promise<void> {
  const here = (name: string) => (fd === undefined ? join(walk.root, prefix, name) : `/proc/self/fd/${fd}/${name}`);
  const folder = fd === undefined ? join(walk.root, prefix) : `/proc/self/fd/${fd}`;
  const entries = await readdirTypedAsync(folder).catch((e: unknown) => Promise.reject(ioError(e, join(walk.root, prefix))));
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const relOf = (name: string) => (prefix ? `${prefix}/${name}` : name);
  // The folder's own record of its entries' types counts its files before a single lstat: a
  // folder of a million files is refused at once, not after a million system calls.
  let files = 0;
  for (const d of entries) if (d.isFile() && !walk.options.skip?.(relOf(d.name), false)) files++;
  if (walk.state.files + files > (walk.options.maxFiles ?? Infinity)) tooManyFiles(walk);
  for (const { name: n } of entries) {
    const rel = relOf(n);
    const st = await lstatAsync(here(n)).catch((e: unknown) => Promise.reject(ioError(e, join(walk.root, rel))));
    if (walk.options.skip?.(rel, st.isDirectory())) continue;
    if (st.isDirectory()) {
      out.push({ name: rel, size: 0, kind: 'directory' });
      const sub = fd === undefined ? undefined : await openFolder(here(n), st, join(walk.root, rel));
      try {
        await listInto(out, walk, sub, rel);
      } finally {
        if (sub !== undefined) await closeAsync(sub);
      }
    } else if (st.isFile()) {
      // Counted again by lstat: a file system without d_type, or a name that became a file since.
      if (++walk.state.files > (walk.options.maxFiles ?? Infinity)) tooManyFiles(walk);
      walk.seen.set(rel, { dev: st.dev, ino: st.ino, size: st.size });
      out.push({ name: rel, size: st.size, kind: 'file' });
    } else out.push({ name: rel, size: 0, kind: kindName(st) });
  }
}

function tooManyFiles(walk: Walk): never {
  const max = walk.options.maxFiles!;
  throw new LimitError('maxMembers', `${walk.root} holds more than ${max} files, over the limit of ${max} members; nothing was written`, {
    hint: 'leave out what the artifact does not need (--exclude), or raise the limit if the folder is trusted: --limit maxMembers=<n>',
  });
}

async function openFolder(path: string, st: Stats, shown: string): Promise<number> {
  const fd = await openAsync(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NONBLOCK).catch((e: unknown) => {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ELOOP' || code === 'ENOTDIR') throw folderChanged(shown);
    throw ioError(e, shown);
  });
  const now = await fstatAsync(fd);
  if (now.dev !== st.dev || now.ino !== st.ino) {
    await closeAsync(fd);
    throw folderChanged(shown);
  }
  return fd;
}

function folderChanged(shown: string): SourceError {
  return new SourceError(
    'SOURCE_CHANGED',
    `${shown} was replaced while its folder was being listed (by a link or another folder); nothing was written`,
    {
      hint: 'let whatever changes the folder finish, then run the command again',
    },
  );
}

function kindName(st: Stats): MemberInfo['kind'] {
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isFIFO()) return 'fifo';
  if (st.isCharacterDevice()) return 'chardev';
  if (st.isBlockDevice()) return 'blockdev';
  return 'other';
}
