/**
 * Safe extraction of a tar artifact into a directory (the directory form). The archive is a
 * stranger's: a member is written only if its name is a safe relative path, it is a regular file
 * or a directory, and every directory on its way already is (or is made) a real directory in the
 * target. Links in the archive are refused, links already in the target are never followed, and
 * a file is written to a fresh temporary name and renamed into place, so an existing symbolic or
 * hard link at the destination is replaced, never written through.
 */
import { constants, existsSync } from 'node:fs';
import { lstat, mkdir, open, realpath, rename, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { ByteSource } from '../source/byte-source.js';
import { readChunks } from '../source/chunks.js';
import type { ErrorCode } from '../codes.js';
import { ArtifactError, FnnxError, LimitError, SourceError, UsageError, throwIfAborted } from '../errors.js';
import type { TarEntry } from '../tar/entry.js';
import type { TarLimits } from '../tar/limits.js';
import { walkTar } from '../tar/walk.js';
import { checkMemberPath, memberSegments } from '../safety/member-path.js';
import { DEFAULT_EXTRACT_LIMITS, type ExtractLimits } from './extract-limits.js';
import { ioError } from './io-error.js';
import { checkTargetNames } from './extract-names.js';
import { makeDirs } from './make-dirs.js';
import { writeFully } from './file-sink.js';

export { DEFAULT_EXTRACT_LIMITS, type ExtractLimits };

export interface ExtractOptions {
  limits?: Partial<TarLimits & ExtractLimits>;
  signal?: AbortSignal;
  /** Bytes per read while streaming a member to disk. */
  chunkSize?: number;
}

export interface ExtractResult {
  /** Regular files written, by normalised member path, in archive order. */
  files: string[];
  directories: string[];
  bytes: number;
  /** One error per member that was not written, naming it; nothing was written for these. */
  refused: FnnxError[];
}

/** Mode bits we write: never setuid/setgid/sticky, never group/other-writable. */
const FILE_MODE = 0o644;
const EXEC_MODE = 0o755;
const DIR_MODE = 0o755;

/**
 * Walks the archive (headers only; a malformed archive fails here, before anything is written),
 * then writes the last occurrence of each safe member. Refusals do not stop the others.
 */
export async function extractTar(source: ByteSource, target: string, options: ExtractOptions = {}): Promise<ExtractResult> {
  const limits = { ...DEFAULT_EXTRACT_LIMITS, ...options.limits };
  const { entries } = await walkTar(source, { limits: options.limits, signal: options.signal });
  const { winners, refused } = planMembers(entries, limits);
  const fileCount = winners.filter((w) => w.entry.kind === 'file').length;
  if (fileCount > limits.maxExtractFiles) {
    throw new LimitError(
      'maxExtractFiles',
      `archive holds ${fileCount} files to write, over the limit of ${limits.maxExtractFiles}; nothing was written`,
    );
  }
  const root = await prepareRoot(target);
  checkTargetNames(
    winners.map((w) => ({ name: w.entry.name, segments: w.segments })),
    root.path,
  );
  const result: ExtractResult = { files: [], directories: [], bytes: 0, refused };
  try {
    for (const { entry, segments } of winners) {
      throwIfAborted(options.signal);
      const path = segments.join('/');
      try {
        if (entry.kind === 'directory') {
          await closeDir(root, await ensureDirectories(root, segments, entry.name));
          result.directories.push(path);
        } else {
          const parent = await ensureDirectories(root, segments.slice(0, -1), entry.name);
          try {
            await writeMember(source, entry, parent, segments[segments.length - 1]!, options);
          } finally {
            await closeDir(root, parent);
          }
          result.files.push(path);
          result.bytes += entry.size;
        }
      } catch (e) {
        if (e instanceof RefusedHere) result.refused.push(e.error);
        else throw e;
      }
    }
  } finally {
    await root.handle?.close();
  }
  return result;
}

interface Planned {
  entry: TarEntry;
  segments: string[];
}

/**
 * Decides what to write: refuses unsafe names and kinds, and applies last-wins on the normalised
 * path (so `a/./b` and `a/b` are one member, as the file system would see them).
 */
export function planMembers(entries: readonly TarEntry[], limits: ExtractLimits): { winners: Planned[]; refused: FnnxError[] } {
  const refused: FnnxError[] = [];
  const byPath = new Map<string, { entry: TarEntry; segments: string[]; order: number }>();
  entries.forEach((entry, order) => {
    const segments = memberSegments(entry.name);
    // "./" as a directory is the target itself: nothing to do, nothing to refuse.
    if (entry.kind === 'directory' && segments.length === 0 && !entry.name.includes('\u0000') && !/^[\\/]/.test(entry.name)) return;
    const problem = nameProblem(entry, segments, limits);
    if (problem) refused.push(problem);
    else byPath.set(segments.join('/'), { entry, segments, order });
  });
  const winners: Planned[] = [];
  const sorted = [...byPath.values()].sort((a, b) => a.order - b.order);
  // Paths the archive makes links or special files: nothing may be written beneath them, even
  // though we never create the link itself (the archive meant to write elsewhere).
  const notDirectories = new Set<string>();
  for (const w of sorted) if (w.entry.kind !== 'directory' && w.entry.kind !== 'file') notDirectories.add(w.segments.join('/'));
  for (const w of sorted) {
    const problem = kindProblem(w.entry) ?? throughLink(w.entry, w.segments, notDirectories);
    if (problem) refused.push(problem);
    else winners.push({ entry: w.entry, segments: w.segments });
  }
  return { winners, refused };
}

function nameProblem(entry: TarEntry, segments: string[], limits: ExtractLimits): FnnxError | undefined {
  const member = entry.name;
  const problem = checkMemberPath(member);
  if (problem) return new ArtifactError(problem.code, `${problem.message}; not extracted`, { member, hint: REFUSED_HINT });
  // The walk keeps undecodable bytes as lone surrogates (as Python does); a file system would
  // store them as U+FFFD, so the name on disk would not be the member's name.
  if (LONE_SURROGATE.test(member)) {
    return new ArtifactError('NAME_ENCODING', 'member name is not valid UTF-8; not extracted', {
      member,
      hint: 'FNNX member names are UTF-8 paths; rename the member in a trusted copy',
    });
  }
  if (segments.length > limits.maxPathDepth) {
    return new LimitError(
      'maxPathDepth',
      `member path has ${segments.length} segments, over the limit of ${limits.maxPathDepth}; not extracted`,
      {
        member,
      },
    );
  }
  return undefined;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function kindProblem(entry: TarEntry): FnnxError | undefined {
  const member = entry.name;
  switch (entry.kind) {
    case 'file':
    case 'directory':
      return undefined;
    case 'symlink':
    case 'hardlink':
      return new ArtifactError(
        'MEMBER_LINK',
        `is a ${entry.kind === 'symlink' ? 'symbolic' : 'hard'} link (to "${entry.linkname}"); links are never extracted`,
        {
          member,
          hint: REFUSED_HINT,
        },
      );
    case 'chardev':
    case 'blockdev':
    case 'fifo':
      return new ArtifactError(
        'MEMBER_SPECIAL',
        `is a ${entry.kind === 'fifo' ? 'FIFO' : 'device node'}; special files are never extracted`,
        {
          member,
          hint: REFUSED_HINT,
        },
      );
    default:
      return new ArtifactError(
        'MEMBER_SPECIAL',
        `has tar type flag ${JSON.stringify(entry.typeflag)}, which is not a regular file or directory; not extracted`,
        {
          member,
          hint: REFUSED_HINT,
        },
      );
  }
}

function throughLink(entry: TarEntry, segments: string[], notDirectories: Set<string>): FnnxError | undefined {
  for (let i = 1; i < segments.length; i++) {
    const prefix = segments.slice(0, i).join('/');
    if (notDirectories.has(prefix)) {
      return new ArtifactError(
        'LINK_IN_PATH',
        `its path goes through "${prefix}", which the archive makes a link or special file; not extracted`,
        {
          member: entry.name,
          hint: REFUSED_HINT,
        },
      );
    }
  }
  return undefined;
}

const REFUSED_HINT = 'FNNX artifacts hold only regular files and directories at relative paths; the other members were extracted';

/** A member-level refusal raised deep in the file-system walk, caught per member. */
class RefusedHere extends Error {
  constructor(readonly error: FnnxError) {
    super(error.message);
  }
}

function refuse(code: ErrorCode, message: string, member: string): never {
  throw new RefusedHere(new ArtifactError(code, message, { member, hint: REFUSED_HINT }));
}

/**
 * A directory we hold open, and how to name something in it. On Linux the name goes through
 * /proc/self/fd/<fd>/<name>, which the kernel resolves from the open directory itself: renaming
 * or swapping any directory on the way (for a link, by another process) cannot redirect it, so
 * every name is resolved one segment below a directory we hold. Elsewhere (no /proc) the name is
 * the plain path, checked with lstat before use; see docs/cli.md, Limits.
 */
interface Dir {
  /** For messages: the path the directory had when we opened it. */
  path: string;
  handle?: FileHandle;
}

const PROC_FD = process.platform === 'linux' && existsSync('/proc/self/fd');

function at(dir: Dir, name: string): string {
  return dir.handle ? `/proc/self/fd/${dir.handle.fd}/${name}` : join(dir.path, name);
}

async function closeDir(root: Dir, dir: Dir): Promise<void> {
  if (dir !== root) await dir.handle?.close();
}

/** Opens a directory without following a link at its last segment (ELOOP / ENOTDIR otherwise). */
async function openDir(path: string): Promise<FileHandle> {
  return open(path, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
}

async function prepareRoot(target: string): Promise<Dir> {
  try {
    await makeDirs(target, DIR_MODE).catch((e: unknown) => {
      throw new UsageError('BAD_TARGET', `cannot use ${target} as the extraction directory: ${(e as Error).message}`, { cause: e });
    });
    const root = await realpath(target);
    if (!(await lstat(root)).isDirectory()) throw new UsageError('NOT_A_DIRECTORY', `${target} is not a directory`);
    return { path: root, handle: PROC_FD ? await openDir(root) : undefined };
  } catch (e) {
    if (e instanceof FnnxError) throw e;
    throw new UsageError('BAD_TARGET', `cannot use ${target} as the extraction directory: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * Makes (or opens) each directory on the way, one segment below the one we hold: an existing link,
 * file or special file on the way refuses the member instead of being followed. The caller closes
 * the directory returned (closeDir).
 */
async function ensureDirectories(root: Dir, segments: string[], member: string): Promise<Dir> {
  let dir = root;
  try {
    for (const segment of segments) {
      const next = await enterDirectory(root, dir, segment, member);
      await closeDir(root, dir);
      dir = next;
    }
    return dir;
  } catch (e) {
    await closeDir(root, dir);
    throw e;
  }
}

async function enterDirectory(root: Dir, dir: Dir, segment: string, member: string): Promise<Dir> {
  const path = join(dir.path, segment);
  const name = at(dir, segment);
  // A few rounds: another process may remove what we just made, or make what we just missed.
  for (let round = 0; ; round++) {
    const kind = await kindAt(name, path);
    if (kind === 'missing') {
      try {
        await mkdir(name, { mode: DIR_MODE });
      } catch (e) {
        if (root.handle && (e as NodeJS.ErrnoException).code === 'ENOENT') refuseRemoved(dir, member);
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw writeError(e, path);
      }
    } else if (kind === 'symlink') {
      refuse('LINK_IN_TARGET', `"${relative(root.path, path)}" is a symbolic link in the target; links are never followed`, member);
    } else if (kind !== 'directory') {
      refuse('PATH_CONFLICT', `"${relative(root.path, path)}" exists in the target and is not a directory`, member);
    }
    if (!root.handle) {
      if ((await kindAt(name, path)) === 'directory') return { path };
    } else {
      try {
        return { path, handle: await openDir(name) };
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ELOOP')
          refuse('LINK_IN_TARGET', `"${relative(root.path, path)}" is a symbolic link in the target; links are never followed`, member);
        if (code === 'ENOTDIR')
          refuse('PATH_CONFLICT', `"${relative(root.path, path)}" exists in the target and is not a directory`, member);
        if (code !== 'ENOENT') throw writeError(e, path);
      }
    }
    if (round >= 4)
      refuse('PATH_CONFLICT', `"${relative(root.path, path)}" keeps changing while it is being created (another process?)`, member);
  }
}

/** Only another process makes a directory we hold open vanish (removed, or renamed over). */
function refuseRemoved(dir: Dir, member: string): never {
  refuse('PATH_CONFLICT', `"${dir.path}" was removed or replaced by another process during the extraction`, member);
}

async function writeMember(source: ByteSource, entry: TarEntry, dir: Dir, name: string, options: ExtractOptions): Promise<void> {
  const finalPath = join(dir.path, name);
  const final = at(dir, name);
  const existing = await kindAt(final, finalPath);
  if (existing === 'symlink')
    refuse('LINK_IN_TARGET', 'exists in the target as a symbolic link; links are never followed or replaced', entry.name);
  if (existing !== 'missing' && existing !== 'file') refuse('PATH_CONFLICT', `exists in the target as a ${existing}`, entry.name);
  let handle: FileHandle | undefined;
  let temp: string | undefined;
  try {
    [handle, temp] = await createTemp(dir);
    let written = 0;
    for await (const chunk of readChunks(source, entry.dataOffset, entry.size, {
      chunkSize: options.chunkSize ?? 1 << 20,
      signal: options.signal,
    })) {
      await writeFully(handle, chunk, written);
      written += chunk.length;
    }
    if (written !== entry.size) throw new SourceError('SHORT_READ', `read ${written} of ${entry.size} bytes`, { member: entry.name });
    await handle.chmod(entry.mode & 0o100 ? EXEC_MODE : FILE_MODE);
    await handle.close();
    handle = undefined;
    // rename replaces the directory entry itself: an existing hard link's other names are untouched.
    await rename(temp, final);
  } catch (e) {
    await handle?.close().catch(() => undefined);
    if (temp) await unlink(temp).catch(() => undefined);
    if (e instanceof FnnxError) throw e;
    if (dir.handle && (e as NodeJS.ErrnoException).code === 'ENOENT') refuseRemoved(dir, entry.name);
    throw writeError(e, finalPath);
  }
}

/**
 * A fresh file beside the destination. O_EXCL|O_NOFOLLOW: the name is ours alone and cannot be a
 * planted link; a name the archive already used is skipped, not overwritten.
 */
async function createTemp(dir: Dir): Promise<[FileHandle, string]> {
  for (let attempt = 0; ; attempt++) {
    const temp = at(dir, `.fnnx-kit-${process.pid}-${Math.random().toString(36).slice(2, 10)}.part`);
    try {
      return [await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600), temp];
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 8) throw e;
    }
  }
}

type PathKind = 'missing' | 'file' | 'directory' | 'symlink' | 'special file';

async function kindAt(path: string, shown = path): Promise<PathKind> {
  try {
    const st = await lstat(path);
    if (st.isSymbolicLink()) return 'symlink';
    if (st.isDirectory()) return 'directory';
    if (st.isFile()) return 'file';
    return 'special file';
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw writeError(e, shown);
  }
}

function relative(root: string, path: string): string {
  return path.slice(root.length + 1);
}

function writeError(e: unknown, path: string): SourceError {
  return ioError(e, path);
}
