/**
 * Opening files we create, resume or change without following a symbolic link at the final name:
 * a link planted there (say `model.fnnx.part` → `~/.bashrc`) is refused, its target untouched.
 */
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { ioError, linkRefused } from './io-error.js';

const { O_RDONLY, O_RDWR, O_WRONLY, O_CREAT, O_EXCL, O_TRUNC, O_NOFOLLOW } = constants;

/** The flag sets the kit uses, each with O_NOFOLLOW. */
export const NOFOLLOW = {
  read: O_RDONLY | O_NOFOLLOW,
  update: O_RDWR | O_NOFOLLOW,
  /** Resume or start: create if missing, keep the bytes. */
  resume: O_RDWR | O_CREAT | O_NOFOLLOW,
  /** Start over: create if missing, empty it. */
  replace: O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW,
  /** A name that must be new (O_EXCL never follows a link either). */
  create: O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW,
  /** A new private file we write and read back. */
  scratch: O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW,
} as const;

export async function openNoFollow(path: string, flags: number, mode = 0o644): Promise<FileHandle> {
  try {
    return await open(path, flags, mode);
  } catch (e) {
    throw (e as NodeJS.ErrnoException).code === 'ELOOP' ? linkRefused(path) : ioError(e, path);
  }
}
