/**
 * Opening a file the kit reads as input (pack's members, new's external data, card assets, the
 * artifact extract reads): open first, then check what was opened. O_NOFOLLOW refuses a link at the
 * last segment, O_NONBLOCK keeps a FIFO or a device from blocking the open, and fstat on the open
 * descriptor says what we really hold: a regular file, and, when a walk saw it first, the very file
 * it saw (device, inode, size). A file swapped after the walk (renamed into a link, replaced by
 * another) is refused, never read.
 */
import { constants, existsSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { SourceError, isFnnxError } from '../errors.js';
import { ioError } from './io-error.js';
import { fileCalls, lstatAsync, type FileCalls } from './fs-async.js';

const { O_RDONLY, O_NOFOLLOW, O_NONBLOCK, O_DIRECTORY } = constants;

/** What a walk saw of a regular file (lstat), which the file opened must still be. */
export interface Identity {
  dev: number;
  ino: number;
  size: number;
}

export interface OpenCheckedOptions {
  /** The file the walk saw: the one opened must be it (same device, inode and size). */
  seen?: Identity;
  /**
   * `path` is relative to this folder and resolved one segment at a time, each directory opened
   * without following a link: a link anywhere on the way (`sub -> ../outside`) is refused.
   */
  under?: string;
  /**
   * Follow a link at `path` itself: for a path the user named (a link they chose), never for a
   * name a walk found. The file opened is still checked (regular, and `seen` when given).
   */
  follow?: boolean;
  /** The error for a link at `path` itself (default NOT_A_FILE): LINK_REFUSED for a file we are about to change. */
  linkError?: (path: string) => Error;
  /** Read on the calling thread (blockingCalls): for a caller with nothing else to run. */
  blocking?: boolean;
}

export interface CheckedFile {
  fd: number;
  stats: Stats;
  /** The path for messages (joined with `under`). */
  path: string;
  calls: FileCalls;
}

/** Linux resolves /proc/self/fd/<fd>/<name> from the open directory, so a swap on the way cannot redirect it. */
const PROC_FD = process.platform === 'linux' && existsSync('/proc/self/fd');

/** Opens `path` for reading as a regular file that is what the caller expects; the caller closes `fd`. */
export async function openChecked(path: string, options: OpenCheckedOptions = {}): Promise<CheckedFile> {
  const calls = fileCalls(options.blocking);
  const shown = options.under === undefined ? path : join(options.under, path);
  const fd = await (
    options.under === undefined
      ? openLeaf(calls, path, shown, options.follow, options.linkError)
      : openUnder(calls, options.under, path, shown)
  ).catch((e: unknown) => {
    // A link where the walk saw a regular file: the folder changed since, as for any other swap.
    if (options.seen && options.under === undefined && isFnnxError(e, 'NOT_A_FILE'))
      throw changed(shown, 'the regular file listed there is now a symbolic link');
    throw e;
  });
  try {
    const stats = await calls.fstat(fd);
    checkOpened(stats, shown, options.seen);
    return { fd, stats, path: shown, calls };
  } catch (e) {
    await calls.close(fd);
    throw e;
  }
}

async function openLeaf(
  calls: FileCalls,
  path: string,
  shown: string,
  follow = false,
  linkError?: (path: string) => Error,
): Promise<number> {
  try {
    return await calls.open(path, O_RDONLY | O_NONBLOCK | (follow ? 0 : O_NOFOLLOW));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ELOOP') throw linkError?.(shown) ?? notRegular(shown, 'a symbolic link');
    throw ioError(e, shown);
  }
}

/** Each directory below `root` opened O_DIRECTORY|O_NOFOLLOW, the next name resolved from it. */
async function openUnder(calls: FileCalls, root: string, relPath: string, shown: string): Promise<number> {
  const segments = relPath.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.length === 0 || segments.includes('..')) throw notRegular(shown, 'not a path below its folder');
  if (!PROC_FD) {
    // No /proc (macOS): each folder on the way checked with lstat first; a swap between that
    // check and the open is not caught here (see docs/cli.md, Limits).
    for (let i = 1; i < segments.length; i++) {
      const walked = join(root, ...segments.slice(0, i));
      const st = await lstatAsync(walked).catch((e: unknown) => Promise.reject(ioError(e, walked)));
      if (!st.isDirectory())
        throw notRegular(
          shown,
          `reached through ${walked}, ${st.isSymbolicLink() ? 'a symbolic link (links are never followed)' : `${kindOf(st)}, not a folder`}`,
        );
    }
    return openLeaf(calls, join(root, ...segments), shown);
  }
  let dir = await calls.open(root, O_RDONLY | O_DIRECTORY | O_NONBLOCK).catch((e: unknown) => Promise.reject(ioError(e, root)));
  try {
    let walked = root;
    for (const segment of segments.slice(0, -1)) {
      walked = join(walked, segment);
      const next = await calls
        .open(`/proc/self/fd/${dir}/${segment}`, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NONBLOCK)
        .catch(async (e: unknown) => {
          const code = (e as NodeJS.ErrnoException).code;
          // Linux says ENOTDIR (or ELOOP) for a link opened O_DIRECTORY|O_NOFOLLOW: lstat tells a link from a file.
          if (code !== 'ELOOP' && code !== 'ENOTDIR') throw ioError(e, walked);
          const st = await lstatAsync(`/proc/self/fd/${dir}/${segment}`).catch(() => undefined);
          const what = st?.isSymbolicLink() !== false ? 'a symbolic link (links are never followed)' : `${kindOf(st)}, not a folder`;
          throw notRegular(shown, `reached through ${walked}, ${what}`);
        });
      await calls.close(dir);
      dir = next;
    }
    return await openLeaf(calls, `/proc/self/fd/${dir}/${segments[segments.length - 1]!}`, shown);
  } finally {
    await calls.close(dir);
  }
}

