/**
 * Where a command puts its result (`pack -o`, `download -o`) and the files it keeps beside it.
 * An output is only ever a regular file the kit creates: it is written under another name and
 * renamed into place, and rename replaces whatever has the name. So a FIFO, a socket, a device
 * node or a directory at the output's name is refused, never replaced (as root, `-o /dev/null`
 * would otherwise replace the system's /dev/null with a regular file).
 *
 * A file the kit keeps for itself (a download's `.part` and `.part.json`, a lock's undo file) is
 * used again only when it is provably one this user's earlier run made: a regular file with one
 * name, owned by this user, with a private mode. Anything else was planted (another user in a
 * shared sticky folder) or left by another tool, and is not used.
 */
import { constants, type Stats } from 'node:fs';
import { lstat, rename, type FileHandle } from 'node:fs/promises';
import { FnnxError, SourceError } from '../errors.js';
import { ioError, linkRefused } from './io-error.js';

/** What a file is, in words for a message: "a FIFO", "a directory". */
export function kindOf(st: Stats): string {
  if (st.isFile()) return 'a regular file';
  if (st.isSymbolicLink()) return 'a symbolic link';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isDirectory()) return 'a directory';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

/**
 * Refuses an output name that holds something other than a regular file (a missing name is
 * fine). Checked before any work, so a refusal costs nothing, and again just before the rename.
 */
export async function refuseSpecialOutput(path: string): Promise<void> {
  const st = await lstat(path).catch((e: unknown) => {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw ioError(e, path);
  });
  if (st === undefined || st.isFile()) return;
  if (st.isSymbolicLink()) throw linkRefused(path);
  throw notAnOutput(path, st);
}

export function notAnOutput(path: string, st: Stats): SourceError {
  return new SourceError(
    'NOT_A_FILE',
    `${path} is ${kindOf(st)}: an output is only ever a regular file fnnx-kit creates; nothing was written`,
    {
      hint: 'choose another output path (-o - writes to standard output where the command supports it)',
    },
  );
}

/** The mode a file created now gets (0666 less the umask), as `tar -cf` or `curl -o` would give it. */
export function newFileMode(): number {
  // process.umask() without an argument reads the mask without changing it (Node keeps this form).
  return 0o666 & ~process.umask();
}

/**
 * Moves a finished private file (`handle` open on `temp`) to `path`: it gets the mode a new file
 * gets, and replaces only a regular file or nothing.
 */
export async function placeOutput(handle: FileHandle, temp: string, path: string): Promise<void> {
  await handle.chmod(newFileMode()).catch((e: unknown) => {
    throw ioError(e, temp);
  });
  await refuseSpecialOutput(path);
  await rename(temp, path).catch((e: unknown) => {
    throw ioError(e, path);
  });
}

/** Flags for opening a file the kit keeps for itself: no link followed, no blocking on a FIFO. */
export const OWN_FILE_FLAGS = {
  read: constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK,
  update: constants.O_RDWR | constants.O_NOFOLLOW | constants.O_NONBLOCK,
} as const;

/** Why `st` (fstat of an open handle) is not a file this user's earlier run made, or undefined when it is. */
export function notOurs(st: Stats): string | undefined {
  if (!st.isFile()) return `is ${kindOf(st)}`;
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) return `belongs to another user (uid ${st.uid})`;
  if ((st.mode & 0o077) !== 0)
    return `has mode ${(st.mode & 0o777).toString(8).padStart(4, '0')}, not the private mode (0600) fnnx-kit gives its own files`;
  if (st.nlink !== 1) return 'has another name (a hard link)';
  return undefined;
}

/** A file the kit would use again is not provably its own: refused, not used, and nothing changed. */
export function foreignState(message: string, hint: string): FnnxError {
  return new SourceError('FOREIGN_STATE', message, { hint });
}
