import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { checkLength, checkRange, type ByteSource } from '../source/byte-source.js';
import { SourceError, throwIfAborted } from '../errors.js';

/** A local file read by position (pread), so offsets past 4 GiB and concurrent reads just work. */
export class FileSource implements ByteSource {
  private constructor(
    private readonly handle: FileHandle,
    readonly byteLength: number,
    readonly label: string,
  ) {}

  /** `noFollow`: refuse a symbolic link at `path` (for files we are about to change). */
  static async open(path: string, options: { noFollow?: boolean } = {}): Promise<FileSource> {
    let handle: FileHandle;
    try {
      handle = await open(path, options.noFollow ? constants.O_RDONLY | constants.O_NOFOLLOW : 'r');
    } catch (e) {
      throw options.noFollow && (e as NodeJS.ErrnoException).code === 'ELOOP' ? linkRefused(path) : ioError(e, path);
    }
    const stat = await handle.stat();
    if (!stat.isFile()) {
      await handle.close();
      throw new SourceError('NOT_A_FILE', `${path} is not a regular file`);
    }
    return new FileSource(handle, stat.size, path);
  }

  async read(offset: number, length: number, signal?: AbortSignal): Promise<Uint8Array> {
    throwIfAborted(signal);
    checkRange(this, offset, length);
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await this.handle.read(out, done, length - done, offset + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    checkLength(this, done, length, offset);
    return out;
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}

export function ioError(e: unknown, path: string): SourceError {
  const code = (e as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : String((e as Error).message);
  return new SourceError('IO_ERROR', `${path}: ${why}`, { cause: e });
}

/** O_NOFOLLOW met a symbolic link where we create, resume or change a file. */
export function linkRefused(path: string, what = 'is a symbolic link'): SourceError {
  return new SourceError('LINK_REFUSED', `${path} ${what}; fnnx-kit never writes through a link it did not make (nothing was written)`, {
    hint: 'remove the link, or choose another path',
  });
}