function checkOpened(stats: Stats, shown: string, seen: Identity | undefined): void {
  if (!stats.isFile()) {
    const what = kindOf(stats);
    if (seen) throw changed(shown, `the regular file listed there is now ${what}`);
    throw notRegular(shown, what);
  }
  if (seen && (stats.dev !== seen.dev || stats.ino !== seen.ino))
    throw changed(shown, 'it is another file than the one listed there (renamed or replaced)');
  if (seen && stats.size !== seen.size) {
    const how = stats.size > seen.size ? 'it grew past its size' : 'it shrank below its size';
    throw new SourceError(
      'SIZE_CHANGED',
      `${shown}: ${how} when listed (${seen.size} bytes, now ${stats.size}); did it change while being read? Nothing was written`,
      {
        hint: 'let whatever writes this file finish, then run the command again',
      },
    );
  }
}

/** "a FIFO", "a directory", ...: what a non-regular file is, in words. */
export function kindOf(stats: Stats): string {
  if (stats.isSymbolicLink()) return 'a symbolic link';
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  return stats.isFile() ? 'a regular file' : 'a special file';
}

/** NOT_A_FILE for an input that is not a regular file; `what` is its kind ("a FIFO") or why. */
export function notRegular(path: string, what: string): SourceError {
  const why = what.startsWith('a ') ? `is ${what}, not a regular file` : what;
  // Said once: "reached through x, a symbolic link (links are never followed)" says it already.
  const links = what === 'a symbolic link' ? ', never through a link' : '';
  return new SourceError('NOT_A_FILE', `${path} ${why}; inputs are read from regular files only${links}`, {
    hint:
      what === 'a directory'
        ? 'give a file (a folder in directory form is packed first: fnnx-kit pack)'
        : 'give the regular file itself (copy it in place of the link or special file)',
  });
}

function changed(path: string, what: string): SourceError {
  return new SourceError('SOURCE_CHANGED', `${path} changed between being listed and being read: ${what}; nothing was written`, {
    hint: 'let whatever changes the folder finish, then run the command again',
  });
}
