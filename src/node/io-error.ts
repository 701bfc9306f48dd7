/**
 * File-system errors as the kit reports them: each errno a code for its fact and a hint. Every
 * Node module (and the CLI, for its own output) maps an errno here, so one errno reads the same
 * wherever it happens.
 */
import type { ErrorCode } from '../codes.js';
import { SourceError } from '../errors.js';

/** What one file-system errno means for the user, and what to do about it. */
interface IoFact {
  code: ErrorCode;
  why: string;
  hint: string;
}

const CHECK_PATH = 'check the path, or give another one';
const IO_FACTS = new Map<string, IoFact>([
  ['ENOENT', { code: 'NOT_FOUND', why: 'no such file or directory', hint: CHECK_PATH }],
  ['ENOTDIR', { code: 'NOT_A_DIRECTORY', why: 'a part of the path is not a directory', hint: CHECK_PATH }],
  [
    'EISDIR',
    {
      code: 'NOT_A_FILE',
      why: 'is a directory, not a file',
      hint: 'give a file (a folder in directory form is packed first: fnnx-kit pack)',
    },
  ],
  [
    'EACCES',
    {
      code: 'PERMISSION_DENIED',
      why: 'permission denied',
      hint: 'check the permissions of the file and of its folders, or give another path',
    },
  ],
  [
    'EPERM',
    {
      code: 'PERMISSION_DENIED',
      why: 'operation not permitted',
      hint: 'check the permissions and attributes (e.g. immutable) of the file, or give another path',
    },
  ],
  ['EROFS', { code: 'READ_ONLY_FS', why: 'the file system is read-only', hint: 'write to another place' }],
  ['ENOSPC', { code: 'NO_SPACE', why: 'no space left on the device', hint: 'free space on that disk, or write to another one' }],
  ['EDQUOT', { code: 'NO_SPACE', why: 'the disk quota is exhausted', hint: 'free space within your quota, or write to another disk' }],
  [
    'EFBIG',
    { code: 'NO_SPACE', why: 'the file is larger than the file system allows', hint: 'write to a file system that takes larger files' },
  ],
  ['ENAMETOOLONG', { code: 'NAME_TOO_LONG', why: 'a name in the path is too long for the file system', hint: 'use a shorter path' }],
  ['EEXIST', { code: 'ALREADY_EXISTS', why: 'already exists', hint: 'remove it first, or give another path' }],
  ['EMFILE', { code: 'TOO_MANY_OPEN_FILES', why: 'too many open files', hint: 'raise the limit (ulimit -n) and run again' }],
  [
    'ENFILE',
    {
      code: 'TOO_MANY_OPEN_FILES',
      why: 'too many open files in the system',
      hint: 'close other programs, or raise the limit, and run again',
    },
  ],
  [
    'EIO',
    { code: 'IO_ERROR', why: 'input/output error (the disk or the network file system failed)', hint: 'check the disk, then run again' },
  ],
]);

/** A raw error from node:fs (an errno error), as Node throws it: `code`, `syscall`, maybe `path`. */
export function isErrnoError(e: unknown): e is NodeJS.ErrnoException & { code: string } {
  return (
    e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string' && typeof (e as NodeJS.ErrnoException).syscall === 'string'
  );
}

/**
 * The one place a file-system errno becomes a typed error: a code per fact (NO_SPACE, NOT_FOUND,
 * NOT_A_DIRECTORY, PERMISSION_DENIED, NAME_TOO_LONG, ...) and a hint saying what to do.
 */
export function ioError(e: unknown, path?: string): SourceError {
  const errno = (e as NodeJS.ErrnoException | undefined)?.code;
  const where = path ?? (e as NodeJS.ErrnoException | undefined)?.path;
  const fact = errno === undefined ? undefined : IO_FACTS.get(errno);
  const why = fact?.why ?? String((e as Error | undefined)?.message ?? e);
  return new SourceError(fact?.code ?? 'IO_ERROR', where ? `${where}: ${why}` : why, { cause: e, hint: fact?.hint });
}

/** O_NOFOLLOW met a symbolic link where we create, resume or change a file. */
export function linkRefused(path: string, what = 'is a symbolic link'): SourceError {
  return new SourceError('LINK_REFUSED', `${path} ${what}; fnnx-kit never writes through a link it did not make (nothing was written)`, {
    hint: 'remove the link, or choose another path',
  });
}
